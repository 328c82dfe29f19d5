"""The one input boundary: every value a view takes from a request is read here, typed and checked.

- whole numbers: ASCII digits only (not ², ١٢ or full-width digits, which `str.isdigit` accepts and
  `int` may refuse), within bounds;
- dates: ISO dates within a sane range (a period: 2000 to 2100);
- text: any length up to a limit, never NUL, lone surrogates or control characters (course/text.py);
- JSON: a body of limited size and nesting depth; anything that does not decode is a 400.

A value that is missing or out of range in a link (a filter, a page number) reads as "not given";
a value a person sent in a form or JSON body that breaks a rule raises BadInput: a 400 with a
Dutch message, before anything is stored. tests/test_inputs.py checks that no view reads raw input.
"""
from __future__ import annotations

import json
import re
from datetime import date

from flask import jsonify, render_template, request
from werkzeug.exceptions import BadRequest

from course import text

MAX_ID = 2**31 - 1  # the largest id the database stores (a 32-bit integer column)
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)  # a period lies between these
MAX_JSON_BYTES = 64 * 1024
MAX_JSON_DEPTH = 8
JSON_PROBLEM = "Dit bericht kon niet worden gelezen. Laad de pagina opnieuw en probeer het nog eens."
_ASCII_DIGITS = re.compile(r"[0-9]{1,12}")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")


class BadInput(BadRequest):
    """A value that breaks an input rule: answered with a 400 and its Dutch message (register below)."""

    def __init__(self, message: str):
        super().__init__(description=message)
        self.message = message


def whole_number(value: str | None, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """The number if value is ASCII digits within [low, high]; None otherwise (empty, ², -3, 10**30)."""
    if not isinstance(value, str) or not _ASCII_DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if low <= number <= high else None


def day(value: str | None, *, first: date = FIRST_DAY, last: date = LAST_DAY) -> date | None:
    """The date if value is an ISO date (2026-12-31) within [first, last]; None otherwise."""
    if not isinstance(value, str) or not value.isascii() or len(value) != 10:
        return None
    try:
        found = date.fromisoformat(value)
    except ValueError:
        return None
    return found if first <= found <= last else None


def clean_text(value, *, max_length: int, multiline: bool = True) -> str:
    """The text if it is a string within max_length without forbidden characters; BadInput otherwise."""
    if not isinstance(value, str):
        raise BadInput(JSON_PROBLEM)
    problem = text.text_problem(value, multiline=multiline)
    if problem:
        raise BadInput(problem)
    if len(value) > max_length:
        raise BadInput(f"Deze tekst is te lang: hoogstens {max_length} tekens.")
    return value


def arg_number(name: str, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """A whole number from the query string; None when missing or not a whole number in bounds."""
    return whole_number(request.args.get(name), low=low, high=high)


def arg_day(name: str) -> date | None:
    """A date from the query string within the period range; None when missing or not such a date."""
    return day(request.args.get(name))


def arg_given(name: str) -> bool:
    """Whether the query string has a non-empty value for name."""
    return bool(request.args.get(name))


def arg_text(name: str, default: str = "", *, max_length: int = 100) -> str:
    """Text from the query string (a search, a filter), cut to max_length; default when it holds a control character.

    NUL never gets this far: security.py answers it with a 400 for every route.
    """
    value = request.args.get(name, default)
    return default if text.text_problem(value, multiline=False) else value[:max_length]


def form_value(name: str, default: str = "") -> str:
    """A raw form value for a choice among fixed options (a button's name, an action); '' for anything else."""
    value = request.form.get(name, default)
    return value if text.text_problem(value, multiline=False) is None else default


def form_text(name: str, *, max_length: int) -> str:
    """Free text from a posted form, cut to max_length; '' when it breaks the text rule (for showing it back)."""
    value = request.form.get(name, "")
    return "" if text.text_problem(value) else value[:max_length]


def upload(name: str, *, max_bytes: int) -> bytes:
    """The bytes of an uploaded file (at most max_bytes + 1, so the caller can tell "too large"); b'' for none."""
    found = request.files.get(name)
    return found.read(max_bytes + 1) if found and found.filename else b""


def form_has(name: str) -> bool:
    """Whether the posted form has this field (which of several forms on a page was sent)."""
    return name in request.form


def form_lists() -> dict[str, list[str]]:
    """Every posted form field with all its values (quiz answers), each checked as one-line text."""
    data = request.form.to_dict(flat=False)
    for values in data.values():
        for value in values:
            problem = text.text_problem(value, multiline=False)
            if problem:
                raise BadInput(problem)
    return data


def header(name: str) -> str:
    """A request header's value ('' when missing)."""
    return request.headers.get(name, "")


def is_json() -> bool:
    """Whether the request says its body is JSON."""
    return request.is_json


def json_depth(raw: str) -> int:
    """How deeply the arrays and objects of a JSON text nest (strings skipped), without parsing it."""
    depth = deepest = 0
    for bracket in _BRACKET.finditer(_STRING.sub("", raw)):
        depth += 1 if bracket.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def json_body(*, max_bytes: int = MAX_JSON_BYTES, max_depth: int = MAX_JSON_DEPTH) -> dict:
    """The request's JSON object; BadInput when too large, too deep, not UTF-8, not JSON or not an object."""
    raw = request.get_data(cache=True)
    if len(raw) > max_bytes:
        raise BadInput("Dit bericht is te groot. Maak je tekst korter en probeer het opnieuw.")
    try:
        decoded = raw.decode("utf-8")
        if json_depth(decoded) > max_depth:
            raise ValueError("too deep")
        data = json.loads(decoded)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise BadInput(JSON_PROBLEM) from None
    if not isinstance(data, dict):
        raise BadInput(JSON_PROBLEM)
    return data


def init_app(app) -> None:
    """Answer BadInput with its Dutch message: as JSON to a JSON request, as the error page otherwise."""
    @app.errorhandler(BadInput)
    def bad_input(error: BadInput):
        if request.is_json or request.accept_mimetypes.best == "application/json":
            return jsonify(ok=False, saved=False, message=error.message, problem=error.message), 400
        return render_template("error.html", code=400, title="Dat ging niet goed", text=error.message), 400
