"""One privacy rule for everything a learner writes about children: initials or a made-up name, an age,
no group name, no diagnosis, no date of birth.

Before a hand-in or a reflection is saved, `findings` points out text that looks like a full name from
the learner's team, a date of birth (a date with a year), a BSN (nine digits that pass the 11-proef), a
phone number, a group name or a diagnosis. It only points out: the learner decides (save anyway, or edit).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.models import Team, TeamMembership, User

MONTHS = ("januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
          "jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec")
DATE_WITH_YEAR = re.compile(r"\b(\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)?\d{2}|\d{1,2}\s+(?:" + MONTHS + r")\.?\s+(?:19|20)\d{2}"
                            r"|(?:19|20)\d{2}-\d{1,2}-\d{1,2})\b", re.IGNORECASE)
NINE_DIGITS = re.compile(r"(?<![\d+])(\d(?:[ .]?\d){8})(?![\d])")
PHONE = re.compile(r"(?<![\d])(?:\+31|0031|0)(?:[ \-]?\(?0?\)?[ \-]?\d){9}(?![\d])")
# Conditions a childcare worker may not name about a child: the lessons teach to describe what you see.
DIAGNOSES = re.compile(r"\b(autisme|autistisch|adhd|add|pdd-nos|hechtingsstoornis|odd|gedragsstoornis|"
                       r"ontwikkelingsachterstand|syndroom van \w+|downsyndroom|fas)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    kind: str     # naam, datum, bsn, telefoon, groep, diagnose
    found: str    # the piece of text, shown only to its writer
    message: str  # what to do, in Dutch

    def __str__(self) -> str:
        return f"{self.message} (‘{self.found}’)"


MESSAGES = {
    "naam": "Dit lijkt een naam: gebruik initialen of een verzonnen naam.",
    "datum": "Dit lijkt een geboortedatum: schrijf alleen de leeftijd, bijvoorbeeld ‘2 jaar en 3 maanden’.",
    "bsn": "Dit lijkt een burgerservicenummer (BSN): laat het weg.",
    "telefoon": "Dit lijkt een telefoonnummer: laat het weg.",
    "groep": "Dit lijkt de naam van een groep of locatie: laat hem weg.",
    "diagnose": "Dit lijkt een diagnose: schrijf op wat je ziet en hoort, niet wat een kind zou hebben.",
}


def passes_eleven_test(digits: str) -> bool:
    """The 11-proef of a BSN: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11 (and not all zeros)."""
    if len(digits) != 9 or not digits.isdigit() or set(digits) == {"0"}:
        return False
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1)))
    return total % 11 == 0


def team_names(session: Session, user: User) -> tuple[list[str], list[str]]:
    """(people's names, team names) of the teams the user is in, in one query; never the user's own name."""
    mates = select(TeamMembership.team_id).where(TeamMembership.user_id == user.id).scalar_subquery()
    rows = session.execute(select(User.name, Team.name).join(TeamMembership, TeamMembership.user_id == User.id)
                           .join(Team, Team.id == TeamMembership.team_id).where(Team.id.in_(mates))).all()
    people = sorted({name for name, _ in rows if name != user.name})
    return people, sorted({team for _, team in rows})


def findings(text: str, names: list[str] = (), groups: list[str] = ()) -> list[Finding]:
    """What in this text looks like data that identifies a child, family or colleague; empty when nothing."""
    text = text or ""
    found: list[Finding] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, piece: str) -> None:
        piece = " ".join(piece.split())
        if (kind, piece.lower()) not in seen:
            seen.add((kind, piece.lower()))
            found.append(Finding(kind, piece, MESSAGES[kind]))

    for name in names:
        for variant in _name_variants(name):
            match = re.search(r"(?<!\w)" + r"\s+".join(map(re.escape, variant.split())) + r"(?!\w)", text,
                              re.IGNORECASE)
            if match:
                add("naam", match.group(0))
                break
    for group in groups:
        if len(group) >= 4:
            match = re.search(r"(?<!\w)" + re.escape(group) + r"(?!\w)", text, re.IGNORECASE)
            if match:
                add("groep", match.group(0))
    for match in DATE_WITH_YEAR.finditer(text):
        add("datum", match.group(0))
    phones = [m for m in PHONE.finditer(text)]
    for match in phones:
        add("telefoon", match.group(0))
    for match in NINE_DIGITS.finditer(text):
        if any(p.start() <= match.start() < p.end() for p in phones):
            continue
        if passes_eleven_test(re.sub(r"\D", "", match.group(1))):
            add("bsn", match.group(1))
    for match in DIAGNOSES.finditer(text):
        add("diagnose", match.group(0))
    return found


def _name_variants(name: str) -> list[str]:
    """A full name as written, and first name with the last part of the surname ('Anouk Meer-Çelik')."""
    words = name.split()
    if len(words) < 2:
        return []
    variants = [" ".join(words)]
    if len(words) > 2:
        variants.append(f"{words[0]} {words[-1]}")
    return variants


def check(session: Session, user: User, *texts: str) -> list[Finding]:
    """Findings over several texts of one learner (a hand-in's fields), each finding once."""
    people, groups = team_names(session, user)
    result, seen = [], set()
    for text in texts:
        for finding in findings(text, people, groups):
            if (finding.kind, finding.found.lower()) not in seen:
                seen.add((finding.kind, finding.found.lower()))
                result.append(finding)
    return result
