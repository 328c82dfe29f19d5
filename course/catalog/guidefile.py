"""The cards of the "Wat doe ik nu?" guide (content/gids/*.md), checked like the lessons."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

from markupsafe import Markup

from course.catalog.files import split_front_matter, text_field
from course.catalog.model import GuideCard, Module
from course.guide import normalise
from course.text import SLUG_RE

FOLDER = "gids"
SECTIONS = ("Wat doe je nu", "Wie bel je", "Wat schrijf je op")
FIELDS = {"title", "keywords", "lesson"}
# The national numbers a card may name, as written and as dialled: they become tel: links.
NATIONAL_NUMBERS = {"112": "112", "0800-2000": "08002000"}
_NUMBER = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in NATIONAL_NUMBERS) + r")(?![\w-])")
_TAG = re.compile(r"(<[^>]*>)")


def load_guide(folder: Path, modules_by_folder: Mapping[str, Module], problems: list[str],
               render: Callable[[str], Markup]) -> tuple[GuideCard, ...]:
    """Every card in the folder, in title order; problems are added with the card's file."""
    cards: list[GuideCard] = []
    titles: dict[str, Path] = {}
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        # The file name is the slug: unique within the folder, so only its form needs checking.
        if not SLUG_RE.match(path.stem):
            problems.append(f"{path}: bestandsnaam moet een slug zijn: kleine letters, cijfers en '-' "
                            "(bijvoorbeeld onder-invloed-ophalen.md)")
            continue
        card = _load_card(path, modules_by_folder, problems, render)
        if card is None:
            continue
        if card.title.casefold() in titles:
            problems.append(f"{path}: een kaart met de titel {card.title!r} bestaat al ({titles[card.title.casefold()]})")
            continue
        titles[card.title.casefold()] = path
        cards.append(card)
    return tuple(sorted(cards, key=lambda c: normalise(c.title)))


def _load_card(path: Path, modules_by_folder: Mapping[str, Module], problems: list[str],
               render: Callable[[str], Markup]) -> GuideCard | None:
    split = split_front_matter(path, problems)
    if split is None:
        return None
    meta, body, body_line = split
    before = len(problems)
    title = text_field(meta, "title", path, problems)
    keywords = meta.get("keywords")
    if not isinstance(keywords, list) or not keywords or not all(isinstance(k, str) and k.strip() for k in keywords):
        problems.append(f"{path}: 'keywords' moet een lijst met minstens één zoekwoord zijn")
        keywords = []
    unknown = set(meta) - FIELDS
    if unknown:
        problems.append(f"{path}: onbekende velden in front matter: {', '.join(sorted(unknown))}")
    lesson = _lesson(path, meta.get("lesson"), modules_by_folder, problems)
    _check_sections(path, body, body_line, problems)
    if len(problems) > before:
        return None
    module, lesson_slug = lesson
    keywords = tuple(k.strip() for k in keywords)
    return GuideCard(
        slug=path.stem,
        title=title,
        keywords=keywords,
        module_slug=module.slug,
        lesson_slug=lesson_slug,
        html=link_numbers(render(body)),
        search_text=normalise(" ".join([title, *keywords, _plain(body)])),
        path=str(path),
    )


def _lesson(path: Path, value, modules_by_folder: Mapping[str, Module], problems: list[str]):
    """(module, lesson slug) of the card's lesson link, or None after adding a problem."""
    example = "bijvoorbeeld 04-praktische-handvatten/acuut-handelen"
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{path}: 'lesson' ontbreekt of is leeg (de les die uitlegt waarom: "
                        f"modulemap/les-slug, {example})")
        return None
    folder, _, lesson_slug = value.strip().partition("/")
    module = modules_by_folder.get(folder)
    if module is None:
        problems.append(f"{path}: 'lesson' {value!r}: er is geen module-map content/{folder} "
                        f"(schrijf modulemap/les-slug, {example})")
        return None
    if module.lesson(lesson_slug) is None:
        problems.append(f"{path}: 'lesson' {value!r}: module {folder} heeft geen les {lesson_slug!r} "
                        f"(de les-slug is de bestandsnaam zonder nummer en .md, {example})")
        return None
    return module, lesson_slug


def _check_sections(path: Path, body: str, body_line: int, problems: list[str]) -> None:
    """Exactly the three headings, in order, each with text under it; no other headings and no callouts."""
    headings: list[tuple[int, str]] = []
    text_under: dict[str, bool] = {}
    for line_no, line in enumerate(body.splitlines(), start=body_line):
        if line.startswith("!!!"):
            problems.append(f"{path}:{line_no}: een kaart heeft geen kaders (!!!), alleen de drie kopjes met tekst")
        match = re.match(r"^(#+)\s*(.*?)\s*#*\s*$", line)
        if match:
            if match[1] != "##":
                problems.append(f"{path}:{line_no}: gebruik alleen de kopjes '## ...' van de kaart "
                                f"(gevonden: {line.strip()!r})")
            else:
                headings.append((line_no, match[2]))
                text_under[match[2]] = False
        elif line.strip() and headings:
            text_under[headings[-1][1]] = True
        elif line.strip():
            problems.append(f"{path}:{line_no}: tekst vóór het eerste kopje; begin met '## {SECTIONS[0]}'")
    found = tuple(title for _, title in headings)
    if found != SECTIONS:
        problems.append(
            f"{path}: een kaart heeft precies drie kopjes, in deze volgorde: "
            + ", ".join(f"'## {s}'" for s in SECTIONS)
            + f" (gevonden: {', '.join(repr(t) for t in found) or 'geen'})")
        return
    for line_no, title in headings:
        if not text_under[title]:
            problems.append(f"{path}:{line_no}: onder '## {title}' staat niets")


def link_numbers(html: Markup) -> Markup:
    """Make each national number in the card's text a tel: link, so a phone dials it with one tap."""
    parts, in_link = [], False
    for part in _TAG.split(str(html)):
        if part.startswith("<"):
            name = part[1:].split(None, 1)[0].rstrip(">").lower() if len(part) > 2 else ""
            in_link = True if name == "a" else False if name == "/a" else in_link
            parts.append(part)
        elif in_link:
            parts.append(part)
        else:
            parts.append(_NUMBER.sub(lambda m: f'<a href="tel:{NATIONAL_NUMBERS[m[1]]}">{m[1]}</a>', part))
    return Markup("".join(parts))


def _plain(markdown_text: str) -> str:
    """The card's words without Markdown marks, for search (the headings are the same on every card)."""
    lines = [line for line in markdown_text.splitlines() if not line.startswith("#")]
    return re.sub(r"[*_`>\[\]()#-]", " ", "\n".join(lines))
