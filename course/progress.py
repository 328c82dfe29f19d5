"""Lesson progress per learner, and the overview figures built from it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import bindparam, literal, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .catalog import Course, Lesson, Module
from .models import Certificate, LessonProgress, ModuleCompletion, User


def completed_lessons(session: Session, user: User) -> dict[tuple[str, str], datetime]:
    """Return {(module slug, lesson slug): completed_at} for one learner, in one query."""
    rows = session.execute(
        select(LessonProgress.module_slug, LessonProgress.lesson_slug, LessonProgress.completed_at)
        .where(LessonProgress.user_id == user.id)
    )
    return {(m, l): at for m, l, at in rows}


@lru_cache(maxsize=1)
def _lesson_done_statement():
    # Built once: the lesson page runs this on every view.
    return select(LessonProgress.id).where(
        LessonProgress.user_id == bindparam("user_id"), LessonProgress.module_slug == bindparam("module"),
        LessonProgress.lesson_slug == bindparam("lesson"))


def is_lesson_done(session: Session, user: User, lesson: Lesson) -> bool:
    """Whether the learner finished this lesson (one small query)."""
    return session.scalar(_lesson_done_statement(),
                          {"user_id": user.id, "module": lesson.module_slug, "lesson": lesson.slug}) is not None


def mark_lesson_done(session: Session, user: User, lesson: Lesson) -> bool:
    """Record that the learner finished a lesson; return False if it was recorded before."""
    if is_lesson_done(session, user, lesson):
        return False
    session.add(LessonProgress(user_id=user.id, module_slug=lesson.module_slug, lesson_slug=lesson.slug))
    try:
        session.commit()
    except IntegrityError:  # a second click or tab won the race; the lesson is recorded once
        session.rollback()
        return False
    return True


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    lessons_done: int
    quiz_passed: bool
    completed_at: datetime | None

    @property
    def steps(self) -> int:
        return len(self.module.lessons) + (1 if self.module.quiz else 0)

    @property
    def steps_done(self) -> int:
        return self.lessons_done + (1 if self.quiz_passed and self.module.quiz else 0)

    @property
    def percent(self) -> int:
        return 100 if self.completed_at else int(100 * self.steps_done / self.steps) if self.steps else 0

    @property
    def lessons_finished(self) -> bool:
        return self.lessons_done == len(self.module.lessons)

    @property
    def status(self) -> str:
        if self.completed_at:
            return "afgerond"
        return "bezig" if self.steps_done else "niet begonnen"


@dataclass(frozen=True)
class CourseProgress:
    course: Course
    done: dict[tuple[str, str], datetime]
    modules: tuple[ModuleProgress, ...]
    certificates: dict[str, str]  # {scope: verification code} of the learner's valid certificates

    @property
    def percent(self) -> int:
        steps = sum(m.steps for m in self.modules)
        return int(100 * sum(m.steps_done for m in self.modules) / steps) if steps else 0

    @property
    def started(self) -> bool:
        return bool(self.done)

    @property
    def completed(self) -> bool:
        return all(m.completed_at for m in self.modules)

    def is_done(self, lesson: Lesson) -> bool:
        return (lesson.module_slug, lesson.slug) in self.done

    def for_module(self, slug: str) -> ModuleProgress:
        return next(m for m in self.modules if m.module.slug == slug)

    def next_lesson(self) -> Lesson | None:
        """The first lesson in course order the learner has not finished."""
        return next((lesson for lesson in self.course.lessons if not self.is_done(lesson)), None)

    def next_module_with_open_quiz(self) -> Module | None:
        """The first module whose lessons are done but whose quiz is not passed yet."""
        return next((m.module for m in self.modules
                     if m.lessons_finished and m.module.quiz and not m.quiz_passed), None)

    def next_step(self) -> NextStep | None:
        """What the learner does next, in course order: a module's lessons, then its quiz, then the next module.

        "Verder leren" on the home page and the overview, and /cursus/verder, all follow this one answer.
        None when every lesson is read and every quiz passed.
        """
        for mp in self.modules:
            lesson = next((lesson for lesson in mp.module.lessons if not self.is_done(lesson)), None)
            if lesson is not None:
                return NextStep(mp.module, lesson)
            if mp.module.quiz and not mp.quiz_passed:
                return NextStep(mp.module, None)
        return None


@dataclass(frozen=True)
class NextStep:
    """A lesson to read, or (lesson None) the module's quiz to take."""
    module: Module
    lesson: Lesson | None

    @property
    def is_quiz(self) -> bool:
        return self.lesson is None

    @property
    def endpoint(self) -> tuple[str, dict[str, str]]:
        """(Flask endpoint, its values) of the page for this step."""
        if self.lesson is None:
            return "quiz.show", {"module_slug": self.module.slug}
        return "learn.lesson", {"module_slug": self.module.slug, "lesson_slug": self.lesson.slug}


@lru_cache(maxsize=1)
def _progress_statement():
    """Lessons done, modules completed and valid certificates of one learner, as one UNION ALL."""
    user_id = bindparam("user_id")
    return union_all(
        select(literal("les"), LessonProgress.module_slug, LessonProgress.lesson_slug, LessonProgress.completed_at)
        .where(LessonProgress.user_id == user_id),
        select(literal("module"), ModuleCompletion.module_slug, literal(""), ModuleCompletion.completed_at)
        .where(ModuleCompletion.user_id == user_id),
        select(literal("certificaat"), Certificate.scope, Certificate.code, Certificate.issued_at)
        .where(Certificate.user_id == user_id, Certificate.revoked_at.is_(None)),
    )


def course_progress(session: Session, course: Course, user: User) -> CourseProgress:
    """Summarise one learner's progress through the course (one query)."""
    done: dict[tuple[str, str], datetime] = {}
    completions: dict[str, datetime] = {}
    certificates: dict[str, str] = {}
    for kind, slug, other, at in session.execute(_progress_statement(), {"user_id": user.id}):
        if kind == "les":
            done[(slug, other)] = at
        elif kind == "module":
            completions[slug] = at
        else:
            certificates[slug] = other
    modules = tuple(
        ModuleProgress(
            module=module,
            lessons_done=sum((module.slug, lesson.slug) in done for lesson in module.lessons),
            # The quiz opens only after the lessons, so a passed quiz is a completed module.
            quiz_passed=module.slug in completions,
            completed_at=completions.get(module.slug),
        )
        for module in course.modules
    )
    return CourseProgress(course=course, done=done, modules=modules, certificates=certificates)
