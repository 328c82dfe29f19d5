"""A module's practice assignment (content/NN-module/opdracht.md): read and validated like a lesson.

One assignment per module, with a variant per setting (course/workplace.py) that a learner there can do
in a normal working week, and one rubric for all settings: two coaches judging the same hand-in see the
same criteria, each pointing at the field of the hand-in where the evidence is. An assignment may come
in two parts (a plan first, then what happened): part 1 is saved as a plan, part 2 is handed in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from markupsafe import Markup

from course import workplace
from course.catalog.files import split_front_matter, text_field

FILENAME = "opdracht.md"
FIELD_ID = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
MAX_FIELDS = 9
MIN_CRITERIA, MAX_CRITERIA = 3, 5
CRITERION_KEYS = ("id", "criterion", "field", "voldoende", "voorbeeld_voldoende", "voorbeeld_nog_niet")
VARIANT_KEYS = {"steps", "goal", "labels", "hints", "same_as"}


@dataclass(frozen=True)
class HandInField:
    """One text field of the hand-in form."""

    id: str
    label: str
    hint: str
    part: int = 1


@dataclass(frozen=True)
class Criterion:
    """One rubric criterion: what 'voldoende' looks like, an example of both, and where the coach finds it."""

    id: str
    text: str
    field: str  # a hand-in field id
    sufficient: str
    example_sufficient: str
    example_not_yet: str


@dataclass(frozen=True)
class Variant:
    setting: str
    steps: Markup
    goal: str
    labels: dict = field(default_factory=dict)
    hints: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Assignment:
    module_slug: str
    title: str
    minutes: int  # time on the floor, apart from screen time
    goal: str
    fields: tuple[HandInField, ...]
    criteria: tuple[Criterion, ...]
    html: Markup
    path: str
    variants: dict = field(default_factory=dict)  # setting -> Variant; every setting has one

    @property
    def coach(self) -> tuple[str, ...]:
        """What the coach looks at: the criteria, in order."""
        return tuple(c.text for c in self.criteria)

    @property
    def two_parts(self) -> bool:
        return any(f.part == 2 for f in self.fields)

    def field(self, field_id: str) -> HandInField | None:
        return next((f for f in self.fields if f.id == field_id), None)

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    def variant(self, setting: str | None) -> Variant | None:
        return self.variants.get(workplace.effective(setting))

    def fields_for(self, setting: str | None, part: int | None = None) -> tuple[HandInField, ...]:
        """The hand-in fields as a learner in this setting reads them (labels and hints of the variant)."""
        variant = self.variant(setting)
        result = []
        for f in self.fields:
            if part is not None and f.part != part:
                continue
            if variant is not None:
                f = replace(f, label=variant.labels.get(f.id, f.label), hint=variant.hints.get(f.id, f.hint))
            result.append(f)
        return tuple(result)

    def answer_items(self, answers: dict, setting: str | None = None) -> list[tuple[str, str]]:
        """(label, text) of a stored hand-in: known fields in order, then anything an older version asked."""
        labels = {f.id: f.label for f in self.fields_for(setting)}
        items = [(labels[key], answers[key]) for key in labels if answers.get(key)]
        items += [(key.replace("-", " ").capitalize(), text) for key, text in answers.items()
                  if key not in labels and key != "reflectie" and text]
        return items


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
    criteria = _criteria(meta.get("rubric"), {f.id for f in fields}, path, problems)
    variants = _variants(meta.get("variants"), {f.id for f in fields}, goal, path, problems, render)
    unknown = set(meta) - {"title", "goal", "minutes", "hand_in", "rubric", "variants"}
    if unknown:
        problems.append(f"{path}: onbekende velden in front matter: {', '.join(sorted(unknown))}")
    if not re.search(r"^!!!\s+letop\b", body, re.MULTILINE):
        problems.append(f"{path}: de opdracht mist een kader '!!! letop' over de privacy van kinderen "
                        "(geen namen of andere herkenbare gegevens)")
    if len(problems) > before:
        return None
    return Assignment(module_slug=module_slug, title=title, minutes=minutes, goal=goal, fields=fields,
                      criteria=criteria, html=render(body), path=str(path), variants=variants)


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
        part = entry.get("part", 1)
        if part not in (1, 2):
            problems.append(f"{path}: veld {field_id!r}: 'part' is 1 (het plan) of 2 (wat er gebeurde)")
            continue
        seen.add(field_id)
        fields.append(HandInField(field_id, entry["label"].strip(), str(entry.get("hint", "")).strip(), part))
    if fields and any(f.part == 2 for f in fields) and not any(f.part == 1 for f in fields):
        problems.append(f"{path}: een opdracht in twee delen heeft velden van deel 1 én van deel 2")
    return tuple(fields)


def _criteria(data, field_ids: set[str], path: Path, problems: list[str]) -> tuple[Criterion, ...]:
    if not isinstance(data, list) or not MIN_CRITERIA <= len(data) <= MAX_CRITERIA:
        problems.append(f"{path}: 'rubric' moet een lijst van {MIN_CRITERIA} tot {MAX_CRITERIA} criteria zijn")
        return ()
    criteria, seen = [], set()
    for index, entry in enumerate(data, start=1):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) and entry[k].strip()
                                                  for k in CRITERION_KEYS):
            problems.append(f"{path}: criterium {index} van 'rubric' mist een van: {', '.join(CRITERION_KEYS)}")
            continue
        values = {k: " ".join(entry[k].split()) for k in CRITERION_KEYS}
        if not FIELD_ID.match(values["id"]) or values["id"] in seen:
            problems.append(f"{path}: criterium {index}: id {values['id']!r} is ongeldig of dubbel")
            continue
        if values["field"] not in field_ids:
            problems.append(f"{path}: criterium {values['id']!r} wijst naar veld {values['field']!r}, "
                            "dat niet in 'hand_in' staat")
            continue
        seen.add(values["id"])
        criteria.append(Criterion(values["id"], values["criterion"], values["field"], values["voldoende"],
                                  values["voorbeeld_voldoende"], values["voorbeeld_nog_niet"]))
    return tuple(criteria)


def _variants(data, field_ids: set[str], goal: str, path: Path, problems: list[str], render) -> dict:
    """A variant for every setting; `same_as` reuses another setting's variant."""
    if not isinstance(data, dict) or set(data) != set(workplace.SETTINGS):
        problems.append(f"{path}: 'variants' moet voor elke werksoort een variant hebben: "
                        f"{', '.join(workplace.SETTINGS)}")
        return {}
    raw = {}
    for setting, entry in data.items():
        if isinstance(entry, dict) and isinstance(entry.get("same_as"), str):
            entry = data.get(entry["same_as"])
        if not isinstance(entry, dict) or not isinstance(entry.get("steps"), str) or not entry["steps"].strip() \
                or set(entry) - VARIANT_KEYS:
            problems.append(f"{path}: variant {setting!r} heeft geen 'steps' (of onbekende velden; mag: "
                            f"{', '.join(sorted(VARIANT_KEYS))})")
            continue
        overrides = {k: entry.get(k) or {} for k in ("labels", "hints")}
        bad = [k for k, v in overrides.items() if not isinstance(v, dict) or set(v) - field_ids]
        if bad:
            problems.append(f"{path}: variant {setting!r}: '{bad[0]}' noemt een veld dat niet in 'hand_in' staat")
            continue
        raw[setting] = Variant(setting, render(entry["steps"]), " ".join(str(entry.get("goal") or goal).split()),
                               {k: " ".join(str(v).split()) for k, v in overrides["labels"].items()},
                               {k: " ".join(str(v).split()) for k, v in overrides["hints"].items()})
    return raw
