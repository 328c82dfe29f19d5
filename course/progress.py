"""Lesson progress per learner, and the overview figures built from it."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import lru_cache
from typing import Iterable

from sqlalchemy import DateTime, Integer, String, bindparam, cast, func, literal, null, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course.catalog import Course, Lesson, Module
from course.models import Certificate, LessonProgress, ModuleCompletion, PracticeSubmission, QuizAttempt, User

# A hand-in's status as stored (course/practice.py): waiting for review, revision asked, signed off.
WAITING, REVISION, SIGNED = "ingeleverd", "herzien", "afgetekend"


# After this many failed attempts at a module's quiz, the team table says "loopt vast op module N".
STUCK_AFTER = 3


class PracticeState(Enum):
    """Where a learner stands with a module's assignment: the value is the CSS and URL slug."""

    HANDED_IN = WAITING
    REVISION = REVISION
    SIGNED = SIGNED

    @property
    def label(self) -> str:
        return {WAITING: "ingeleverd", REVISION: "herziening gevraagd", SIGNED: "afgetekend"}[self.value]

    @classmethod
    def of(cls, statuses: Iterable[str]) -> "PracticeState | None":
        """The state of one learner's hand-ins of one module: signed off beats waiting beats revision asked."""
        found = set(statuses)
        return next((cls(s) for s in (SIGNED, WAITING, REVISION) if s in found), None)


def completed_lessons(session: Session, user: User) -> dict[tuple[str, str], datetime]:
    """Return {(module slug, lesson slug): completed_at} for one learner, in one query."""
    rows = session.execute(
        select(LessonProgress.module_slug, LessonProgress.lesson_slug, LessonProgress.completed_at)
        .where(LessonProgress.user_id == user.id)
    )
    return {(m, l): at for m, l, at in rows}


def mark_lesson_done(session: Session, user: User, lesson: Lesson) -> bool:
    """Record that the learner finished a lesson; return False if it was recorded before."""
    if session.scalar(select(LessonProgress.id).where(
            LessonProgress.user_id == user.id, LessonProgress.module_slug == lesson.module_slug,
            LessonProgress.lesson_slug == lesson.slug)) is not None:
        return False
    session.add(LessonProgress(user_id=user.id, module_slug=lesson.module_slug, lesson_slug=lesson.slug))
    try:
        session.commit()
    except IntegrityError:  # a second click or tab won the race; the lesson is recorded once
        session.rollback()
        return False
    return True


class Status(Enum):
    """Where a learner stands in a module or the course: the one list of states and their Dutch words.

    The value is the slug used in URLs and CSS classes; `label` is what a person reads. New states
    (a quiz waiting, practice signed off) are added here and in ModuleProgress.status.
    """

    NOT_STARTED = "niet-begonnen"
    IN_PROGRESS = "bezig"
    DONE = "afgerond"

    @property
    def label(self) -> str:
        return {"niet-begonnen": "niet begonnen", "bezig": "bezig", "afgerond": "afgerond"}[self.value]

    @property
    def rank(self) -> int:
        """Sort order: finished first."""
        return {"afgerond": 0, "bezig": 1, "niet-begonnen": 2}[self.value]


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    lessons_done: int
    quiz_passed: bool
    completed_at: datetime | None
    certificate: str | None = None  # verification code of the valid module certificate
    practice: PracticeState | None = None  # the assignment: handed in, revision asked, signed off (or None)
    failed_attempts: int = 0  # failed quiz attempts (read for team tables; 0 where not read)

    @property
    def stuck(self) -> bool:
        """Three or more failed quiz attempts and the module not completed: the coach and manager see it."""
        return self.failed_attempts >= STUCK_AFTER and self.completed_at is None

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
    def status(self) -> Status:
        if self.completed_at:
            return Status.DONE
        return Status.IN_PROGRESS if self.steps_done else Status.NOT_STARTED


@dataclass(frozen=True)
class CourseProgress:
    """One learner's progress: per module, for the course, and (when loaded) per lesson."""

    course: Course
    done: dict[tuple[str, str], datetime]  # lessons finished; empty when loaded as counts only
    modules: tuple[ModuleProgress, ...]
    certificates: dict[str, str]  # {scope: verification code} of the learner's valid certificates

    @property
    def percent(self) -> int:
        steps = sum(m.steps for m in self.modules)
        return int(100 * sum(m.steps_done for m in self.modules) / steps) if steps else 0

    @property
    def started(self) -> bool:
        return any(m.steps_done for m in self.modules)

    @property
    def completed(self) -> bool:
        return all(m.completed_at for m in self.modules)

    @property
    def completed_at(self) -> datetime | None:
        """When the last module was completed, once all of them are."""
        return max(m.completed_at for m in self.modules) if self.modules and self.completed else None

    @property
    def certificate(self) -> str | None:
        """The verification code of the course certificate, if there is one."""
        return self.certificates.get(Certificate.COURSE_SCOPE)

    @property
    def status(self) -> Status:
        if self.completed:
            return Status.DONE
        return Status.IN_PROGRESS if self.started else Status.NOT_STARTED

    @property
    def modules_done(self) -> int:
        return sum(m.status is Status.DONE for m in self.modules)

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
        select(literal("praktijk"), PracticeSubmission.module_slug, PracticeSubmission.status,
               PracticeSubmission.submitted_at).where(PracticeSubmission.user_id == user_id),
    )


def _build(course: Course, done: dict[tuple[str, str], datetime], counts: dict[str, int],
           completions: dict[str, datetime], certificates: dict[str, str],
           practice: dict[str, set[str]] | None = None, failed: dict[str, int] | None = None) -> CourseProgress:
    """The one place where lessons, completions, certificates and hand-ins become progress."""
    modules = tuple(  # positional: a team table builds some 2,000 of these; a passed quiz is a completed module
        ModuleProgress(module, min(counts.get(module.slug, 0), len(module.lessons)), module.slug in completions,
                       completions.get(module.slug), certificates.get(module.slug),
                       PracticeState.of(practice[module.slug]) if practice and module.slug in practice else None,
                       failed.get(module.slug, 0) if failed else 0)
        for module in course.modules)
    return CourseProgress(course=course, done=done, modules=modules, certificates=certificates)


def _lesson_counts(course: Course, done: dict[tuple[str, str], datetime]) -> dict[str, int]:
    known = {(lesson.module_slug, lesson.slug) for lesson in course.lessons}
    counts: dict[str, int] = defaultdict(int)
    for key in done:
        if key in known:  # a lesson removed from the course no longer counts
            counts[key[0]] += 1
    return counts


def course_progress(session: Session, course: Course, user: User) -> CourseProgress:
    """Summarise one learner's progress through the course, lesson by lesson (one query)."""
    done: dict[tuple[str, str], datetime] = {}
    completions: dict[str, datetime] = {}
    certificates: dict[str, str] = {}
    practice: dict[str, set[str]] = defaultdict(set)
    for kind, slug, other, at in session.execute(_progress_statement(), {"user_id": user.id}):
        if kind == "les":
            done[(slug, other)] = at
        elif kind == "module":
            completions[slug] = at
        elif kind == "praktijk":
            practice[slug].add(other)
        else:
            certificates[slug] = other
    return _build(course, done, _lesson_counts(course, done), completions, certificates, practice)


def progress_for(session: Session, course: Course, user_ids, *, lessons: bool = False) -> dict[int, CourseProgress]:
    """Progress of many learners at once, in one query whatever their number.

    `user_ids` is a list of ids or a subquery selecting them (a team's members). With `lessons`, each result
    also knows which lessons were finished and when; without, only how many per module (a team table's need).
    """
    return progress_and_activity(session, course, user_ids, lessons=lessons)[0]


def progress_and_activity(session: Session, course: Course, user_ids, *, lessons: bool = False,
                          activity: bool = False) -> tuple[dict[int, CourseProgress], dict[int, datetime]]:
    """progress_for and, with `activity`, each learner's last lesson or quiz: one UNION ALL of plain rows."""
    text, number, moment = cast(null(), String), cast(null(), Integer), cast(null(), DateTime)
    lp = LessonProgress
    if lessons:
        lesson_rows = select(literal("l"), lp.user_id, lp.module_slug, lp.lesson_slug, number, lp.completed_at)
    else:  # counts per module, of lessons the course still has
        lesson_rows = (select(literal("n"), lp.user_id, lp.module_slug, text, func.count(lp.id), func.max(lp.completed_at))
                       .where(lp.lesson_slug.in_(sorted({x.slug for x in course.lessons}))).group_by(lp.user_id, lp.module_slug))
    parts = [lesson_rows.where(lp.user_id.in_(user_ids)),
             select(literal("m"), ModuleCompletion.user_id, ModuleCompletion.module_slug, text, number,
                    ModuleCompletion.completed_at).where(ModuleCompletion.user_id.in_(user_ids)),
             select(literal("c"), Certificate.user_id, Certificate.scope, Certificate.code, number, moment)
             .where(Certificate.user_id.in_(user_ids), Certificate.revoked_at.is_(None)),
             select(literal("p"), PracticeSubmission.user_id, PracticeSubmission.module_slug, PracticeSubmission.status,
                    number, moment).where(PracticeSubmission.user_id.in_(user_ids)).distinct(),
             # failed quiz attempts per module: kept fresh in the team cache by the triggers on quiz_attempts
             select(literal("f"), QuizAttempt.user_id, QuizAttempt.module_slug, text, func.count(QuizAttempt.id), moment)
             .where(QuizAttempt.user_id.in_(user_ids), QuizAttempt.passed.is_(False))
             .group_by(QuizAttempt.user_id, QuizAttempt.module_slug)]
    if activity:
        parts.append(select(literal("q"), QuizAttempt.user_id, text, text, number, func.max(QuizAttempt.submitted_at))
                     .where(QuizAttempt.user_id.in_(user_ids)).group_by(QuizAttempt.user_id))
    done: dict[int, dict[tuple[str, str], datetime]] = defaultdict(dict)
    counts, completions, certificates = defaultdict(dict), defaultdict(dict), defaultdict(dict)
    practice: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    failed: dict[int, dict[str, int]] = defaultdict(dict)
    latest: dict[int, datetime] = {}  # the last lesson or quiz of each learner, with `activity`
    for kind, user_id, slug, value, n, at in session.execute(union_all(*parts)):
        if kind == "n":
            counts[user_id][slug] = n
        elif kind == "l":
            done[user_id][(slug, value)] = at
        elif kind == "m":
            completions[user_id][slug] = at
        elif kind == "c":
            certificates[user_id][slug] = value
        elif kind == "p":
            practice[user_id][slug].add(value)
        elif kind == "f":
            failed[user_id][slug] = n
        if kind in "nlq" and at is not None and (user_id not in latest or at > latest[user_id]):
            latest[user_id] = at
    counts.update((user_id, _lesson_counts(course, lessons_done)) for user_id, lessons_done in done.items())
    ids = {*counts, *completions, *certificates, *practice, *failed,
           *(user_ids if isinstance(user_ids, (list, tuple, set, frozenset)) else ())}
    progress = {user_id: _build(course, done.get(user_id, {}), counts.get(user_id, {}), completions.get(user_id, {}),
                                certificates.get(user_id, {}), practice.get(user_id), failed.get(user_id))
                for user_id in ids}
    return progress, latest


def no_progress(course: Course) -> CourseProgress:
    """The progress of someone who has not started (for a member without any rows yet)."""
    return _build(course, {}, {}, {}, {})
