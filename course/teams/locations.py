"""Locations of an organisation with their LRK number (Landelijk Register Kinderopvang), and tying a team to one."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from course.audit import record as record_audit
from course.errors import AlreadyExists, DomainError
from course.models import Location, Organisation, Team, User
from course.text import clean_name

LRK_DIGITS = 12  # every number in the Landelijk Register Kinderopvang has twelve digits


class InvalidLrk(DomainError):
    """An LRK number that is not twelve digits."""


def clean_lrk(value: str | None) -> str | None:
    """The LRK number as its 12 digits (spaces and dots dropped), None when empty; InvalidLrk otherwise."""
    digits = "".join(ch for ch in (value or "") if ch not in " .")
    if not digits:
        return None
    if not (digits.isascii() and digits.isdigit() and len(digits) == LRK_DIGITS):
        raise InvalidLrk("Een LRK-nummer bestaat alleen uit cijfers: precies 12, bijvoorbeeld 123456789012. Neem het "
                         "over uit het Landelijk Register Kinderopvang.")
    return digits


def set_organisation_lrk(session: Session, actor: User | None, organisation: Organisation, lrk: str | None) -> None:
    organisation.lrk_number = clean_lrk(lrk)
    record_audit(session, actor, "LRK-nummer organisatie", detail=f"{organisation.name}: {organisation.lrk_number or '-'}")
    session.commit()


@dataclass(frozen=True)
class LocationRow:
    location: Location
    teams: list[str]  # names of the teams tied to it


def locations_of(session: Session, organisation: Organisation) -> list[LocationRow]:
    """The organisation's locations by name, each with the names of its teams (two queries)."""
    locations = list(session.scalars(select(Location).where(Location.organisation_id == organisation.id)
                                     .order_by(func.lower(Location.name))))
    tied: dict[int, list[str]] = {}
    for location_id, name in session.execute(select(Team.location_id, Team.name).where(
            Team.organisation_id == organisation.id, Team.location_id.is_not(None)).order_by(Team.name)):
        tied.setdefault(location_id, []).append(name)
    return [LocationRow(location, tied.get(location.id, [])) for location in locations]


def _check_name_free(session: Session, organisation_id: int, name: str, organisation_name: str,
                     other_than: int | None = None) -> None:
    query = select(Location.id).where(Location.organisation_id == organisation_id,
                                      func.lower(Location.name) == name.lower())
    if other_than is not None:
        query = query.where(Location.id != other_than)
    if session.scalar(query):
        raise AlreadyExists(f"{organisation_name} heeft al een locatie met de naam ‘{name}’.")


def add_location(session: Session, actor: User | None, organisation: Organisation, name: str,
                 lrk: str | None = None) -> Location:
    """Add a location; AlreadyExists when the organisation has one by that name, InvalidLrk for a bad number."""
    name = clean_name(name, group=True)
    lrk = clean_lrk(lrk)
    _check_name_free(session, organisation.id, name, organisation.name)
    location = Location(organisation_id=organisation.id, name=name, lrk_number=lrk)
    session.add(location)
    record_audit(session, actor, "locatie aangemaakt", detail=f"{organisation.name} / {name} (LRK {lrk or '-'})")
    session.commit()
    return location


def update_location(session: Session, actor: User | None, location: Location, name: str, lrk: str | None) -> None:
    """Rename a location or change its LRK number (audited with the old and new values)."""
    organisation = session.get(Organisation, location.organisation_id)
    name, lrk = clean_name(name, group=True), clean_lrk(lrk)
    _check_name_free(session, location.organisation_id, name, organisation.name, other_than=location.id)
    before = f"{location.name} (LRK {location.lrk_number or '-'})"
    location.name, location.lrk_number = name, lrk
    record_audit(session, actor, "locatie gewijzigd",
                 detail=f"{organisation.name} / {before} -> {name} (LRK {lrk or '-'})")
    session.commit()


def remove_location(session: Session, actor: User | None, location: Location) -> int:
    """Remove a location; its teams stay, tied to no location. Returns how many teams were tied to it."""
    organisation = session.get(Organisation, location.organisation_id)
    untied = session.execute(update(Team).where(Team.location_id == location.id).values(location_id=None)).rowcount
    record_audit(session, actor, "locatie verwijderd",
                 detail=f"{organisation.name} / {location.name} (LRK {location.lrk_number or '-'}); "
                        f"{untied} team(s) losgekoppeld")
    session.delete(location)
    session.commit()
    return untied


def tie_team(session: Session, actor: User | None, team: Team, location: Location | None) -> None:
    """Tie a team to a location of its own organisation (None: to none)."""
    if location is not None and location.organisation_id != team.organisation_id:
        raise DomainError("Die locatie hoort bij een andere organisatie.")
    team.location_id = location.id if location else None
    record_audit(session, actor, "team aan locatie gekoppeld", team=team, detail=location.name if location else "geen")
    session.commit()
