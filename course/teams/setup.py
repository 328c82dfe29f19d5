"""Setting up: organisations, teams and their managers (the administrator's work)."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course.audit import record as record_audit
from course.errors import AlreadyExists, NotFound
from course.models import AuditEvent, Organisation, Team, TeamCoach, TeamManager, User
from course.teams.access import is_manager
from course.text import clean_name, utcnow

INVITE_DAYS = 14  # how long an invitation link works


def create_organisation(session: Session, actor: User | None, name: str, kind: str = "kinderopvang") -> Organisation:
    """Create an organisation; raise AlreadyExists if the name is taken, InvalidName if it breaks the rule."""
    name = clean_name(name, group=True)
    if session.scalar(select(Organisation.id).where(func.lower(Organisation.name) == name.lower())):
        raise AlreadyExists(f"Er bestaat al een organisatie met de naam ‘{name}’.")
    organisation = Organisation(name=name, kind=kind)
    session.add(organisation)
    session.flush()
    record_audit(session, actor, "organisatie aangemaakt", detail=name)
    session.commit()
    return organisation


def new_invite_token() -> str:
    """A random, unguessable token for an invitation link."""
    return secrets.token_urlsafe(18)


# No 0/O, 1/I/L: a short code is read aloud or copied from paper (the same letters as the migration uses).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_join_code(session: Session) -> str:
    """A short code for a team's invitation that no other team has (32^8: not guessable in the rate limit)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(Team.id).where(Team.join_code == code)) is None:
            return code


def create_team(session: Session, actor: User | None, organisation: Organisation, name: str) -> Team:
    """Create a team with a fresh invitation link; raise AlreadyExists on a duplicate name."""
    name = clean_name(name, group=True)
    if session.scalar(select(Team.id).where(Team.organisation_id == organisation.id,
                                            func.lower(Team.name) == name.lower())):
        raise AlreadyExists(f"{organisation.name} heeft al een team met de naam ‘{name}’.")
    team = Team(organisation_id=organisation.id, name=name, invite_token=new_invite_token(),
                join_code=new_join_code(session), invite_expires_at=utcnow() + timedelta(days=INVITE_DAYS))
    session.add(team)
    session.flush()
    record_audit(session, actor, "team aangemaakt", team=team, detail=f"{organisation.name} / {name}")
    session.commit()
    return team


def _commit_unless_raced(session: Session) -> bool:
    """Commit an appointment; False when a second click or tab made the same row first (nothing changes)."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


# Appointing oneself is allowed (a small team may have one manager who also coaches) but never silent:
# it gets an action of its own in the audit log, and the team page shows it to the other managers.
SELF_COACH, SELF_MANAGER = "zichzelf als coach benoemd", "zichzelf als leidinggevende benoemd"


def _self(actor: User | None, user: User) -> bool:
    return actor is not None and actor.id == user.id


def self_appointments(session: Session, team: Team) -> list[tuple[str, str, datetime]]:
    """(name, action, when) of everyone who appointed themself coach or manager of this team, newest first."""
    return [(name, action, at) for name, action, at in session.execute(
        select(User.name, AuditEvent.action, AuditEvent.at).join(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.team_id == team.id, AuditEvent.action.in_((SELF_COACH, SELF_MANAGER)))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(20))]


def appoint_manager(session: Session, actor: User | None, team: Team, user: User) -> bool:
    """Make user a manager of team; False if they already were."""
    if is_manager(session, user, team):
        return False
    session.add(TeamManager(team_id=team.id, user_id=user.id))
    record_audit(session, actor, SELF_MANAGER if _self(actor, user) else "leidinggevende benoemd", team=team,
                 subject=user)
    return _commit_unless_raced(session)


def revoke_manager(session: Session, actor: User, team: Team, user: User) -> None:
    """Take away a manager's role for a team (audited); NotFound if they were not its manager."""
    _remove_role(session, actor, team, user, TeamManager, "leidinggevende ingetrokken")


def managers_of(session: Session, team: Team) -> list[User]:
    """The managers of a team, by name."""
    return list(session.scalars(select(User).join(TeamManager, TeamManager.user_id == User.id)
                                .where(TeamManager.team_id == team.id).order_by(User.name)))


def find_organisation(session: Session, name_or_id: str) -> Organisation | None:
    """The organisation with this number, or with this name (compared case-insensitively)."""
    if name_or_id.isascii() and name_or_id.isdigit() and len(name_or_id) < 10:
        return session.get(Organisation, int(name_or_id))
    return session.scalar(select(Organisation).where(func.lower(Organisation.name) == name_or_id.strip().lower()))


def organisations_with_team_counts(session: Session) -> list[tuple[Organisation, int]]:
    """Every organisation with its number of teams, by name, in one query."""
    return [(organisation, n) for organisation, n in session.execute(
        select(Organisation, func.count(Team.id)).outerjoin(Team, Team.organisation_id == Organisation.id)
        .group_by(Organisation.id).order_by(Organisation.name))]


COACH_ROLES = ("Pedagogisch coach", "Pedagogisch beleidsmedewerker", "Bemiddelingsmedewerker gastouderbureau",
               "Leidinggevende")


BEMIDDELING = COACH_ROLES[2]


def default_coach_role(team: Team) -> str:
    """A gastouderbureau's coaches are its bemiddelingsmedewerkers; elsewhere a pedagogisch coach."""
    return BEMIDDELING if team.organisation.kind == "gastouderbureau" else COACH_ROLES[0]


def appoint_coach(session: Session, actor: User | None, team: Team, user: User, role: str | None = None) -> bool:
    """Make user a coach of team (or change their role); False if they already were, with this role."""
    role = role or default_coach_role(team)
    row = session.scalar(select(TeamCoach).where(TeamCoach.team_id == team.id, TeamCoach.user_id == user.id))
    if row is not None and row.role == role:
        return False
    if row is None:
        session.add(TeamCoach(team_id=team.id, user_id=user.id, role=role))
    else:
        row.role = role
    record_audit(session, actor, SELF_COACH if _self(actor, user) else "coach benoemd", team=team, subject=user,
                 detail=role)
    return _commit_unless_raced(session)


def revoke_coach(session: Session, actor: User, team: Team, user: User) -> None:
    """Take the coach role away; hand-ins waiting for review stay waiting, for another coach of the team."""
    _remove_role(session, actor, team, user, TeamCoach, "coach ingetrokken")


def coaches_of(session: Session, team: Team) -> list[tuple[User, str]]:
    """The team's coaches with their roles, by name."""
    return [(user, role) for user, role in session.execute(
        select(User, TeamCoach.role).join(TeamCoach, TeamCoach.user_id == User.id)
        .where(TeamCoach.team_id == team.id).order_by(User.name))]


def _remove_role(session: Session, actor: User, team: Team, user: User, role_model, action: str) -> None:
    """Delete a team role row (manager or coach) with its audit entry; NotFound if the user does not have it."""
    row = session.scalar(select(role_model).where(role_model.team_id == team.id, role_model.user_id == user.id))
    if row is None:
        raise NotFound()
    session.delete(row)
    record_audit(session, actor, action, team=team, subject=user)
    session.commit()
