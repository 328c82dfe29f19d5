"""Text rules in one place: slugs, Dutch dates, and what a name may contain: people's names and the names of organisations and teams.

A name is shown on certificates, in team tables, in spreadsheets and in PDFs, so it must be text
a person typed, not bytes a tool chokes on. The rule (README, "Input rules"):

- allowed in a person's name: letters with any diacritic (é, ë, ç, ø, ł, ß ...), the Dutch IJ
  (also the single-letter ligature Ĳ/ĳ), apostrophes (' ’), hyphens, dots and spaces;
- organisations and teams may also use digits and & ( ) , / + : # ;
- never: control characters (U+0000-U+001F, U+007F-U+009F, NUL included), zero-width and bidi
  controls (U+200B-U+200F, U+202A-U+202E, U+2066-U+2069, U+FEFF), other format characters,
  line and paragraph separators, and unassigned or private-use code points.

Text is normalised to NFC and runs of spaces are collapsed before it is checked and stored; a
tab or line break is a control character and refused, not silently turned into a space.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timezone
from functools import lru_cache

from babel.dates import format_date, format_datetime, get_timezone

from course.errors import InvalidName

APOSTROPHES = "'’‘ʼ`"
HYPHENS = "-‐‑–"
PERSON_EXTRA = set(APOSTROPHES + HYPHENS + ". ")
GROUP_EXTRA = PERSON_EXTRA | set("&(),/+:#;")
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # what a slug or id in content and quizzes looks like
_SPACES = re.compile(r"[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")  # spaces only (Zs), not tabs or line breaks



def utcnow() -> datetime:
    """The current time in UTC, without tzinfo (as the columns store it)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)

def normalise(value: str) -> str:
    """NFC, with every run of spaces turned into one plain space and the ends trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value or "")).strip(" ")


def _is_letter(char: str) -> bool:
    return unicodedata.category(char)[0] in "LM"


def name_problem(value: str, *, group: bool = False) -> str | None:
    """Return a Dutch reason why this (normalised) name is not allowed, or None."""
    if any(unicodedata.category(char) in _FORBIDDEN_CATEGORIES for char in value):
        return ("Deze naam bevat een onzichtbaar teken of stuurteken. Typ de naam opnieuw, zonder hem te "
                "kopiëren en plakken.")
    extra = GROUP_EXTRA if group else PERSON_EXTRA
    wrong = sorted({char for char in value if not (_is_letter(char) or char in extra
                                                    or (group and char.isdecimal()))})
    if wrong:
        shown = " ".join(wrong[:5])
        if group:
            return (f"Een naam mag letters, cijfers, spaties en de tekens & ( ) , / + : # ; ' - . bevatten, "
                    f"niet: {shown}")
        return f"Een naam mag letters, spaties, apostroffen, streepjes en punten bevatten, niet: {shown}"
    if not any(_is_letter(char) for char in value):
        return "Een naam moet minstens één letter bevatten."
    return None


def clean_name(value: str, *, group: bool = False) -> str:
    """Return the normalised name to store; raise InvalidName (with the Dutch reason) if it breaks the rule."""
    name = normalise(value)
    problem = "Vul een naam in." if not name else name_problem(name, group=group)
    if problem:
        raise InvalidName(problem)
    return name


TEXT_PROBLEM = ("Deze tekst bevat een onzichtbaar teken of stuurteken. Typ de tekst opnieuw, zonder hem te "
                "kopiëren en plakken.")
_LINE_BREAKS = set("\n\r\t")


def text_problem(value: str, *, multiline: bool = True) -> str | None:
    """A Dutch reason why free text (a reflection, an answer, feedback, a search) cannot be stored, or None.

    Refused: NUL and the other control characters (PostgreSQL cannot store NUL; the rest is never typed)
    and lone surrogates (they cannot be encoded at all). Line breaks and tabs pass in multi-line text.
    """
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs" or (category == "Cc" and not (multiline and char in _LINE_BREAKS)):
            return TEXT_PROBLEM
    return None


def markup(value: str | None) -> str:
    """Text as it may go into reportlab's paragraph markup: printable, with & < > written as entities."""
    return printable(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def printable(value: str | None) -> str:
    """Drop the characters the name rule forbids, for rows stored before the rule (exports, PDFs)."""
    return "".join(char for char in (value or "") if unicodedata.category(char) not in _FORBIDDEN_CATEGORIES)


# The one rule for every date and moment a user sees or exports: Dutch time. The database stores moments
# in UTC without tzinfo (utcnow); a moment at 00:30 on 1 January in Amsterdam is 23:30 UTC the day before.
DUTCH_TIME = get_timezone("Europe/Amsterdam")


def local_date(moment: datetime) -> date:
    """The day in Dutch time of a stored moment (UTC, without tzinfo)."""
    return moment.replace(tzinfo=timezone.utc).astimezone(DUTCH_TIME).date()


def local_today(now: datetime | None = None) -> date:
    """Today in Dutch time (of `now`, a stored-style UTC moment, when given)."""
    return local_date(now or utcnow())


def utc_start_of(day: date) -> datetime:
    """The stored-style UTC moment at which a day in Dutch time begins (for period filters in SQL)."""
    local = datetime.combine(day, datetime.min.time()).replace(tzinfo=DUTCH_TIME)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def dutch_date(value: date | datetime | None) -> str:
    """A date as Dutch readers write it: '30 november 2026' (Babel's Dutch month names); '' for None.

    A datetime is a stored moment (UTC): its day in Dutch time is shown, as dutch_datetime does.
    """
    if not value:
        return ""
    return _dutch_day(local_date(value) if isinstance(value, datetime) else value)


@lru_cache(maxsize=4096)
def _dutch_day(day: date) -> str:
    # Babel takes about 70 µs a date; a team table of 500 shows up to 2,500 dates, mostly the same few hundred.
    return format_date(day, "d MMMM y", locale="nl")


def dutch_datetime(value: datetime | None) -> str:
    """A moment as Dutch readers write it, in Dutch time: '30 november 2026 om 14:05'; '' for None."""
    if not value:
        return ""
    return format_datetime(value, "d MMMM y 'om' HH:mm", tzinfo=DUTCH_TIME, locale="nl")


def slugify(value: str) -> str:
    """The one slug rule: lower-case ASCII letters and digits, words joined by '-' ('Zoë Brûlé' -> 'zoe-brule')."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def dutch_hours(hours: float) -> str:
    """Hours in Dutch notation: 7 -> '7', 1.75 -> '1,75'."""
    return f"{hours:g}".replace(".", ",")
