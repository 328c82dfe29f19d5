"""What every question type shares: the Question base class, choices, grades, review rows and loader helpers."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar, Mapping, Sequence

from course.text import SLUG_RE

ID_RE = SLUG_RE  # question, option and category ids follow the slug rule


class AnswerError(ValueError):
    """Submitted form data cannot be an answer to this question."""


@dataclass(frozen=True)
class Grade:
    points: float  # 0.0 - 1.0

    @property
    def correct(self) -> bool:
        return self.points >= 0.999


@dataclass(frozen=True)
class Choice:
    """An option of a choice question, an item to classify or a step to order."""

    id: str
    text: str
    correct: bool = False
    feedback: str = ""
    category: str = ""


class Problems:
    """Collects loader problems for one question, each prefixed with where it is."""

    def __init__(self, sink: list[str], where: str):
        self.sink, self.where = sink, where

    def add(self, message: str) -> None:
        self.sink.append(f"{self.where}: {message}")


def read_text(data: Mapping, key: str, problems: Problems, required: bool = True) -> str:
    """A text field of a quiz entry, stripped; '' after adding a problem when required and missing."""
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(f"'{key}' ontbreekt of is leeg")
        return ""
    if not isinstance(value, (str, int, float)):
        problems.add(f"'{key}' moet tekst zijn")
        return ""
    return str(value).strip()


def read_choices(data: Mapping, key: str, problems: Problems, *, need_feedback: bool, need_category: bool = False,
             minimum: int = 2) -> tuple[Choice, ...]:
    """The options, items or categories of a question, each checked for id, text and feedback."""
    raw = data.get(key)
    if not isinstance(raw, list) or len(raw) < minimum:
        problems.add(f"'{key}' moet een lijst met minstens {minimum} onderdelen zijn")
        return ()
    out, seen = [], set()
    for index, entry in enumerate(raw, start=1):
        sub = Problems(problems.sink, f"{problems.where}, {key} {index}")
        if not isinstance(entry, Mapping):
            sub.add("moet id en text hebben")
            continue
        cid = str(entry.get("id", "")).strip()
        if not ID_RE.match(cid):
            sub.add(f"ongeldig id {cid!r} (alleen kleine letters, cijfers en '-')")
        elif cid in seen:
            sub.add(f"id {cid!r} komt twee keer voor")
        seen.add(cid)
        correct = entry.get("correct", False)
        if not isinstance(correct, bool):
            sub.add("'correct' moet true of false zijn")
            correct = False
        out.append(Choice(
            id=cid,
            text=read_text(entry, "text", sub),
            correct=correct,
            feedback=read_text(entry, "feedback", sub, required=need_feedback),
            category=read_text(entry, "category", sub, required=need_category),
        ))
    return tuple(out)


SCORINGS = ("partial", "all_or_nothing")
_RETIRED_SCORINGS = ("per_option", "per_item", "per_position")


def read_scoring(data: Mapping, problems: Problems) -> str:
    """The question's scoring rule; the retired lenient ones are refused with a hint."""
    value = data.get("scoring", SCORINGS[0])
    if value in _RETIRED_SCORINGS:
        problems.add(f"'scoring: {value}' bestaat niet meer: het beloonde gokken. Laat 'scoring' weg voor deelpunten "
                     "met aftrek voor foute keuzes, of kies all_or_nothing")
        return SCORINGS[0]
    if value not in SCORINGS:
        problems.add(f"'scoring' moet een van {', '.join(SCORINGS)} zijn, niet {value!r}")
        return SCORINGS[0]
    return value


@dataclass(frozen=True)
class ReviewRow:
    """One line of a question's review: an option, an item to classify, or a place in an order.

    `right` and `feedback` are None/"" when the review may not show the key (a failed attempt).
    """

    text: str
    chosen: str | bool | None  # the learner's choice (category or item text for classify/order)
    right: str | bool | None  # what was right; None when not shown
    ok: bool
    feedback: str = ""


@dataclass(frozen=True)
class Question:
    """Fields and behaviour every question type shares."""

    type_name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    partial: ClassVar[str] = ""  # the name of its partials in templates/quiz/types/

    id: str
    lesson: str
    scenario: str
    text: str
    explanation: str

    @classmethod
    def common(cls, data: Mapping, problems: Problems) -> dict[str, Any]:
        return {
            "id": str(data.get("id", "")),
            "lesson": read_text(data, "lesson", problems),
            "scenario": read_text(data, "scenario", problems, required=False),
            "text": read_text(data, "question", problems),
            "explanation": read_text(data, "feedback", problems, required=False),
        }

    @classmethod
    def from_snapshot(cls, snapshot: Mapping[str, Any]) -> "Question":
        """Rebuild a question from the frozen copy stored with a graded attempt."""
        values = {}
        for f in fields(cls):
            if f.name not in snapshot:
                continue
            value = snapshot[f.name]
            if isinstance(value, list) and value and isinstance(value[0], Mapping):
                value = tuple(Choice(**entry) for entry in value)
            values[f.name] = value
        return cls(**values)

    @property
    def input_template(self) -> str:
        return f"quiz/types/{self.partial}.html"

    @property
    def review_template(self) -> str:
        return f"quiz/types/{self.partial}_review.html"

    def field(self, suffix: str = "") -> str:
        """Name of the form field that carries (part of) the answer."""
        return f"q-{self.id}{'-' + suffix if suffix else ''}"

    def choices(self) -> tuple[Choice, ...]:
        """What the attempt shuffles and shows: options, items to classify or steps to order."""
        raise NotImplementedError

    def parse(self, form: Mapping[str, Sequence[str]]) -> Any:
        """The answer in these form fields, None if there is none; AnswerError for foreign input."""
        raise NotImplementedError

    def is_complete(self, answer: Any) -> bool:
        """Whether an answer answers the whole question (a classification may be half done)."""
        return answer is not None

    def grade(self, answer: Any) -> Grade:
        raise NotImplementedError

    def key(self) -> Any:
        """The right answer, in the same shape as an answer."""
        raise NotImplementedError

    def review_rows(self, answer: Any, order: Sequence[str], reveal: bool) -> tuple[ReviewRow, ...]:
        """The rows of this question's review; without `reveal`, nothing that gives the key away."""
        raise NotImplementedError
