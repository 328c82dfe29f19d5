"""A module's practice assignment (content/NN-module/opdracht.md): read and validated like a lesson."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from course.catalog.files import split_front_matter, text_field

FILENAME = "opdracht.md"
FIELD_ID = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
MAX_FIELDS = 6


@dataclass(frozen=True)
class HandInField:
    """One text field of the hand-in form."""

    id: str
    label: str
    hint: str


@dataclass(frozen=True)
class Assignment:
    module_slug: str
    title: str
    minutes: int  # time on the floor, apart from screen time
    goal: str
    fields: tuple[HandInField, ...]
    coach: tuple[str, ...]  # what the coach looks at
    html: Markup
    path: str

    def field(self, field_id: str) -> HandInField | None:
        return next((f for f in self.fields if f.id == field_id), None)


def load_assignment(folder: Path, module_slug: str, problems: list[str], render) -> Assignment | None:
    """The module's assignment, None when the module has none; problems are added with the file path."""
    path = folder / FILENAME
    if not path.exists():
        return None
    split = split_front_matter(path, problems)
    if split is None:
        return None
    meta, body, _ = split
    before = len(problems)
    title = text_field(meta, "title", path, problems)
    goal = text_field(meta, "goal", path, problems)
    minutes = meta.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 10 <= minutes <= 600:
        problems.append(f"{path}: 'minutes' (tijd in de praktijk) moet een geheel getal van 10 tot 600 zijn")
    fields = _fields(meta.get("hand_in"), path, problems)
    coach = meta.get("coach")
    if not isinstance(coach, list) or not coach or not all(isinstance(c, str) and c.strip() for c in coach):
        problems.append(f"{path}: 'coach' moet een lijst zijn met minstens één punt waar de coach op let")
        coach = []
    unknown = set(meta) - {"title", "goal", "minutes", "hand_in", "coach"}
    if unknown:
        problems.append(f"{path}: onbekende velden in front matter: {', '.join(sorted(unknown))}")
    if not re.search(r"^!!!\s+letop\b", body, re.MULTILINE):
        problems.append(f"{path}: de opdracht mist een kader '!!! letop' over de privacy van kinderen "
                        "(geen namen of andere herkenbare gegevens)")
    if len(problems) > before:
        return None
    return Assignment(module_slug=module_slug, title=title, minutes=minutes, goal=goal, fields=fields,
                      coach=tuple(c.strip() for c in coach), html=render(body), path=str(path))


def _fields(data, path: Path, problems: list[str]) -> tuple[HandInField, ...]:
    if not isinstance(data, list) or not 1 <= len(data) <= MAX_FIELDS:
        problems.append(f"{path}: 'hand_in' moet een lijst van 1 tot {MAX_FIELDS} velden zijn")
        return ()
    fields, seen = [], set()
    for index, entry in enumerate(data, start=1):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) and entry[k].strip()
                                                  for k in ("id", "label")):
            problems.append(f"{path}: veld {index} van 'hand_in' heeft geen 'id' en 'label'")
            continue
        field_id = entry["id"].strip()
        if not FIELD_ID.match(field_id) or field_id in seen or field_id == "reflectie":
            problems.append(f"{path}: veld {index} van 'hand_in': id {field_id!r} is ongeldig of dubbel "
                            "(kleine letters, cijfers en '-'; 'reflectie' is gereserveerd)")
            continue
        seen.add(field_id)
        fields.append(HandInField(field_id, entry["label"].strip(), str(entry.get("hint", "")).strip()))
    return tuple(fields)
