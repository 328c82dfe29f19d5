"""Read content/ and quizzes/ into a Course, collecting every problem before failing."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Mapping

import markdown
import yaml
from markupsafe import Markup

from .model import Course, Lesson, Module, Page, Quiz, Term
from ..text import SLUG_RE, slugify
from .questions import ID_RE, QUESTION_TYPES, Problems, Question

NUMBERED = re.compile(r"^(\d+)-(" + SLUG_RE.pattern.strip("^$") + ")$")
MARKDOWN_EXTENSIONS = ["tables", "admonition", "attr_list", "sane_lists", "toc"]
CALLOUTS = {"praktijk", "onderzoek", "letop", "tip", "samenvatting", "reflectie"}


class ContentError(Exception):
    """The content or quizzes have problems; one line per problem, each starting with its file."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("De cursusinhoud bevat fouten:\n" + "\n".join(f"  {p}" for p in problems))


def render_markdown(text: str) -> Markup:
    """Render trusted author Markdown to HTML; wide tables scroll inside a focusable region."""
    html = markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    html = html.replace("<table>", '<div class="table-wrap" role="region" aria-label="Tabel (veeg of scroll opzij)" '
                                   'tabindex="0"><table>').replace("</table>", "</table></div>")
    return Markup(html)


def render_inline(text: str) -> Markup:
    """Render one line of Markdown without the surrounding paragraph."""
    html = markdown.markdown(text, output_format="html")
    if html.startswith("<p>") and html.endswith("</p>"):
        html = html[3:-4]
    return Markup(html)


MIN_ITEMS_PER_LESSON = 3


def load_catalog(content_dir: str | Path, quiz_dir: str | Path, *,
                 min_items_per_lesson: int = MIN_ITEMS_PER_LESSON) -> Course:
    """Load and validate the whole course; raise ContentError listing every problem.

    A quiz bank must hold at least `min_items_per_lesson` items per lesson, and at least that many
    minus one more than its blueprint draws from the lesson, so a retake mostly sees new cases.
    """
    content_dir, quiz_dir = Path(content_dir), Path(quiz_dir)
    problems: list[str] = []
    if not content_dir.is_dir():
        raise ContentError([f"{content_dir}: map met cursusinhoud niet gevonden"])
    course_data = _read_yaml(content_dir / "course.yml", problems) or {}
    modules = []
    seen_slugs: dict[str, Path] = {}
    for folder in sorted(p for p in content_dir.iterdir() if p.is_dir() and p.name != "pages"):
        match = NUMBERED.match(folder.name)
        if not match:
            problems.append(f"{folder}: mapnaam moet 'NN-slug' zijn (bijvoorbeeld 01-wat-is-gehechtheid)")
            continue
        number, slug = int(match[1]), match[2]
        if slug in seen_slugs:
            problems.append(f"{folder}: module-slug {slug!r} bestaat al in {seen_slugs[slug]}")
            continue
        seen_slugs[slug] = folder
        module = _load_module(folder, number, slug, quiz_dir, problems, min_items_per_lesson)
        if module:
            modules.append(module)
    if not modules and not problems:
        problems.append(f"{content_dir}: geen modules gevonden")
    for quiz_file in sorted(quiz_dir.glob("*.yml")) if quiz_dir.is_dir() else ():
        if quiz_file.stem not in {f.name for f in seen_slugs.values()}:
            problems.append(f"{quiz_file}: er is geen module-map content/{quiz_file.stem} bij deze quiz")
    terms = _load_terms(content_dir, modules, problems)
    pages = _load_pages(content_dir / "pages", problems)
    title = _field(course_data, "title", content_dir / "course.yml", problems)
    summary = _field(course_data, "summary", content_dir / "course.yml", problems)
    hours = course_data.get("study_hours", 0)
    if not isinstance(hours, (int, float)) or hours <= 0:
        problems.append(f"{content_dir / 'course.yml'}: 'study_hours' moet een positief getal zijn")
        hours = 0
    if problems:
        raise ContentError(problems)
    return Course(
        title=title,
        summary_html=render_markdown(summary),
        study_hours=hours,
        modules=tuple(modules),
        terms=terms,
        pages=pages,
    )


def _read_yaml(path: Path, problems: list[str], line_offset: int = 0, text: str | None = None) -> Any:
    try:
        if text is None:
            text = path.read_text(encoding="utf-8")
        return yaml.safe_load(text)
    except FileNotFoundError:
        problems.append(f"{path}: bestand ontbreekt")
    except UnicodeDecodeError:
        problems.append(f"{path}: bestand is geen UTF-8-tekst")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1 + line_offset}" if mark else str(path)
        reason = getattr(error, "problem", None) or str(error)
        problems.append(f"{where}: ongeldige YAML ({reason})")
    return None


def _field(data: Mapping, key: str, path: Path, problems: list[str]) -> str:
    value = data.get(key) if isinstance(data, Mapping) else None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{path}: '{key}' ontbreekt of is leeg")
        return ""
    return value.strip()


def _split_front_matter(path: Path, problems: list[str]) -> tuple[dict, str, int] | None:
    """Return (front matter, body, the file line the body starts on), or None after adding problems."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(f"{path}: bestand is geen UTF-8-tekst")
        return None
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        problems.append(f"{path}:1: front matter ontbreekt (het bestand moet beginnen met een regel '---')")
        return None
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
    except StopIteration:
        problems.append(f"{path}:1: front matter wordt niet afgesloten met een regel '---'")
        return None
    data = _read_yaml(path, problems, line_offset=1, text="\n".join(lines[1:end]))
    if data is None:
        if not problems or not problems[-1].startswith(str(path)):
            problems.append(f"{path}:2: front matter is leeg")
        return None
    if not isinstance(data, dict):
        problems.append(f"{path}:2: front matter moet velden als 'title: ...' bevatten")
        return None
    return data, "\n".join(lines[end + 1:]), end + 2


def _load_module(folder: Path, number: int, slug: str, quiz_dir: Path, problems: list[str],
                 min_items_per_lesson: int = MIN_ITEMS_PER_LESSON) -> Module | None:
    meta_path = folder / "module.yml"
    meta = _read_yaml(meta_path, problems)
    if meta is not None and not isinstance(meta, dict):
        problems.append(f"{meta_path}: moet velden als 'title: ...' bevatten")
        meta = None
    meta = meta or {}
    title = _field(meta, "title", meta_path, problems) if meta_path.exists() else ""
    summary = _field(meta, "summary", meta_path, problems) if meta_path.exists() else ""
    bronnen = meta.get("bronnen", [])
    if meta_path.exists() and (not isinstance(bronnen, list) or not all(isinstance(b, str) for b in bronnen)):
        problems.append(f"{meta_path}: 'bronnen' moet een lijst met teksten zijn")
        bronnen = []
    lessons, seen = [], {}
    for path in sorted(folder.glob("*.md")):
        match = NUMBERED.match(path.stem)
        if not match:
            problems.append(f"{path}: bestandsnaam moet 'NN-slug.md' zijn (bijvoorbeeld 01-inleiding.md)")
            continue
        lesson_slug = match[2]
        if lesson_slug in seen:
            problems.append(f"{path}: les-slug {lesson_slug!r} bestaat al in {seen[lesson_slug]}")
            continue
        seen[lesson_slug] = path
        lesson = _load_lesson(path, slug, int(match[1]), lesson_slug, problems)
        if lesson:
            lessons.append(lesson)
    if not seen:
        problems.append(f"{folder}: module heeft geen lessen (NN-slug.md)")
    quiz_path = quiz_dir / f"{folder.name}.yml"
    if not quiz_path.exists():
        # A module is completed by passing its quiz, so a module without one could never be finished.
        problems.append(f"{folder}: quiz ontbreekt (verwacht: {quiz_path})")
    lesson_order = [lesson.slug for lesson in lessons]
    quiz = _load_quiz(quiz_path, slug, lesson_order, problems, min_items_per_lesson) if quiz_path.exists() else None
    return Module(
        slug=slug,
        number=number,
        title=title,
        summary_html=render_inline(summary),
        bronnen_html=tuple(render_inline(b) for b in bronnen),
        lessons=tuple(lessons),
        quiz=quiz,
    )


def _load_lesson(path: Path, module_slug: str, number: int, slug: str, problems: list[str]) -> Lesson | None:
    split = _split_front_matter(path, problems)
    if split is None:
        return None
    meta, body, body_line = split
    before = len(problems)
    title = _field(meta, "title", path, problems)
    minutes = meta.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 120:
        problems.append(f"{path}: 'minutes' moet een geheel getal van 1 tot 120 zijn")
    goals = meta.get("goals")
    if not isinstance(goals, list) or not goals or not all(isinstance(g, str) and g.strip() for g in goals):
        problems.append(f"{path}: 'goals' moet een lijst met minstens één leerdoel zijn")
        goals = []
    unknown = set(meta) - {"title", "minutes", "goals"}
    if unknown:
        problems.append(f"{path}: onbekende velden in front matter: {', '.join(sorted(unknown))}")
    for line_no, kind in _callouts(body, body_line):
        if kind not in CALLOUTS:
            problems.append(
                f"{path}:{line_no}: onbekend soort kader {kind!r} (kies uit {', '.join(sorted(CALLOUTS))})"
            )
    if not body.strip():
        problems.append(f"{path}: de les heeft geen tekst")
    if len(problems) > before:
        return None
    return Lesson(
        module_slug=module_slug,
        slug=slug,
        number=number,
        title=title,
        minutes=minutes,
        goals=tuple(g.strip() for g in goals),
        html=render_markdown(body),
        path=str(path),
    )


def _callouts(body: str, first_line: int):
    """Yield (file line, kind) for every callout box in a lesson body."""
    for line_no, line in enumerate(body.splitlines(), start=first_line):
        match = re.match(r"^!!!\s+([\w-]+)", line)
        if match:
            yield line_no, match[1]


def _load_terms(content_dir: Path, modules: list[Module], problems: list[str]) -> tuple[Term, ...]:
    terms: dict[str, Term] = {}
    for folder in sorted(p for p in content_dir.iterdir() if p.is_dir() and NUMBERED.match(p.name)):
        path = folder / "begrippen.yml"
        if not path.exists():
            continue
        data = _read_yaml(path, problems)
        if data is None:
            continue
        if not isinstance(data, list):
            problems.append(f"{path}: moet een lijst met 'term' en 'uitleg' zijn")
            continue
        for index, entry in enumerate(data, start=1):
            if not isinstance(entry, dict) or not str(entry.get("term", "")).strip() or not str(
                    entry.get("uitleg", "")).strip():
                problems.append(f"{path}: begrip {index} heeft geen 'term' en 'uitleg'")
                continue
            term = str(entry["term"]).strip()
            anchor = slugify(term)
            if anchor in terms:
                problems.append(f"{path}: begrip {term!r} staat ook in module {terms[anchor].module_slug}")
                continue
            terms[anchor] = Term(term, anchor, render_inline(str(entry["uitleg"]).strip()),
                                 NUMBERED.match(folder.name)[2])
    return tuple(sorted(terms.values(), key=lambda t: t.anchor))


def _load_pages(folder: Path, problems: list[str]) -> tuple[Page, ...]:
    pages = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        split = _split_front_matter(path, problems)
        if split is None:
            continue
        meta, body, _ = split
        title = _field(meta, "title", path, problems)
        pages.append(Page(slug=path.stem, title=title, html=render_markdown(body)))
    return tuple(pages)


def _load_quiz(path: Path, module_slug: str, lesson_slugs: list[str], problems: list[str],
               min_items_per_lesson: int = MIN_ITEMS_PER_LESSON) -> Quiz | None:
    raw = path.read_bytes()
    data = _read_yaml(path, problems)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.append(f"{path}: moet velden als 'title: ...' bevatten")
        return None
    before = len(problems)
    title = _field(data, "title", path, problems)
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


def describe(course: Course) -> str:
    """One-paragraph summary of a loaded course, for the check command."""
    quizzes = [m.quiz for m in course.modules if m.quiz]
    return json.dumps({
        "modules": len(course.modules),
        "lessen": len(course.lessons),
        "quizvragen": sum(len(q.questions) for q in quizzes),
        "minuten": course.minutes,
    }, ensure_ascii=False)
