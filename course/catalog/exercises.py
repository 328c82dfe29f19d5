"""Practice questions (quizzes/oefenen/NN-module.yml): two or three per lesson, shown at the end of the lesson.

Same item format and checks as the exam bank (course/catalog/quizfile.py), but separate from it: a
practice question shows its key and feedback at once and never counts toward the exam. A module
without a practice file has no practice questions; that is not a problem.
"""
from __future__ import annotations

from pathlib import Path

from course.catalog.files import read_yaml, text_field
from course.catalog.questions import Question
from course.catalog.quizfile import read_questions

FOLDER = "oefenen"
PREFIX = "oef-"
PER_LESSON = (2, 3)


def exercise_path(quiz_dir: Path, folder_name: str) -> Path:
    return quiz_dir / FOLDER / f"{folder_name}.yml"


def load_exercises(path: Path, module_slug: str, lesson_slugs: list[str], bank_ids: set[str],
                   problems: list[str]) -> dict[str, tuple[Question, ...]]:
    """{lesson slug: its practice questions}; {} when there is no file or after adding its problems."""
    if not path.exists():
        return {}
    data = read_yaml(path, problems)
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(f"{path}: moet de velden 'title' en 'questions' bevatten")
        return {}
    before = len(problems)
    text_field(data, "title", path, problems)
    unknown = set(data) - {"title", "questions"}
    if unknown:
        problems.append(f"{path}: onbekende velden: {', '.join(sorted(map(str, unknown)))} "
                        "(een oefenbestand heeft alleen 'title' en 'questions')")
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        problems.append(f"{path}: 'questions' moet een lijst met vragen zijn")
        raw = []
    questions = read_questions(raw, path, module_slug, lesson_slugs, problems)
    for question in questions:
        if not question.id.startswith(PREFIX):
            problems.append(f"{path}: vraag {question.id}: het id van een oefenvraag begint met '{PREFIX}'")
        if question.id in bank_ids:
            problems.append(f"{path}: vraag {question.id}: dit id staat ook in de toetsbank")
    low, high = PER_LESSON
    for slug in lesson_slugs:
        count = sum(q.lesson == slug for q in questions)
        if not low <= count <= high:
            problems.append(f"{path}: les {slug!r} heeft {count} oefenvragen; zet er {low} of {high} bij elke les")
    if len(problems) > before:
        return {}
    return {slug: tuple(q for q in questions if q.lesson == slug) for slug in lesson_slugs}
