"""Reading one quiz bank (quizzes/NN-module.yml): its questions, pass mark and blueprint."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from course.catalog.files import read_yaml, text_field
from course.catalog.model import Quiz
from course.catalog.questions import ID_RE, QUESTION_TYPES, Problems, Question

MIN_ITEMS_PER_LESSON = 3


def load_quiz(path: Path, module_slug: str, lesson_slugs: list[str], problems: list[str],
               min_items_per_lesson: int = MIN_ITEMS_PER_LESSON) -> Quiz | None:
    """Load and check a quiz bank, or None after adding its problems (each with file and question)."""
    raw = path.read_bytes()
    data = read_yaml(path, problems)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.append(f"{path}: moet velden als 'title: ...' bevatten")
        return None
    before = len(problems)
    title = text_field(data, "title", path, problems)
    pass_mark = data.get("pass_mark", 80)
    if not isinstance(pass_mark, int) or isinstance(pass_mark, bool) or not 1 <= pass_mark <= 100:
        problems.append(f"{path}: 'pass_mark' moet een geheel getal van 1 tot 100 zijn, niet {pass_mark!r}")
    draw = data.get("draw")
    if not isinstance(draw, int) or isinstance(draw, bool) or draw < 1:
        problems.append(f"{path}: 'draw' moet een positief geheel getal zijn")
        draw = 0
    minutes = data.get("minutes", 0)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 <= minutes <= 120:
        problems.append(f"{path}: 'minutes' moet een geheel getal van 0 tot 120 zijn")
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.append(f"{path}: 'questions' moet een lijst met vragen zijn")
        raw_questions = []
    questions = read_questions(raw_questions, path, module_slug, lesson_slugs, problems)
    seen = {q.id for q in questions}
    if draw and len(raw_questions) < draw:
        problems.append(f"{path}: de bank heeft {len(raw_questions)} vragen, minder dan 'draw' ({draw})")
    for qid in seen:  # "q-cos" would also read the fields of "q-cos-boven"
        longer = sorted(other for other in seen if other.startswith(qid + "-"))
        if longer:
            problems.append(f"{path}: vraag {qid}: dit id is het begin van {', '.join(longer)}; kies ids die niet met "
                            f"'{qid}-' beginnen")
    blueprint = _blueprint(data.get("blueprint"), path, draw, lesson_slugs, questions, min_items_per_lesson, problems)
    if len(problems) > before:
        return None
    return Quiz(
        module_slug=module_slug,
        title=title,
        pass_mark=pass_mark,
        draw=draw,
        minutes=minutes,
        questions=tuple(questions),
        blueprint=blueprint,
        content_hash=hashlib.sha256(raw).hexdigest()[:16],
        path=str(path),
    )


def read_questions(raw_questions: list, path: Path, module_slug: str, lesson_slugs: list[str],
                   problems: list[str]) -> list[Question]:
    """Build every question of a file's `questions:` list with the types' own checks (exam bank and practice)."""
    questions: list[Question] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw_questions, start=1):
        qid = str(entry.get("id", "")).strip() if isinstance(entry, dict) else ""
        where = Problems(problems, f"{path}: vraag {qid or index}")
        if not isinstance(entry, dict):
            where.add("moet velden als 'id' en 'type' bevatten")
            continue
        if not ID_RE.match(qid):
            where.add(f"ongeldig of ontbrekend id {qid!r} (alleen kleine letters, cijfers en '-')")
        elif qid in seen:
            where.add(f"id {qid!r} komt twee keer voor")
        seen.add(qid)
        kind = QUESTION_TYPES.get(str(entry.get("type", "")))
        if kind is None:
            where.add(f"onbekend type {entry.get('type')!r} (kies uit {', '.join(QUESTION_TYPES)})")
            continue
        question = kind.build(entry, where)
        if question.lesson and question.lesson not in lesson_slugs:
            where.add(f"les {question.lesson!r} bestaat niet in module {module_slug}")
        questions.append(question)
    return questions


def _blueprint(raw: Any, path: Path, draw: int, lesson_slugs: list[str], questions: list[Question],
               min_items: int, problems: list[str]) -> tuple[tuple[str, int], ...]:
    """Read `blueprint:` (items to draw per lesson) and check every draw covers every lesson."""
    if not isinstance(raw, dict) or not raw:
        problems.append(f"{path}: 'blueprint' ontbreekt: zet per les hoeveel vragen een poging trekt "
                        f"(samen {draw or 'draw'}), bijvoorbeeld '{lesson_slugs[0] if lesson_slugs else 'les'}: 1'")
        return ()
    for slug in raw:
        if slug not in lesson_slugs:
            problems.append(f"{path}: blueprint: les {slug!r} bestaat niet in deze module")
    counts = []
    for slug in lesson_slugs:
        count = raw.get(slug)
        if count is None:
            problems.append(f"{path}: blueprint: les {slug!r} ontbreekt; elke poging moet elke les toetsen")
            continue
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            problems.append(f"{path}: blueprint: {slug}: moet een geheel getal van minstens 1 zijn, niet {count!r}")
            continue
        bank = sum(q.lesson == slug for q in questions)
        needed = max(min_items, count + min_items - 1)
        if bank < needed:
            problems.append(f"{path}: blueprint: {slug}: de bank heeft {bank} vragen bij deze les; voor {count} per "
                            f"poging zijn er minstens {needed} nodig, zodat een nieuwe poging vooral nieuwe vragen geeft")
        counts.append((slug, count))
    if draw and sum(c for _, c in counts) != draw and len(counts) == len(lesson_slugs):
        problems.append(f"{path}: blueprint telt op tot {sum(c for _, c in counts)} vragen, maar 'draw' is {draw}")
    return tuple(counts)
