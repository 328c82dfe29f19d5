"""Reading the course's files: YAML and front matter, with every problem named by file and line."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import yaml

# libyaml's parser (same safe types, same error marks) reads the quiz banks about ten times faster than
# the pure-Python one, which was most of the start-up time of every worker and every flask command.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentError(Exception):
    """The content or quizzes have problems; one line per problem, each starting with its file."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("De cursusinhoud bevat fouten:\n" + "\n".join(f"  {p}" for p in problems))


def read_yaml(path: Path, problems: list[str], line_offset: int = 0, text: str | None = None) -> Any:
    """Parse a YAML file (or text from it); None after adding the problem with its line."""
    try:
        if text is None:
            text = path.read_text(encoding="utf-8")
        return yaml.load(text, Loader=_LOADER)
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


def key_line(path: Path, key: str) -> int | None:
    """The file line a top-level key of a YAML mapping stands on (for problems about its value), or None."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((k.start_mark.line + 1 for k, _ in node.value if getattr(k, "value", None) == key), None)


def text_field(data: Mapping, key: str, path: Path, problems: list[str]) -> str:
    """A required text field, stripped; '' after adding a problem when it is missing or empty."""
    value = data.get(key) if isinstance(data, Mapping) else None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{path}: '{key}' ontbreekt of is leeg")
        return ""
    return value.strip()


def split_front_matter(path: Path, problems: list[str]) -> tuple[dict, str, int] | None:
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
    data = read_yaml(path, problems, line_offset=1, text="\n".join(lines[1:end]))
    if data is None:
        if not problems or not problems[-1].startswith(str(path)):
            problems.append(f"{path}:2: front matter is leeg")
        return None
    if not isinstance(data, dict):
        problems.append(f"{path}:2: front matter moet velden als 'title: ...' bevatten")
        return None
    return data, "\n".join(lines[end + 1:]), end + 2
