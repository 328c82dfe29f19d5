"""Demo accounts for a newcomer's first run; the tests build users the same way."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from . import accounts
from .catalog import Course
from .progress import mark_lesson_done

DEMO_PASSWORD = "gehecht-en-veilig"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    name: str
    email: str


DEMO_ACCOUNTS = (
    DemoAccount("cursist, halverwege module 1", "Anouk van der Meer-Çelik", "anouk@voorbeeld.nl"),
    DemoAccount("cursist, net begonnen", "Zoë Brûlé", "zoe@voorbeeld.nl"),
    DemoAccount("leidinggevende van team De Regenboog", "Marieke de Vries", "leiding@voorbeeld.nl"),
    DemoAccount("beheerder", "Bram Beheer", "beheer@voorbeeld.nl"),
)
DEMO_ORGANISATION, DEMO_TEAM = "Kinderopvang Zonnebloem", "Locatie De Regenboog"


def create_demo_data(session: Session, course: Course) -> list[DemoAccount]:
    """Create the demo accounts if they do not exist yet; return the ones created."""
    created = []
    for account in DEMO_ACCOUNTS:
        if accounts.find_user_by_email(session, account.email):
            continue
        user = accounts.register_user(session, name=account.name, email=account.email, password=DEMO_PASSWORD,
                                      is_admin=account.role == "beheerder")
        if account.email == "anouk@voorbeeld.nl":
            first = course.modules[0]
            for lesson in first.lessons[: max(1, len(first.lessons) // 2)]:
                mark_lesson_done(session, user, lesson)
        created.append(account)
    if created:
        _demo_team(session)
    return created


def _demo_team(session: Session) -> None:
    """An organisation with one team: the manager leads it, both learners are members."""
    from sqlalchemy import select

    from . import teams
    from .models import Organisation
    if session.scalar(select(Organisation.id).where(Organisation.name == DEMO_ORGANISATION)):
        return
    organisation = teams.create_organisation(session, None, DEMO_ORGANISATION)
    team = teams.create_team(session, None, organisation, DEMO_TEAM)
    teams.appoint_manager(session, None, team, accounts.find_user_by_email(session, "leiding@voorbeeld.nl"))
    for email in ("anouk@voorbeeld.nl", "zoe@voorbeeld.nl"):
        teams.join(session, team, accounts.find_user_by_email(session, email))
