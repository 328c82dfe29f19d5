"""Quiz attempts: draw, save, submit and grade, and what completes a module."""
from __future__ import annotations

import random
import secrets
from dataclasses import asdict, dataclass
from typing import Any, Mapping, Sequence

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .catalog import Course, Module, Quiz
from .certificates import issue_for_completion
from .catalog.questions import AnswerError, Question
from .errors import DomainError, NotFound
from .models import ModuleCompletion, QuizAttempt, User, utcnow
from .progress import completed_lessons


class QuizLocked(DomainError):
    def __init__(self):
        super().__init__("De quiz gaat open als je alle lessen van deze module hebt afgerond.")


class TamperedAnswers(DomainError):
    def __init__(self, detail: str = ""):
        super().__init__("Je antwoorden passen niet bij deze poging. Laad de pagina opnieuw en probeer het nog eens."
                         + (f" ({detail})" if detail else ""))


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
    done = completed_lessons(session, user)
    return all((module.slug, lesson.slug) in done for lesson in module.lessons)


def attempts_for(session: Session, user: User, module: Module) -> list[QuizAttempt]:
    """All of a learner's attempts at a module's quiz, newest first."""
    return list(session.scalars(
        select(QuizAttempt).where(QuizAttempt.user_id == user.id, QuizAttempt.module_slug == module.slug)
        .order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc())
    ))


def completion_for(session: Session, user: User, module: Module) -> ModuleCompletion | None:
    return session.scalar(select(ModuleCompletion).where(
        ModuleCompletion.user_id == user.id, ModuleCompletion.module_slug == module.slug))


def _draw(quiz: Quiz, rng: random.Random) -> list[dict[str, Any]]:
    questions = rng.sample(list(quiz.questions), quiz.draw)
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


def start_attempt(session: Session, user: User, module: Module, rng: random.Random | None = None) -> QuizAttempt:
    """Return the learner's open attempt, or draw a new one. Raise QuizLocked before the lessons are done."""
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
    attempt = QuizAttempt(user_id=user.id, module_slug=module.slug, quiz_hash=quiz.content_hash,
                          draw=_draw(quiz, rng or random.Random(secrets.randbits(64))), answers={})
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
    missing = []
    for item in drawn_questions(attempt, quiz):
        answer = answers.get(item.question.id)
        complete = getattr(item.question, "is_complete", lambda a: a is not None)
        if answer is None or not complete(answer):
            missing.append(item.number)
    return missing


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
                   answers: Mapping[str, Any], issuer: str) -> Submission:
    """Grade and close an attempt exactly once; passing with all lessons done completes the module.

    The completion and the certificates it earns are written in the same transaction.
    """
    quiz = module.quiz
    if not attempt.is_open:
        return Submission(attempt, first_time=False, completed_module=False)
    score, records = grade(attempt, quiz, answers)
    passed = score >= quiz.pass_mark
    now = utcnow()
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
    completed = False
    if passed and lessons_finished(session, user, module) and completion_for(session, user, module) is None:
        session.add(ModuleCompletion(user_id=user.id, module_slug=module.slug, completed_at=now,
                                     attempt_id=attempt.id))
        issue_for_completion(session, course, user, module, issuer, now)
        completed = True
    try:
        session.commit()
    except IntegrityError:  # the module was completed by a parallel request; the attempt still counts
        session.rollback()
        return submit_attempt(session, course, user, module, session.get(QuizAttempt, attempt.id), answers, issuer)
    session.refresh(attempt)
    return Submission(attempt, first_time=True, completed_module=completed)


@dataclass(frozen=True)
class ReviewRow:
    text: str
    chosen: str | bool | None  # the learner's choice (category/position text for classify/order)
    right: str | bool  # what was right
    ok: bool
    feedback: str


@dataclass(frozen=True)
class ReviewItem:
    number: int
    kind: str  # "choice", "classify" or "order"
    type_name: str
    scenario: str
    text: str
    explanation: str
    lesson: str
    points: float
    answered: bool
    rows: tuple[ReviewRow, ...]

    @property
    def correct(self) -> bool:
        return self.points >= 0.999


def review(attempt: QuizAttempt) -> list[ReviewItem]:
    """Turn a submitted attempt's frozen records into rows to show on the result page."""
    items = []
    for number, record in enumerate(attempt.results or [], start=1):
        q, answer, kind = record["question"], record["answer"], record["question"]["type"]
        if kind in ("single", "multiple"):
            chosen = set([answer] if isinstance(answer, str) else answer or [])
            by_id = {o["id"]: o for o in q["options"]}
            rows = tuple(ReviewRow(by_id[i]["text"], i in chosen, by_id[i]["correct"],
                                   (i in chosen) == by_id[i]["correct"], by_id[i]["feedback"])
                         for i in q["order"] if i in by_id)
            shape = "choice"
        elif kind == "classify":
            categories = {c["id"]: c["text"] for c in q["categories"]}
            by_id = {i["id"]: i for i in q["items"]}
            answer = answer or {}
            rows = tuple(ReviewRow(by_id[i]["text"], categories.get(answer.get(i), None),
                                   categories[by_id[i]["category"]], answer.get(i) == by_id[i]["category"],
                                   by_id[i]["feedback"])
                         for i in q["order"] if i in by_id)
            shape = "classify"
        else:
            by_id = {i["id"]: i for i in q["items"]}
            given = list(answer or [])
            rows = tuple(ReviewRow(by_id[right_id]["text"],
                                   by_id[given[pos]]["text"] if pos < len(given) and given[pos] in by_id else None,
                                   by_id[right_id]["text"], pos < len(given) and given[pos] == right_id, "")
                         for pos, right_id in enumerate(record["key"]))
            shape = "order"
        items.append(ReviewItem(number, shape, kind, q.get("scenario", ""), q["text"], q.get("explanation", ""),
                                q["lesson"], record["points"], answer not in (None, [], {}), rows))
    return items
