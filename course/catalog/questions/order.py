"""Ordering questions: give each step its place."""
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
class Order(Question):
    type_name: ClassVar[str] = "order"
    label: ClassVar[str] = "Geef elk onderdeel een plaats in de volgorde (1 = eerst)."
    partial: ClassVar[str] = "order"
    items: tuple[Choice, ...] = ()  # in the right order
    scoring: str = "partial"

    @classmethod
    def build(cls, data: Mapping, problems: Problems) -> "Order":
        items = read_choices(data, "items", problems, need_feedback=False, minimum=2)
        return cls(**cls.common(data, problems), items=items, scoring=read_scoring(data, problems))

    def choices(self) -> tuple[Choice, ...]:
        return self.items

    def parse(self, form: Mapping[str, Sequence[str]]) -> list[str] | None:
        positions: dict[str, int] = {}
        for item in self.items:
            values = [v for v in form.get(self.field(item.id), []) if v]
            if not values:
                continue
            if len(values) > 1 or not (values[0].isascii() and values[0].isdigit()) or len(values[0]) > 4 or not 1 <= int(values[0]) <= len(self.items):
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
