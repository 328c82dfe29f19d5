"""Reflections: a learner's private answers to the lessons' reflection questions."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import bindparam, delete, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course.catalog import Course, Lesson, Module
from course.errors import ReflectionRefused, ReflectionTooLong
from course.models import LessonProgress, Reflection, User
from course.text import text_problem, utcnow

MAX_LENGTH = 5000


def reflection_text(session: Session, user: User, lesson: Lesson) -> str:
    """The learner's answer to this lesson's reflection question ('' when none)."""
    return session.scalar(select(Reflection.text).where(
        Reflection.user_id == user.id, Reflection.module_slug == lesson.module_slug,
        Reflection.lesson_slug == lesson.slug)) or ""


def save_reflection(session: Session, user: User, lesson: Lesson, text: str) -> None:
    """Store the learner's answer (an empty answer removes it) and commit.

    Saved as the learner types, so two saves may race: the unique row per lesson makes the second
    insert an update instead.
    """
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_LENGTH:
        raise ReflectionTooLong(MAX_LENGTH)
    if text_problem(text):
        raise ReflectionRefused(text_problem(text))
    where = (Reflection.user_id == user.id, Reflection.module_slug == lesson.module_slug,
             Reflection.lesson_slug == lesson.slug)
    if not text:
        session.execute(delete(Reflection).where(*where))
        session.commit()
        return
    for _ in range(2):
        row = session.scalar(select(Reflection).where(*where))
        if row is None:
            session.add(Reflection(user_id=user.id, module_slug=lesson.module_slug, lesson_slug=lesson.slug,
                                   text=text))
        else:
            row.text, row.updated_at = text, utcnow()
        try:
            session.commit()
            return
        except IntegrityError:  # the other save inserted first; update that row
            session.rollback()


@dataclass(frozen=True)
class ModuleReflections:
    module: Module
    items: list[tuple[Lesson, Reflection]]


def reflections_of(session: Session, course: Course, user: User) -> list[ModuleReflections]:
    """The learner's reflections, per module in course order (modules without any left out)."""
    rows = {(r.module_slug, r.lesson_slug): r
            for r in session.scalars(select(Reflection).where(Reflection.user_id == user.id))}
    result = []
    for module in course.modules:
        items = [(lesson, rows[(module.slug, lesson.slug)]) for lesson in module.lessons
                 if (module.slug, lesson.slug) in rows]
        if items:
            result.append(ModuleReflections(module, items))
    return result


@cache
def _lesson_state_statement():
    """Built once, on the tables (no ORM entities to load): the lesson page asks it on every view."""
    user, module, lesson = bindparam("user_id"), bindparam("module_slug"), bindparam("lesson_slug")
    done, reflection = LessonProgress.__table__.c, Reflection.__table__.c
    return select(
        exists().where(done.user_id == user, done.module_slug == module, done.lesson_slug == lesson),
        select(reflection.text).where(reflection.user_id == user, reflection.module_slug == module,
                                      reflection.lesson_slug == lesson).scalar_subquery())


def lesson_state(session: Session, user: User, lesson: Lesson) -> tuple[bool, str]:
    """(lesson done, reflection text) in one query, for the lesson page."""
    row = session.connection().execute(_lesson_state_statement(), {
        "user_id": user.id, "module_slug": lesson.module_slug, "lesson_slug": lesson.slug}).first()
    return bool(row[0]), row[1] or ""
