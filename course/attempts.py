"""Quiz attempts: draw, save, submit and grade, and what completes a module."""
from __future__ import annotations

import random
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping, Sequence

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course.catalog import Course, Lesson, Module, Quiz
from course.catalog.questions import QUESTION_TYPES, AnswerError, Question, ReviewRow
from course.certificates import issue_for_completion
from course.errors import NotFound, QuizLocked, RetakeNotYet, TamperedAnswers
from course.itemstats import item_rows
from course.models import ModuleCompletion, QuizAttempt, QuizReread, User
from course.progress import completed_lessons
from course.text import dutch_datetime, utcnow

# After a failed attempt: the lessons with the most mistakes (at most this many) are to be opened again.
REREAD_TOP = 3
# After the third failed attempt in a row and later, the next one opens after this wait
# (after the second, after QUIZ_RETAKE_WAIT_MINUTES).
LONG_WAIT = timedelta(hours=24)
DEFAULT_WAIT_MINUTES = 60


@dataclass(frozen=True)
class DrawnQuestion:
    """A question as it appears in one attempt: its number and the order of its choices."""

    number: int
    question: Question
    order: tuple[str, ...]

    def choices(self):
        by_id = {c.id: c for c in self.question.choices()}
        return [by_id[cid] for cid in self.order if cid in by_id]


@dataclass(frozen=True)
class Submission:
    attempt: QuizAttempt
    first_time: bool  # False when the attempt had been submitted already (double click, second tab)
    completed_module: bool


def lessons_finished(session: Session, user: User, module: Module) -> bool:
    """Whether the learner finished every lesson of the module (the quiz opens then)."""
    done = completed_lessons(session, user)
    return all((module.slug, lesson.slug) in done for lesson in module.lessons)


def attempts_for(session: Session, user: User, module: Module) -> list[QuizAttempt]:
    """All of a learner's attempts at a module's quiz, newest first."""
    return list(session.scalars(
        select(QuizAttempt).where(QuizAttempt.user_id == user.id, QuizAttempt.module_slug == module.slug)
        .order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc())
    ))


def completion_for(session: Session, user: User, module: Module) -> ModuleCompletion | None:
    """The learner's completion of this module, or None."""
    return session.scalar(select(ModuleCompletion).where(
        ModuleCompletion.user_id == user.id, ModuleCompletion.module_slug == module.slug))


def draw(quiz: Quiz, rng: random.Random, seen: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """Draw per the quiz's blueprint: the set number of items from every lesson, in lesson order.

    Items the learner had in an earlier attempt (`seen`) are drawn only where a lesson has too few new ones.
    """
    questions = []
    for lesson, count in quiz.blueprint:
        bank = [q for q in quiz.questions if q.lesson == lesson]
        new = [q for q in bank if q.id not in seen]
        picked = rng.sample(new, min(count, len(new)))
        picked += rng.sample([q for q in bank if q.id in seen], count - len(picked))
        rng.shuffle(picked)
        questions += picked
    drawn = []
    for question in questions:
        order = [c.id for c in question.choices()]
        rng.shuffle(order)
        drawn.append({"q": question.id, "order": order})
    return drawn


def _open_attempt(session: Session, user: User, module: Module) -> QuizAttempt | None:
    return session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.module_slug == module.slug, QuizAttempt.submitted_at.is_(None)))


def _still_fits(attempt: QuizAttempt, quiz: Quiz) -> bool:
    """Whether every drawn question and choice still exists in the (possibly edited) quiz."""
    for entry in attempt.draw:
        question = quiz.question(entry["q"])
        if question is None or set(entry["order"]) != {c.id for c in question.choices()}:
            return False
    return True


@dataclass(frozen=True)
class RetakeRule:
    """Whether a learner may start a new attempt now, and if not, what opens it.

    After a failed attempt the lessons with the most mistakes are to be opened again (`reread`); after
    the second failed attempt in a row the next opens only after a wait, after the third and later after
    24 hours (`opens_at`). A pass ends the rules: a completed module's quiz may be made again at any time.
    """

    failures: int  # failed attempts in a row, since the last pass
    reread: tuple[Lesson, ...] = ()  # lessons of the last failed attempt not opened since
    opens_at: datetime | None = None

    def is_open(self, now: datetime) -> bool:
        return not self.reread and (self.opens_at is None or now >= self.opens_at)

    def message(self, now: datetime) -> str:
        """Why the next attempt is not open yet, in Dutch ('' when it is)."""
        parts = []
        if self.reread:
            titles = ", ".join(f"‘{lesson.title}’" for lesson in self.reread)
            parts.append(f"Open eerst nog een keer {'de les' if len(self.reread) == 1 else 'de lessen'} {titles}.")
        if self.opens_at is not None and now < self.opens_at:
            parts.append(f"Je volgende poging kan vanaf {dutch_datetime(self.opens_at)} uur.")
        return " ".join(parts)


def retake_rule(session: Session, user: User, module: Module, wait_minutes: int = DEFAULT_WAIT_MINUTES) -> RetakeRule:
    """The retake rule for this learner and module, from their submitted attempts and lessons opened since."""
    done = list(session.execute(
        select(QuizAttempt.id, QuizAttempt.passed, QuizAttempt.submitted_at)
        .where(QuizAttempt.user_id == user.id, QuizAttempt.module_slug == module.slug,
               QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())))
    failures = 0
    for _, passed, _ in done:
        if passed:
            break
        failures += 1
    if not failures:
        return RetakeRule(0)
    last_id, _, last_at = done[0]
    pending = set(session.scalars(select(QuizReread.lesson_slug).where(
        QuizReread.attempt_id == last_id, QuizReread.opened_at.is_(None))))
    reread = tuple(lesson for lesson in module.lessons if lesson.slug in pending)
    wait = None if failures < 2 else timedelta(minutes=wait_minutes) if failures == 2 else LONG_WAIT
    return RetakeRule(failures, reread, last_at + wait if wait else None)


def start_attempt(session: Session, user: User, module: Module, rng: random.Random | None = None, *,
                  now: datetime | None = None, wait_minutes: int = DEFAULT_WAIT_MINUTES) -> QuizAttempt:
    """Return the learner's open attempt, or draw a new one.

    Raise QuizLocked before the lessons are done, RetakeNotYet while the retake rule keeps the next one shut.
    """
    quiz = module.quiz
    if quiz is None:
        raise NotFound()
    if not lessons_finished(session, user, module):
        raise QuizLocked()
    current = _open_attempt(session, user, module)
    if current is not None:
        if _still_fits(current, quiz):
            return current
        session.delete(current)  # the quiz was edited so this draw no longer exists; start afresh
        session.flush()
    now = now or utcnow()
    rule = retake_rule(session, user, module, wait_minutes)
    if not rule.is_open(now):
        session.rollback()
        raise RetakeNotYet(rule.message(now))
    seen = frozenset(entry["q"] for previous in attempts_for(session, user, module) for entry in previous.draw)
    attempt = QuizAttempt(user_id=user.id, module_slug=module.slug, quiz_hash=quiz.content_hash, started_at=now,
                          draw=draw(quiz, rng or random.Random(secrets.randbits(64)), seen), answers={})
    session.add(attempt)
    try:
        session.commit()
    except IntegrityError:  # another tab opened an attempt at the same moment: use that one
        session.rollback()
        attempt = _open_attempt(session, user, module)
        if attempt is None:
            raise
    return attempt


def get_attempt(session: Session, user: User, module: Module, attempt_id: int) -> QuizAttempt:
    """Return the learner's own attempt at this module's quiz; NotFound for anything else."""
    attempt = session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != user.id or attempt.module_slug != module.slug:
        raise NotFound()
    return attempt


def drawn_questions(attempt: QuizAttempt, quiz: Quiz) -> list[DrawnQuestion]:
    """The attempt's questions in the order drawn, with their choices in the order shown."""
    out = []
    for number, entry in enumerate(attempt.draw, start=1):
        question = quiz.question(entry["q"])
        if question is not None:
            out.append(DrawnQuestion(number, question, tuple(entry["order"])))
    return out


def read_answers(attempt: QuizAttempt, quiz: Quiz, form: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """Turn submitted form fields into answers for this attempt; raise TamperedAnswers on foreign input."""
    drawn = {entry["q"] for entry in attempt.draw}
    for key in form:
        if key.startswith("q-"):
            qid = key[2:]
            if not any(qid == d or qid.startswith(d + "-") for d in drawn):
                raise TamperedAnswers("vraag hoort niet bij deze poging")
    answers = {}
    for entry in attempt.draw:
        question = quiz.question(entry["q"])
        if question is None:
            continue
        try:
            answer = question.parse(form)
        except AnswerError as error:
            raise TamperedAnswers(str(error)) from None
        if answer is not None:
            answers[question.id] = answer
    return answers


def unanswered(attempt: QuizAttempt, quiz: Quiz, answers: Mapping[str, Any]) -> list[int]:
    """Numbers of the drawn questions that have no (complete) answer."""
    return [item.number for item in drawn_questions(attempt, quiz)
            if not item.question.is_complete(answers.get(item.question.id))]


def save_answers(session: Session, attempt: QuizAttempt, answers: dict[str, Any]) -> bool:
    """Store answers on an open attempt so the learner can continue later; False if already submitted."""
    result = session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(answers=answers)
    )
    session.commit()
    return result.rowcount == 1


def grade(attempt: QuizAttempt, quiz: Quiz, answers: Mapping[str, Any]) -> tuple[float, list[dict[str, Any]]]:
    """Grade answers against the quiz; return the score in percent and a frozen per-question record."""
    records = []
    total = 0.0
    for item in drawn_questions(attempt, quiz):
        question = item.question
        answer = answers.get(question.id)
        points = question.grade(answer).points if answer is not None else 0.0
        total += points
        snapshot = asdict(question)
        snapshot["type"] = question.type_name
        snapshot["order"] = list(item.order)
        records.append({"q": question.id, "points": round(points, 4), "answer": answer, "key": question.key(),
                        "question": snapshot})
    score = round(100 * total / len(attempt.draw), 1) if attempt.draw else 0.0
    return score, records


def submit_attempt(session: Session, course: Course, user: User, module: Module, attempt: QuizAttempt,
                   answers: Mapping[str, Any], issuer: str, now: datetime | None = None) -> Submission:
    """Grade and close an attempt exactly once; passing with all lessons done completes the module.

    The completion and the certificates it earns are written in the same transaction.
    """
    quiz = module.quiz
    if not attempt.is_open:
        return Submission(attempt, first_time=False, completed_module=False)
    score, records = grade(attempt, quiz, answers)
    passed = score >= quiz.pass_mark
    now = now or utcnow()
    # Close the attempt only if it is still open: a second submit (double click, second tab)
    # matches no row and gets the existing result instead of a second grading.
    result = session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(submitted_at=now, answers=dict(answers), score=score, passed=passed, results=records,
                quiz_hash=quiz.content_hash)
    )
    if result.rowcount != 1:
        session.rollback()
        session.refresh(attempt)
        return Submission(attempt, first_time=False, completed_module=False)
    session.add_all(item_rows(attempt, records))  # the item statistics' copy, in the same transaction
    if not passed:  # the lessons to open again before the next attempt
        session.add_all(QuizReread(attempt_id=attempt.id, user_id=user.id, module_slug=module.slug,
                                   lesson_slug=lesson.slug, mistakes=n)
                        for lesson, n in mistakes_by_lesson(records, module)[:REREAD_TOP])
    completed = False
    if passed and lessons_finished(session, user, module) and completion_for(session, user, module) is None:
        session.add(ModuleCompletion(user_id=user.id, module_slug=module.slug, completed_at=now,
                                     attempt_id=attempt.id))
        issue_for_completion(session, course, user, module, issuer, now, score=score)
        completed = True
    try:
        session.commit()
    except IntegrityError:  # the module was completed by a parallel request; the attempt still counts
        session.rollback()
        return submit_attempt(session, course, user, module, session.get(QuizAttempt, attempt.id), answers, issuer,
                              now)
    session.refresh(attempt)
    return Submission(attempt, first_time=True, completed_module=completed)


@dataclass(frozen=True)
class ReviewItem:
    """One question of a graded attempt, as the result page shows it."""

    number: int
    question: Question  # rebuilt from the copy frozen with the attempt
    points: float
    answered: bool
    revealed: bool  # whether the key and the explanation may be shown
    rows: tuple[ReviewRow, ...]

    @property
    def correct(self) -> bool:
        return self.points >= 0.999


def reveals_key(attempt: QuizAttempt) -> bool:
    """The review policy: the right answers show only after passing.

    After a failed attempt the learner sees per question whether it was right, the feedback on
    what they chose and the lesson to reread, but not the right option; an unanswered question
    shows nothing. So a blank or careless attempt is no free look at the key.
    """
    return bool(attempt.passed)


def review(attempt: QuizAttempt) -> list[ReviewItem]:
    """Turn a submitted attempt's frozen records into what the result page shows, following the policy."""
    reveal = reveals_key(attempt)
    items = []
    for number, record in enumerate(attempt.results or [], start=1):
        snapshot = record["question"]
        question = QUESTION_TYPES[snapshot["type"]].from_snapshot(snapshot)
        answer = record["answer"]
        answered = answer not in (None, [], {})
        rows = question.review_rows(answer, snapshot["order"], reveal) if answered or reveal else ()
        items.append(ReviewItem(number, question, record["points"], answered, reveal, rows))
    return items


def mistakes_by_lesson(records: Sequence[Mapping[str, Any]], module: Module) -> list[tuple[Lesson, int]]:
    """The lessons behind the questions that were not (fully) right, most mistakes first (ties in lesson order)."""
    counts: dict[str, int] = {}
    for record in records:
        if record["points"] < 0.999:
            lesson = record["question"]["lesson"]
            counts[lesson] = counts.get(lesson, 0) + 1
    found = [(lesson, counts[lesson.slug]) for lesson in module.lessons if lesson.slug in counts]
    return sorted(found, key=lambda pair: -pair[1])


def lessons_to_reread(attempt: QuizAttempt, module: Module) -> list[tuple[Lesson, int]]:
    """The lessons a failed attempt asks to reread: the top three by mistakes, most first."""
    return mistakes_by_lesson(attempt.results or [], module)[:REREAD_TOP]
