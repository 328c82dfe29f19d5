"""Choice questions: one right answer (single) or several (multiple)."""
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
            if not reveal and (not picked or option.correct):
                continue  # a failed attempt shows only the wrong choices, with why they do not fit: never the key
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
        options = read_choices(data, "options", problems, need_feedback=True)
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
        options = read_choices(data, "options", problems, need_feedback=True)
        if options and not any(o.correct for o in options):
            problems.add("een 'multiple'-vraag heeft minstens één optie met correct: true nodig")
        return cls(**cls.common(data, problems), options=options, scoring=read_scoring(data, problems))

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
