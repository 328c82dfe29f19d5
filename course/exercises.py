"""Practice questions at the end of a lesson: answer, see the key and the feedback at once, not counted.

The learner's last answer per question is kept (exercise_results), so the lesson shows it again and
the overview says "oefenvragen: 2 van 3 goed" per lesson. The exam (course/attempts.py) never reads it.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any, Mapping, Sequence

from sqlalchemy import Integer, Text, bindparam, cast, exists, func, literal, null, select, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course.catalog import Course, Lesson
from course.catalog.questions import AnswerError, Question, ReviewRow
from course.errors import ExerciseProblem
from course.models import ExerciseResult, LessonProgress, QuizReread, Reflection, User
from course.text import utcnow


def shown_order(question: Question) -> tuple[str, ...]:
    """The order a practice question's choices show in: shuffled, but the same on every visit and for everyone."""
    order = [c.id for c in question.choices()]
    random.Random(question.id).shuffle(order)
    return tuple(order)


@dataclass(frozen=True)
class ExerciseItem:
    """A practice question as the lesson shows it: the form, and after an answer the key and feedback."""

    number: int
    question: Question
    answer: Any = None  # the learner's last answer, None before the first
    points: float = 0.0
    rows: tuple[ReviewRow, ...] = ()
    revealed: bool = True  # a practice question always shows its key (the review partials ask)

    @property
    def answered(self) -> bool:
        return self.answer is not None

    @property
    def correct(self) -> bool:
        return self.points >= 0.999

    def choices(self):
        by_id = {c.id: c for c in self.question.choices()}
        return [by_id[cid] for cid in shown_order(self.question)]


def item(number: int, question: Question, answer: Any = None) -> ExerciseItem:
    if answer is None:
        return ExerciseItem(number, question)
    return ExerciseItem(number, question, answer, question.grade(answer).points,
                        _every_option_explained(question, question.review_rows(answer, shown_order(question), True)))


def _every_option_explained(question: Question, rows: tuple[ReviewRow, ...]) -> tuple[ReviewRow, ...]:
    """Practice teaches by feedback: after an answer every option says why it fits or not, not only the chosen one."""
    why = {option.text: option.feedback for option in getattr(question, "options", ())}
    return tuple(replace(row, feedback=row.feedback or why.get(row.text, "")) for row in rows)


def lesson_items(lesson: Lesson, answers: Mapping[str, Any]) -> list[ExerciseItem]:
    """The lesson's practice questions with this learner's last answers (a stale answer shows as none)."""
    out = []
    for number, question in enumerate(lesson.exercises, start=1):
        answer = answers.get(question.id)
        try:
            out.append(item(number, question, answer))
        except (KeyError, TypeError, ValueError):  # the question was edited since: ask it afresh
            out.append(item(number, question))
    return out


@dataclass(frozen=True)
class LessonPageState:
    """What the lesson page needs of one learner, read in one query."""

    done: bool
    reflection: str
    answers: dict[str, Any]  # {practice question id: last answer}
    reread_pending: bool  # a failed quiz attempt asks to open this lesson again


@cache
def _state_statement():
    user, module, lesson = bindparam("user_id"), bindparam("module_slug"), bindparam("lesson_slug")
    done, reflection = LessonProgress.__table__.c, Reflection.__table__.c
    result, reread = ExerciseResult.__table__.c, QuizReread.__table__.c
    none = cast(null(), Text)
    return union_all(
        select(literal("s"), none, reflection.text, literal(0)).where(reflection.user_id == user, reflection.module_slug == module,
                                             reflection.lesson_slug == lesson),
        select(literal("d"), none, none,
               cast(exists().where(done.user_id == user, done.module_slug == module, done.lesson_slug == lesson),
                    Integer)),
        select(literal("o"), result.question_id, cast(result.answer, Text), literal(0))
        .where(result.user_id == user, result.module_slug == module, result.lesson_slug == lesson),
        select(literal("r"), none, none, func.count())
        .where(reread.user_id == user, reread.module_slug == module, reread.lesson_slug == lesson,
               reread.opened_at.is_(None)),
    )


def lesson_page_state(session: Session, user: User, lesson: Lesson) -> LessonPageState:
    """Lesson done, reflection text, practice answers and a pending reread, in one query."""
    done, text, answers, pending = False, "", {}, False
    for kind, question_id, value, number in session.connection().execute(_state_statement(), {
            "user_id": user.id, "module_slug": lesson.module_slug, "lesson_slug": lesson.slug}):
        if kind in "sd":
            done = done or bool(number)
            text = value or text
        elif kind == "o":
            answers[question_id] = json.loads(value)
        elif kind == "r":
            pending = bool(number)
    return LessonPageState(done, text, answers, pending)


def mark_reread(session: Session, user: User, lesson: Lesson, now: datetime | None = None) -> None:
    """The learner opened a lesson a failed attempt asked to reread: note it, so the next attempt can open."""
    session.execute(update(QuizReread).where(
        QuizReread.user_id == user.id, QuizReread.module_slug == lesson.module_slug,
        QuizReread.lesson_slug == lesson.slug, QuizReread.opened_at.is_(None)).values(opened_at=now or utcnow()))
    session.commit()


def read_answer(question: Question, form: Mapping[str, Sequence[str]]) -> Any:
    """The complete answer in the form; ExerciseProblem (a Dutch message) for a missing or foreign one."""
    for key in form:
        if key.startswith("q-") and not (key == question.field() or key.startswith(question.field() + "-")):
            raise ExerciseProblem("Dit antwoord hoort niet bij deze oefenvraag. Laad de pagina opnieuw.")
    try:
        answer = question.parse(form)
    except AnswerError as error:
        raise ExerciseProblem(f"Dit antwoord kan niet: {error}. Probeer het nog eens.") from None
    if answer is None or not question.is_complete(answer):
        raise ExerciseProblem("Kies eerst een antwoord bij elk onderdeel van de oefenvraag.")
    return answer


def save_answer(session: Session, user: User, lesson: Lesson, question: Question, answer: Any,
                now: datetime | None = None) -> ExerciseItem:
    """Keep the learner's last answer to a practice question (one row per question) and return its review."""
    result = item(lesson.exercises.index(question) + 1, question, answer)
    now = now or utcnow()
    where = (ExerciseResult.user_id == user.id, ExerciseResult.module_slug == lesson.module_slug,
             ExerciseResult.question_id == question.id)
    for _ in range(2):
        row = session.scalar(select(ExerciseResult).where(*where))
        if row is None:
            session.add(ExerciseResult(user_id=user.id, module_slug=lesson.module_slug, lesson_slug=lesson.slug,
                                       question_id=question.id, answer=answer, points=result.points,
                                       answered_at=now))
        else:
            row.answer, row.points, row.answered_at, row.lesson_slug = answer, result.points, now, lesson.slug
        try:
            session.commit()
            break
        except IntegrityError:  # a second tab saved first: update that row
            session.rollback()
    return result


def lesson_scores(session: Session, course: Course, user: User) -> dict[tuple[str, str], tuple[int, int]]:
    """{(module, lesson): (right, questions)} of every lesson whose practice questions the learner tried."""
    right: dict[str, set[str]] = {}
    tried: set[tuple[str, str]] = set()
    for module_slug, question_id, points in session.execute(
            select(ExerciseResult.module_slug, ExerciseResult.question_id, ExerciseResult.points)
            .where(ExerciseResult.user_id == user.id)):
        tried.add((module_slug, question_id))
        if points >= 0.999:
            right.setdefault(module_slug, set()).add(question_id)
    scores = {}
    for lesson in course.lessons:
        if any((lesson.module_slug, q.id) in tried for q in lesson.exercises):
            mine = right.get(lesson.module_slug, set())
            scores[(lesson.module_slug, lesson.slug)] = (sum(q.id in mine for q in lesson.exercises),
                                                         len(lesson.exercises))
    return scores
