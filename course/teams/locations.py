"""Locations of an organisation with their LRK number (Landelijk Register Kinderopvang), and tying a team to one."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course.audit import record as record_audit
from course.errors import AlreadyExists, DomainError
from course.models import Organisation, Team, User
from course.models_records import Location
from course.text import clean_name


class InvalidLrk(DomainError):
    """An LRK number that is not a number."""


def clean_lrk(value: str | None) -> str | None:
    """The LRK number as digits (spaces and dots dropped), None when empty; InvalidLrk otherwise."""
    digits = "".join(ch for ch in (value or "") if ch not in " .")
    if not digits:
        return None
    if not digits.isdigit() or not 4 <= len(digits) <= 20:
        raise InvalidLrk("Een LRK-nummer bestaat alleen uit cijfers. Neem het over uit het Landelijk Register Kinderopvang.")
    return digits


def set_organisation_lrk(session: Session, actor: User | None, organisation: Organisation, lrk: str | None) -> None:
    organisation.lrk_number = clean_lrk(lrk)
    record_audit(session, actor, "LRK-nummer organisatie", detail=f"{organisation.name}: {organisation.lrk_number or '-'}")
    session.commit()


def add_location(session: Session, actor: User | None, organisation: Organisation, name: str,
                 lrk: str | None = None) -> Location:
    """Add a location; AlreadyExists when the organisation has one by that name."""
    name = clean_name(name, group=True)
    if session.scalar(select(Location.id).where(Location.organisation_id == organisation.id,
                                                func.lower(Location.name) == name.lower())):
        raise AlreadyExists(f"{organisation.name} heeft al een locatie met de naam ‘{name}’.")
    location = Location(organisation_id=organisation.id, name=name, lrk_number=clean_lrk(lrk))
    session.add(location)
    record_audit(session, actor, "locatie aangemaakt", detail=f"{organisation.name} / {name}")
    session.commit()
    return location


def tie_team(session: Session, actor: User | None, team: Team, location: Location | None) -> None:
    """Tie a team to a location of its own organisation (None: to none)."""
    if location is not None and location.organisation_id != team.organisation_id:
        raise DomainError("Die locatie hoort bij een andere organisatie.")
    team.location_id = location.id if location else None
    record_audit(session, actor, "team aan locatie gekoppeld", team=team, detail=location.name if location else "geen")
    session.commit()
