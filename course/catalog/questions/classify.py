"""Classification questions: put each item in its category."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping, Sequence

from course.catalog.questions.base import (
    AnswerError,
    Choice,
    Grade,
    Problems,
    Question,
    ReviewRow,
    read_choices,
    read_scoring,
)


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
        categories = read_choices(data, "categories", problems, need_feedback=False)
        items = read_choices(data, "items", problems, need_feedback=True, need_category=True, minimum=2)
        known = {c.id for c in categories}
        for item in items:
            if categories and item.category and item.category not in known:
                problems.add(f"item {item.id!r}: categorie {item.category!r} bestaat niet")
        return cls(**cls.common(data, problems), categories=categories, items=items, scoring=read_scoring(data, problems))

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
