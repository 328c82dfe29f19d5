"""Immutable course objects, built once from content/ and quizzes/ at start-up."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from markupsafe import Markup

from course.catalog.assignment import Assignment
from course.catalog.questions import Question


def hours(minutes: int) -> float:
    """Minutes as hours, rounded to a quarter hour."""
    return round(minutes / 15) / 4


def study_text(total_hours: float, practice_hours: float) -> str:
    """'ongeveer 3 uur studie, waarvan 1 uur in de praktijk': the one wording of the study load."""
    def dutch(value: float) -> str:
        return f"{value:g}".replace(".", ",")
    text = f"ongeveer {dutch(total_hours)} uur studie"
    return text + (f", waarvan {dutch(practice_hours)} uur in de praktijk" if practice_hours else "")


@dataclass(frozen=True)
class Lesson:
    module_slug: str
    slug: str
    number: int
    title: str
    minutes: int
    goals: tuple[str, ...]
    html: Markup
    path: str


@dataclass(frozen=True)
class Quiz:
    module_slug: str
    title: str
    pass_mark: int
    draw: int
    minutes: int
    questions: tuple[Question, ...]
    content_hash: str
    path: str
    blueprint: tuple[tuple[str, int], ...] = ()  # (lesson slug, items per attempt), in lesson order

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class Module:
    slug: str
    number: int
    title: str
    summary_html: Markup
    bronnen_html: tuple[Markup, ...]
    lessons: tuple[Lesson, ...]
    quiz: Quiz | None = None
    assignment: Assignment | None = None

    @property
    def lesson_minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)

    @property
    def minutes(self) -> int:
        return self.lesson_minutes + (self.quiz.minutes if self.quiz else 0)

    @property
    def study_hours(self) -> float:
        """Screen time (lessons and quiz) in hours, rounded to a quarter hour: the module certificate's hours."""
        return hours(self.minutes)

    @property
    def practice_minutes(self) -> int:
        return self.assignment.minutes if self.assignment else 0

    @property
    def study_text(self) -> str:
        """Screen time and time on the floor together, with the practice part named."""
        return study_text(hours(self.minutes + self.practice_minutes), hours(self.practice_minutes))

    def lesson(self, slug: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.slug == slug), None)


@dataclass(frozen=True)
class Term:
    term: str
    anchor: str
    html: Markup
    module_slug: str


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    html: Markup


@dataclass(frozen=True)
class Course:
    title: str
    summary_html: Markup
    study_hours: float
    modules: tuple[Module, ...]
    terms: tuple[Term, ...] = ()
    pages: tuple[Page, ...] = field(default=())

    def module(self, slug: str) -> Module | None:
        return next((m for m in self.modules if m.slug == slug), None)

    def lesson(self, module_slug: str, lesson_slug: str) -> Lesson | None:
        module = self.module(module_slug)
        return module.lesson(lesson_slug) if module else None

    def page(self, slug: str) -> Page | None:
        return next((p for p in self.pages if p.slug == slug), None)

    @cached_property
    def lessons(self) -> tuple[Lesson, ...]:
        """Every lesson in course order."""
        return tuple(lesson for module in self.modules for lesson in module.lessons)

    @property
    def minutes(self) -> int:
        return sum(m.minutes for m in self.modules)

    @property
    def practice_minutes(self) -> int:
        return sum(m.practice_minutes for m in self.modules)

    @property
    def study_text(self) -> str:
        return study_text(hours(self.minutes + self.practice_minutes), hours(self.practice_minutes))
