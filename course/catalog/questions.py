"""Quiz question types: one frozen dataclass per type, each with a pure grade().

A new type is one class registered in QUESTION_TYPES. Every type knows how to
build itself from quiz-file data (collecting problems), how to read a learner's
answer from submitted form fields, and how to grade that answer.

Answers are plain JSON values so they can be stored with an attempt:
single -> option id; multiple -> sorted list of option ids;
classify -> {item id: category id}; order -> list of item ids.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar, Mapping, Sequence

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


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


def _text(data: Mapping, key: str, problems: Problems, required: bool = True) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(f"'{key}' ontbreekt of is leeg")
        return ""
    if not isinstance(value, (str, int, float)):
        problems.add(f"'{key}' moet tekst zijn")
        return ""
    return str(value).strip()


def _choices(data: Mapping, key: str, problems: Problems, *, need_feedback: bool, need_category: bool = False,
             minimum: int = 2) -> tuple[Choice, ...]:
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
            text=_text(entry, "text", sub),
            correct=correct,
            feedback=_text(entry, "feedback", sub, required=need_feedback),
            category=_text(entry, "category", sub, required=need_category),
        ))
    return tuple(out)


def _scoring(data: Mapping, allowed: Sequence[str], problems: Problems) -> str:
    value = data.get("scoring", allowed[0])
    if value not in allowed:
        problems.add(f"'scoring' moet een van {', '.join(allowed)} zijn, niet {value!r}")
        return allowed[0]
    return value


@dataclass(frozen=True)
class Question:
    """Fields every question type shares."""

    type_name: ClassVar[str] = ""
    label: ClassVar[str] = ""

    id: str
    lesson: str
    scenario: str
    text: str
    explanation: str

    @classmethod
    def common(cls, data: Mapping, problems: Problems) -> dict[str, Any]:
        return {
            "id": str(data.get("id", "")),
            "lesson": _text(data, "lesson", problems),
            "scenario": _text(data, "scenario", problems, required=False),
            "text": _text(data, "question", problems),
            "explanation": _text(data, "feedback", problems, required=False),
        }

    def field(self, suffix: str = "") -> str:
        """Name of the form field that carries (part of) the answer."""
        return f"q-{self.id}{'-' + suffix if suffix else ''}"


@dataclass(frozen=True)
class SingleChoice(Question):
    type_name: ClassVar[str] = "single"
    label: ClassVar[str] = "Kies het beste antwoord."
    options: tuple[Choice, ...] = ()

    @classmethod
    def build(cls, data: Mapping, problems: Problems) -> "SingleChoice":
        options = _choices(data, "options", problems, need_feedback=True)
        if options and sum(o.correct for o in options) != 1:
            problems.add("een 'single'-vraag heeft precies één optie met correct: true nodig")
        return cls(**cls.common(data, problems), options=options)

    def choices(self) -> tuple[Choice, ...]:
        return self.options

    def parse(self, form: Mapping[str, Sequence[str]]) -> str | None:
        values = [v for v in form.get(self.field(), []) if v]
        if not values:
            return None
        if len(values) > 1 or values[0] not in {o.id for o in self.options}:
            raise AnswerError("onbekend antwoord")
        return values[0]

    def grade(self, answer: Any) -> Grade:
        right = next(o.id for o in self.options if o.correct)
        return Grade(1.0 if answer == right else 0.0)

    def key(self) -> Any:
        return next(o.id for o in self.options if o.correct)


@dataclass(frozen=True)
class MultipleChoice(Question):
    type_name: ClassVar[str] = "multiple"
    label: ClassVar[str] = "Kies alle juiste antwoorden."
    options: tuple[Choice, ...] = ()
    scoring: str = "all_or_nothing"

    @classmethod
    def build(cls, data: Mapping, problems: Problems) -> "MultipleChoice":
        options = _choices(data, "options", problems, need_feedback=True)
        if options and not any(o.correct for o in options):
            problems.add("een 'multiple'-vraag heeft minstens één optie met correct: true nodig")
        scoring = _scoring(data, ("all_or_nothing", "per_option"), problems)
        return cls(**cls.common(data, problems), options=options, scoring=scoring)

    def choices(self) -> tuple[Choice, ...]:
        return self.options

    def parse(self, form: Mapping[str, Sequence[str]]) -> list[str] | None:
        values = [v for v in form.get(self.field(), []) if v]
        if not values:
            return None
        known = {o.id for o in self.options}
        if any(v not in known for v in values) or len(set(values)) != len(values):
            raise AnswerError("onbekend antwoord")
        return sorted(values)

    def grade(self, answer: Any) -> Grade:
        chosen = set(answer or ())
        right = {o.id for o in self.options if o.correct}
        if self.scoring == "per_option":
            hits = sum((o.id in chosen) == o.correct for o in self.options)
            return Grade(hits / len(self.options))
        return Grade(1.0 if chosen == right else 0.0)

    def key(self) -> Any:
        return sorted(o.id for o in self.options if o.correct)


@dataclass(frozen=True)
class Classify(Question):
    type_name: ClassVar[str] = "classify"
    label: ClassVar[str] = "Kies bij elk onderdeel de juiste categorie."
    categories: tuple[Choice, ...] = ()
    items: tuple[Choice, ...] = ()
    scoring: str = "per_item"

    @classmethod
    def build(cls, data: Mapping, problems: Problems) -> "Classify":
        categories = _choices(data, "categories", problems, need_feedback=False)
        items = _choices(data, "items", problems, need_feedback=True, need_category=True, minimum=2)
        known = {c.id for c in categories}
        for item in items:
            if categories and item.category and item.category not in known:
                problems.add(f"item {item.id!r}: categorie {item.category!r} bestaat niet")
        scoring = _scoring(data, ("per_item", "all_or_nothing"), problems)
        return cls(**cls.common(data, problems), categories=categories, items=items, scoring=scoring)

    def choices(self) -> tuple[Choice, ...]:
        return self.items

    def parse(self, form: Mapping[str, Sequence[str]]) -> dict[str, str] | None:
        known = {c.id for c in self.categories}
        answer = {}
        for item in self.items:
            values = [v for v in form.get(self.field(item.id), []) if v]
            if not values:
                continue
            if len(values) > 1 or values[0] not in known:
                raise AnswerError("onbekende categorie")
            answer[item.id] = values[0]
        extra = {k for k in form if k.startswith(self.field() + "-")} - {self.field(i.id) for i in self.items}
        if extra:
            raise AnswerError("onbekend onderdeel")
        return answer or None

    def is_complete(self, answer: Any) -> bool:
        return isinstance(answer, dict) and len(answer) == len(self.items)

    def grade(self, answer: Any) -> Grade:
        answer = answer or {}
        hits = sum(answer.get(i.id) == i.category for i in self.items)
        if self.scoring == "all_or_nothing":
            return Grade(1.0 if hits == len(self.items) else 0.0)
        return Grade(hits / len(self.items))

    def key(self) -> Any:
        return {i.id: i.category for i in self.items}

    def category_text(self, category_id: str | None) -> str:
        return next((c.text for c in self.categories if c.id == category_id), "")


@dataclass(frozen=True)
class Order(Question):
    type_name: ClassVar[str] = "order"
    label: ClassVar[str] = "Geef elk onderdeel een plaats in de volgorde (1 = eerst)."
    items: tuple[Choice, ...] = ()  # in the right order
    scoring: str = "all_or_nothing"

    @classmethod
    def build(cls, data: Mapping, problems: Problems) -> "Order":
        items = _choices(data, "items", problems, need_feedback=False, minimum=2)
        scoring = _scoring(data, ("all_or_nothing", "per_position"), problems)
        return cls(**cls.common(data, problems), items=items, scoring=scoring)

    def choices(self) -> tuple[Choice, ...]:
        return self.items

    def parse(self, form: Mapping[str, Sequence[str]]) -> list[str] | None:
        positions: dict[str, int] = {}
        for item in self.items:
            values = [v for v in form.get(self.field(item.id), []) if v]
            if not values:
                continue
            try:
                position = int(values[0])
            except ValueError:
                raise AnswerError("ongeldige plaats") from None
            if len(values) > 1 or not 1 <= position <= len(self.items):
                raise AnswerError("ongeldige plaats")
            positions[item.id] = position
        if not positions:
            return None
        if len(positions) < len(self.items) or len(set(positions.values())) != len(self.items):
            raise AnswerError("Geef elk onderdeel een eigen plaats: elk nummer mag maar één keer voorkomen.")
        return sorted(positions, key=positions.__getitem__)

    def grade(self, answer: Any) -> Grade:
        right = [i.id for i in self.items]
        answer = list(answer or ())
        if self.scoring == "per_position":
            return Grade(sum(a == b for a, b in zip(answer, right)) / len(right))
        return Grade(1.0 if answer == right else 0.0)

    def key(self) -> Any:
        return [i.id for i in self.items]


QUESTION_TYPES: dict[str, type[Question]] = {
    cls.type_name: cls for cls in (SingleChoice, MultipleChoice, Classify, Order)
}
