"""Quiz question types: one frozen dataclass per type, and each type is one unit.

A type's class is the only place that knows the type: it builds itself from quiz-file data
(collecting problems), reads a learner's answer from form fields, says whether an answer is
complete, grades it, gives its key, and builds the rows of its review. It names its two
partials, `templates/quiz/types/<name>.html` (the input) and `<name>_review.html` (the review).
A new type is one class in QUESTION_TYPES, two partials and its tests (quizzes/README.md).

Answers are plain JSON values so they can be stored with an attempt:
single -> option id; multiple -> sorted list of option ids;
classify -> {item id: category id}; order -> list of item ids.

Scoring (quizzes/README.md, "Punten"): partial credit never rewards guessing. A wrong tick
costs as much as a right tick earns, a wrong category costs what guessing would earn, an
order scores by the pairs it puts right minus the pairs it puts wrong; never below 0.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar, Mapping, Sequence

from ..text import SLUG_RE

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


SCORINGS = ("partial", "all_or_nothing")
_RETIRED_SCORINGS = ("per_option", "per_item", "per_position")


def _scoring(data: Mapping, problems: Problems) -> str:
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
            "lesson": _text(data, "lesson", problems),
            "scenario": _text(data, "scenario", problems, required=False),
            "text": _text(data, "question", problems),
            "explanation": _text(data, "feedback", problems, required=False),
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


class _ChoiceQuestion(Question):
    """Shared by single and multiple: options, each with feedback."""

    partial: ClassVar[str] = "choice"

    def choices(self) -> tuple[Choice, ...]:
        return self.options

    def review_rows(self, answer: Any, order: Sequence[str], reveal: bool) -> tuple[ReviewRow, ...]:
        chosen = set([answer] if isinstance(answer, str) else answer or [])
        by_id = {o.id: o for o in self.options}
        rows = []
        for option in (by_id[i] for i in order if i in by_id):
            picked = option.id in chosen
            if not reveal and not picked:
                continue  # a failed attempt shows only what the learner chose
            rows.append(ReviewRow(option.text, picked, option.correct if reveal else None, picked == option.correct,
                                  option.feedback if picked or (reveal and option.correct) else ""))
        return tuple(rows)


@dataclass(frozen=True)
class SingleChoice(_ChoiceQuestion):
    type_name: ClassVar[str] = "single"
    label: ClassVar[str] = "Kies het beste antwoord."
    options: tuple[Choice, ...] = ()

    @classmethod
    def build(cls, data: Mapping, problems: Problems) -> "SingleChoice":
        options = _choices(data, "options", problems, need_feedback=True)
        if options and sum(o.correct for o in options) != 1:
            problems.add("een 'single'-vraag heeft precies één optie met correct: true nodig")
        return cls(**cls.common(data, problems), options=options)

    def parse(self, form: Mapping[str, Sequence[str]]) -> str | None:
        values = [v for v in form.get(self.field(), []) if v]
        if not values:
            return None
        if len(values) > 1 or values[0] not in {o.id for o in self.options}:
            raise AnswerError("onbekend antwoord")
        return values[0]

    def grade(self, answer: Any) -> Grade:
        return Grade(1.0 if answer == self.key() else 0.0)

    def key(self) -> Any:
        return next(o.id for o in self.options if o.correct)


@dataclass(frozen=True)
class MultipleChoice(_ChoiceQuestion):
    type_name: ClassVar[str] = "multiple"
    label: ClassVar[str] = "Kies alle juiste antwoorden. Een fout vinkje kost een punt, net als een goed vinkje er een oplevert."
    options: tuple[Choice, ...] = ()
    scoring: str = "partial"

    @classmethod
    def build(cls, data: Mapping, problems: Problems) -> "MultipleChoice":
        options = _choices(data, "options", problems, need_feedback=True)
        if options and not any(o.correct for o in options):
            problems.add("een 'multiple'-vraag heeft minstens één optie met correct: true nodig")
        return cls(**cls.common(data, problems), options=options, scoring=_scoring(data, problems))

    def parse(self, form: Mapping[str, Sequence[str]]) -> list[str] | None:
        values = [v for v in form.get(self.field(), []) if v]
        if not values:
            return None
        known = {o.id for o in self.options}
        if any(v not in known for v in values) or len(set(values)) != len(values):
            raise AnswerError("onbekend antwoord")
        return sorted(values)

    def grade(self, answer: Any) -> Grade:
        """(right ticks - wrong ticks) / right options, at least 0; or all or nothing."""
        chosen = set(answer or ())
        right = {o.id for o in self.options if o.correct}
        if self.scoring == "all_or_nothing":
            return Grade(1.0 if chosen == right else 0.0)
        return Grade(max(0.0, (len(chosen & right) - len(chosen - right)) / len(right)))

    def key(self) -> Any:
        return sorted(o.id for o in self.options if o.correct)


@dataclass(frozen=True)
class Classify(Question):
    type_name: ClassVar[str] = "classify"
    label: ClassVar[str] = "Kies bij elk onderdeel de juiste categorie."
    partial: ClassVar[str] = "classify"
    categories: tuple[Choice, ...] = ()
    items: tuple[Choice, ...] = ()
    scoring: str = "partial"

    @classmethod
    def build(cls, data: Mapping, problems: Problems) -> "Classify":
        categories = _choices(data, "categories", problems, need_feedback=False)
        items = _choices(data, "items", problems, need_feedback=True, need_category=True, minimum=2)
        known = {c.id for c in categories}
        for item in items:
            if categories and item.category and item.category not in known:
                problems.add(f"item {item.id!r}: categorie {item.category!r} bestaat niet")
        return cls(**cls.common(data, problems), categories=categories, items=items, scoring=_scoring(data, problems))

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
        """(right - wrong / (categories - 1)) / items, at least 0: a random choice earns 0 on average."""
        answer = answer or {}
        hits = sum(answer.get(i.id) == i.category for i in self.items)
        if self.scoring == "all_or_nothing":
            return Grade(1.0 if hits == len(self.items) else 0.0)
        wrong = sum(i.id in answer and answer[i.id] != i.category for i in self.items)
        penalty = wrong / max(1, len(self.categories) - 1)
        return Grade(max(0.0, (hits - penalty) / len(self.items)))

    def key(self) -> Any:
        return {i.id: i.category for i in self.items}

    def review_rows(self, answer: Any, order: Sequence[str], reveal: bool) -> tuple[ReviewRow, ...]:
        categories = {c.id: c.text for c in self.categories}
        by_id = {i.id: i for i in self.items}
        answer = answer or {}
        rows = []
        for item in (by_id[i] for i in order if i in by_id):
            ok = answer.get(item.id) == item.category
            rows.append(ReviewRow(item.text, categories.get(answer.get(item.id)),
                                  categories[item.category] if reveal else None, ok,
                                  item.feedback if reveal or ok else ""))
        return tuple(rows)


@dataclass(frozen=True)
class Order(Question):
    type_name: ClassVar[str] = "order"
    label: ClassVar[str] = "Geef elk onderdeel een plaats in de volgorde (1 = eerst)."
    partial: ClassVar[str] = "order"
    items: tuple[Choice, ...] = ()  # in the right order
    scoring: str = "partial"

    @classmethod
    def build(cls, data: Mapping, problems: Problems) -> "Order":
        items = _choices(data, "items", problems, need_feedback=False, minimum=2)
        return cls(**cls.common(data, problems), items=items, scoring=_scoring(data, problems))

    def choices(self) -> tuple[Choice, ...]:
        return self.items

    def parse(self, form: Mapping[str, Sequence[str]]) -> list[str] | None:
        positions: dict[str, int] = {}
        for item in self.items:
            values = [v for v in form.get(self.field(item.id), []) if v]
            if not values:
                continue
            if len(values) > 1 or not values[0].isdigit() or not 1 <= int(values[0]) <= len(self.items):
                raise AnswerError("ongeldige plaats")
            positions[item.id] = int(values[0])
        if not positions:
            return None
        if len(positions) < len(self.items) or len(set(positions.values())) != len(self.items):
            raise AnswerError("Geef elk onderdeel een eigen plaats: elk nummer mag maar één keer voorkomen.")
        return sorted(positions, key=positions.__getitem__)

    def grade(self, answer: Any) -> Grade:
        """(pairs in the right order - pairs the wrong way round) / pairs, at least 0; or all or nothing."""
        right = [i.id for i in self.items]
        answer = list(answer or ())
        if self.scoring == "all_or_nothing" or sorted(answer) != sorted(right):
            return Grade(1.0 if answer == right else 0.0)
        place = {item: n for n, item in enumerate(answer)}
        pairs = [(a, b) for n, a in enumerate(right) for b in right[n + 1:]]
        agree = sum(place[a] < place[b] for a, b in pairs)
        return Grade(max(0.0, (agree - (len(pairs) - agree)) / len(pairs)))

    def key(self) -> Any:
        return [i.id for i in self.items]

    def review_rows(self, answer: Any, order: Sequence[str], reveal: bool) -> tuple[ReviewRow, ...]:
        by_id = {i.id: i for i in self.items}
        given = list(answer or [])
        return tuple(ReviewRow(by_id[given[pos]].text if pos < len(given) and given[pos] in by_id else None,
                               by_id[given[pos]].text if pos < len(given) and given[pos] in by_id else None,
                               by_id[right_id].text if reveal else None,
                               pos < len(given) and given[pos] == right_id)
                     for pos, right_id in enumerate(self.key()))


QUESTION_TYPES: dict[str, type[Question]] = {
    cls.type_name: cls for cls in (SingleChoice, MultipleChoice, Classify, Order)
}
