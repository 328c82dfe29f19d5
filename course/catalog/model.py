"""Immutable course objects, built once from content/ and quizzes/ at start-up."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from markupsafe import Markup

from course.catalog.assignment import Assignment
from course.catalog.questions import Question


def hours(minutes: int) -> float:
    """Minutes as hours, rounded to a quarter hour.

    The one rounding of the study load: a module's screen and practice hours are each rounded, its total
    is their sum, and the course's figures are the sums of its modules', so every figure shown adds up.
    """
    return round(minutes / 15) / 4


def study_text(total_hours: float, practice_hours: float) -> str:
    """'ongeveer 3 uur studie, waarvan 1 uur in de praktijk': the one wording of the study load."""
    def dutch(value: float) -> str:
        return f"{value:g}".replace(".", ",")
    text = f"ongeveer {dutch(total_hours)} uur studie"
    return text + (f", waarvan {dutch(practice_hours)} uur in de praktijk" if practice_hours else "")


# Under a module or course certificate whose study load has a practice part: the certificate is earned with
# the quizzes, the practice is proven on its own (what a manager or inspector needs to know reading it).
PRACTICE_NOTE = "Het praktijkdeel tekent een coach apart af, met een praktijkverklaring."
# On a course certificate issued since the practice part is stated: whether a coach signed off all of it.
PRACTICE_SIGNED = "Het praktijkdeel is afgetekend: een coach heeft elke praktijkopdracht afgetekend."
PRACTICE_NOT_SIGNED = ("Het praktijkdeel is nog niet afgetekend. Een coach tekent het apart af, "
                       "met een praktijkverklaring per module.")


def practice_note(*, course: bool, practice_hours: float | None, practice_signed: bool | None) -> str:
    """The line under a module or course certificate whose study load has a practice part (PDF and verify page)."""
    if not practice_hours:
        return ""
    if course and practice_signed is not None:  # stated at issue on new course certificates
        return PRACTICE_SIGNED if practice_signed else PRACTICE_NOT_SIGNED
    return PRACTICE_NOTE


def frozen_study_text(total_hours: float, practice_hours: float | None) -> str:
    """A certificate's study load as frozen at issue: the one wording, or '1,75 uur' on certificates issued
    before the practice part was recorded (practice_hours None), which keep what they said."""
    if practice_hours is None:
        return f"{total_hours:g} uur".replace(".", ",")
    return study_text(total_hours, practice_hours)


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
    exercises: tuple[Question, ...] = ()  # practice questions at the end of the lesson (not the exam)

    def exercise(self, question_id: str) -> Question | None:
        return next((q for q in self.exercises if q.id == question_id), None)
    sections: tuple[tuple[str, str], ...] = ()  # (id, title) of each level-2 heading: "In deze les"


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
        """Screen time: the lessons and the quiz."""
        return self.lesson_minutes + (self.quiz.minutes if self.quiz else 0)

    @property
    def practice_minutes(self) -> int:
        """Time on the floor: the assignment's stated time (0 without an assignment)."""
        return self.assignment.minutes if self.assignment else 0

    @property
    def screen_hours(self) -> float:
        """Screen time in hours, rounded to a quarter hour."""
        return hours(self.minutes)

    @property
    def practice_hours(self) -> float:
        """Time on the floor in hours, rounded to a quarter hour."""
        return hours(self.practice_minutes)

    @property
    def total_hours(self) -> float:
        """The module's whole study load: screen hours plus practice hours (the parts add up, as shown)."""
        return self.screen_hours + self.practice_hours

    @property
    def study_text(self) -> str:
        """'ongeveer 2,75 uur studie, waarvan 1 uur in de praktijk'."""
        return study_text(self.total_hours, self.practice_hours)

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
class GuideCard:
    """One situation of the "Wat doe ik nu?" guide: what to do now, who to call, what to write down."""
    slug: str
    title: str
    keywords: tuple[str, ...]
    module_slug: str       # the lesson that explains why
    lesson_slug: str
    html: Markup           # the three sections, national numbers as tel: links
    search_text: str       # title, keywords and text, normalised for search (course.guide.normalise)
    path: str


@dataclass(frozen=True)
class Course:
    title: str
    summary_html: Markup
    modules: tuple[Module, ...]
    terms: tuple[Term, ...] = ()
    pages: tuple[Page, ...] = field(default=())
    guide: tuple[GuideCard, ...] = ()

    def guide_card(self, slug: str) -> GuideCard | None:
        return next((c for c in self.guide if c.slug == slug), None)

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
    def screen_hours(self) -> float:
        return sum(m.screen_hours for m in self.modules)

    @property
    def practice_hours(self) -> float:
        return sum(m.practice_hours for m in self.modules)

    @property
    def total_hours(self) -> float:
        """The course's study load: the sum of its modules' (so a learner's record adds up to it)."""
        return sum(m.total_hours for m in self.modules)

    @property
    def study_text(self) -> str:
        return study_text(self.total_hours, self.practice_hours)
