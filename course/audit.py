"""The audit log: record who did what to whom, and read it back a page at a time."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from course.models import AuditEvent, Team, User

PER_PAGE = 50


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    actor: str | None
    subject: str | None
    team: str | None


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    page: int
    pages: int
    total: int
    actions: list[str]


def record(session: Session, actor: User | None, action: str, *, team: Team | None = None,
           subject: User | None = None, detail: str = "") -> None:
    """Add an audit event to the session (committed with the action it records)."""
    session.add(AuditEvent(actor_id=actor.id if actor else None, action=action, team_id=team.id if team else None,
                           subject_id=subject.id if subject else None, detail=detail[:500]))


def read_page(session: Session, *, page: int = 1, person: str = "", action: str = "",
              per_page: int = PER_PAGE) -> AuditPage:
    """One page of the log, newest first, optionally for one person (as actor or subject) and one action.

    `person` matches part of a name or e-mail address. Three queries, whatever the page size.
    """
    actor, subject = aliased(User), aliased(User)
    query = (select(AuditEvent, actor.name, subject.name, Team.name)
             .outerjoin(actor, actor.id == AuditEvent.actor_id)
             .outerjoin(subject, subject.id == AuditEvent.subject_id)
             .outerjoin(Team, Team.id == AuditEvent.team_id))
    if person.strip():
        pattern = f"%{_escape_like(person.strip().lower())}%"
        query = query.where(or_(*(func.lower(column).like(pattern, escape="\\")
                                  for column in (actor.name, actor.email, subject.name, subject.email))))
    if action:
        query = query.where(AuditEvent.action == action)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = [AuditRow(event, actor_name, subject_name, team_name) for event, actor_name, subject_name, team_name
            in session.execute(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                               .limit(per_page).offset((page - 1) * per_page))]
    actions = list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
    return AuditPage(rows, page, pages, total, actions)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
