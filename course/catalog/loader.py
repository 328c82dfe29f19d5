"""Read content/ and quizzes/ into a Course, collecting every problem before failing."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import markdown
from markupsafe import Markup

from course.catalog.assignment import FILENAME as ASSIGNMENT_FILE
from course.catalog.assignment import load_assignment
from course.catalog.exercises import exercise_path, load_exercises
from course.catalog.files import ContentError, key_line, read_yaml, split_front_matter, text_field
from course.catalog.guidefile import FOLDER as GUIDE_FOLDER
from course.catalog.guidefile import load_guide
from course.catalog.model import Course, Lesson, Module, Page, Term
from course.catalog.quizfile import MIN_ITEMS_PER_LESSON, load_quiz
from course.text import SLUG_RE, slugify

NUMBERED = re.compile(r"^(\d+)-(" + SLUG_RE.pattern.strip("^$") + ")$")
MARKDOWN_EXTENSIONS = ["tables", "admonition", "attr_list", "sane_lists", "toc"]
# Folders beside the modules that hold other content: loose pages and the "Wat doe ik nu?" guide.
EXTRA_FOLDERS = {"pages", GUIDE_FOLDER}
CALLOUTS = {"praktijk", "onderzoek", "letop", "tip", "samenvatting", "reflectie"}


def render_markdown(text: str) -> Markup:
    """Render trusted author Markdown to HTML; wide tables scroll inside a focusable region."""
    return _render(text)[0]


def _render(text: str) -> tuple[Markup, tuple[tuple[str, str], ...]]:
    """The HTML and the (id, plain title) of every level-2 heading, for the "In deze les" list."""
    md = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, output_format="html")
    html = md.convert(text)
    sections = tuple((token["id"], Markup(token["name"]).striptags()) for token in _flatten(md.toc_tokens)
                     if token["level"] == 2)
    html = html.replace("<table>", '<div class="table-wrap" role="region" aria-label="Tabel (veeg of scroll opzij)" '
                                   'tabindex="0"><table>').replace("</table>", "</table></div>")
    return Markup(html), sections


def _flatten(tokens):
    for token in tokens:
        yield token
        yield from _flatten(token.get("children", ()))


def render_inline(text: str) -> Markup:
    """Render one line of Markdown without the surrounding paragraph."""
    html = markdown.markdown(text, output_format="html")
    if html.startswith("<p>") and html.endswith("</p>"):
        html = html[3:-4]
    return Markup(html)


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
    course_data = read_yaml(content_dir / "course.yml", problems) or {}
    modules = []
    seen_slugs: dict[str, Path] = {}
    for folder in sorted(p for p in content_dir.iterdir() if p.is_dir() and p.name not in EXTRA_FOLDERS):
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
    for practice_file in sorted((quiz_dir / "oefenen").glob("*.yml")) if (quiz_dir / "oefenen").is_dir() else ():
        if practice_file.stem not in {f.name for f in seen_slugs.values()}:
            problems.append(f"{practice_file}: er is geen module-map content/{practice_file.stem} bij deze oefenvragen")
    terms = _load_terms(content_dir, modules, problems)
    pages = _load_pages(content_dir / "pages", problems)
    by_folder = {seen_slugs[m.slug].name: m for m in modules}
    guide = load_guide(content_dir / GUIDE_FOLDER, by_folder, problems, render_markdown)
    title = text_field(course_data, "title", content_dir / "course.yml", problems)
    summary = text_field(course_data, "summary", content_dir / "course.yml", problems)
    course = Course(title=title, summary_html=render_markdown(summary), modules=tuple(modules), terms=terms,
                    pages=pages, guide=guide)
    if "study_hours" in course_data and not problems:
        _check_stated_hours(content_dir / "course.yml", course_data["study_hours"], course, problems)
    if problems:
        raise ContentError(problems)
    return course


# How far a study load stated in course.yml may be from the computed one: the quarter hour everything is rounded to.
STATED_HOURS_TOLERANCE = 0.25


def _check_stated_hours(path: Path, stated, course: Course, problems: list[str]) -> None:
    """A study load stated in course.yml must agree with the one computed from the modules (it is never used)."""
    where = f"{path}:{key_line(path, 'study_hours') or 1}"
    if not isinstance(stated, (int, float)) or isinstance(stated, bool):
        problems.append(f"{where}: 'study_hours' moet een getal zijn (of laat het weg)")
    elif abs(stated - course.total_hours) > STATED_HOURS_TOLERANCE:
        problems.append(
            f"{where}: 'study_hours' is {stated:g}, maar de modules tellen op tot {course.total_hours:g} uur "
            f"({course.screen_hours:g} uur lessen en quizzen, {course.practice_hours:g} uur praktijkopdrachten). "
            "Pas het getal aan of laat het weg: de studietijd wordt uit de lessen, quizzen en opdrachten berekend.")


def _load_module(folder: Path, number: int, slug: str, quiz_dir: Path, problems: list[str],
                 min_items_per_lesson: int = MIN_ITEMS_PER_LESSON) -> Module | None:
    meta_path = folder / "module.yml"
    meta = read_yaml(meta_path, problems)
    if meta is not None and not isinstance(meta, dict):
        problems.append(f"{meta_path}: moet velden als 'title: ...' bevatten")
        meta = None
    meta = meta or {}
    title = text_field(meta, "title", meta_path, problems) if meta_path.exists() else ""
    summary = text_field(meta, "summary", meta_path, problems) if meta_path.exists() else ""
    bronnen = meta.get("bronnen", [])
    if meta_path.exists() and (not isinstance(bronnen, list) or not all(isinstance(b, str) for b in bronnen)):
        problems.append(f"{meta_path}: 'bronnen' moet een lijst met teksten zijn")
        bronnen = []
    lessons, seen = [], {}
    for path in sorted(p for p in folder.glob("*.md") if p.name != ASSIGNMENT_FILE):
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
    quiz = load_quiz(quiz_path, slug, lesson_order, problems, min_items_per_lesson) if quiz_path.exists() else None
    exercises = load_exercises(exercise_path(quiz_dir, folder.name), slug, lesson_order,
                               {q.id for q in quiz.questions} if quiz else set(), problems)
    lessons = [replace(lesson, exercises=exercises.get(lesson.slug, ())) for lesson in lessons]
    return Module(
        slug=slug,
        number=number,
        title=title,
        summary_html=render_inline(summary),
        bronnen_html=tuple(render_inline(b) for b in bronnen),
        lessons=tuple(lessons),
        quiz=quiz,
        assignment=load_assignment(folder, slug, problems, render_markdown),
    )


def _load_lesson(path: Path, module_slug: str, number: int, slug: str, problems: list[str]) -> Lesson | None:
    split = split_front_matter(path, problems)
    if split is None:
        return None
    meta, body, body_line = split
    before = len(problems)
    title = text_field(meta, "title", path, problems)
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
    html, sections = _render(body)
    return Lesson(
        module_slug=module_slug,
        slug=slug,
        number=number,
        title=title,
        minutes=minutes,
        goals=tuple(g.strip() for g in goals),
        html=html,
        path=str(path),
        sections=sections,
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
        data = read_yaml(path, problems)
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
        split = split_front_matter(path, problems)
        if split is None:
            continue
        meta, body, _ = split
        title = text_field(meta, "title", path, problems)
        pages.append(Page(slug=path.stem, title=title, html=render_markdown(body)))
    return tuple(pages)


def describe(course: Course) -> str:
    """One-paragraph summary of a loaded course, for the check command."""
    quizzes = [m.quiz for m in course.modules if m.quiz]
    return json.dumps({
        "modules": len(course.modules),
        "lessen": len(course.lessons),
        "quizvragen": sum(len(q.questions) for q in quizzes),
        "oefenvragen": sum(len(lesson.exercises) for lesson in course.lessons),
        "minuten": course.minutes,
        "minuten_praktijk": course.practice_minutes,
        "studietijd": course.study_text,
        "gidskaarten": len(course.guide),
    }, ensure_ascii=False)
