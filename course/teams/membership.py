"""Joining by invitation link, leaving a team, and the team's target date."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course.audit import record as record_audit
from course.errors import InvitationProblem, NotFound
from course.models import Team, TeamMembership, User
from course.teams.setup import CODE_ALPHABET, CODE_LENGTH, INVITE_DAYS, new_invite_token, new_join_code
from course.text import utcnow


def renew_invitation(session: Session, actor: User, team: Team) -> None:
    """Replace the invitation link; the old one stops working at once."""
    team.invite_token = new_invite_token()
    team.join_code = new_join_code(session)
    team.invite_expires_at = utcnow() + timedelta(days=INVITE_DAYS)
    record_audit(session, actor, "uitnodiging vernieuwd", team=team)
    session.commit()


def team_for_invitation(session: Session, token: str) -> Team:
    """The team this invitation token belongs to; InvitationProblem if it cannot be used."""
    if not token or len(token) > 64 or not all(ch.isalnum() or ch in "-_" for ch in token):
        raise InvitationProblem("Deze uitnodigingslink klopt niet. Controleer of je de hele link hebt gekopieerd, "
                                "of vraag je leidinggevende om een nieuwe.")
    team = session.scalar(select(Team).where(Team.invite_token == token))
    if team is None:
        raise InvitationProblem("Deze uitnodigingslink werkt niet meer: je leidinggevende heeft een nieuwe link "
                                "gemaakt, of de link klopt niet. Vraag je leidinggevende om de nieuwe link.")
    if team.invite_expires_at < utcnow():
        raise InvitationProblem("Deze uitnodigingslink is verlopen. Vraag je leidinggevende om een nieuwe link.")
    return team


def normalise_code(code: str) -> str:
    """A typed code as stored: capitals, without spaces or dashes (people copy 'ABCD-EFGH' or 'abcd efgh')."""
    return "".join(ch for ch in (code or "").upper() if ch not in " -\t")


def team_for_code(session: Session, code: str) -> Team:
    """The team with this short invitation code; InvitationProblem (in Dutch) if it cannot be used."""
    code = normalise_code(code)
    if not code:
        raise InvitationProblem("Vul de code in die je van je leidinggevende of gastouderbureau hebt gekregen.")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        raise InvitationProblem(f"Een code heeft {CODE_LENGTH} letters en cijfers, zoals ABCD2345. Kijk nog eens "
                                "goed: een 0 (nul) en een 1 (één) komen in een code niet voor.")
    team = session.scalar(select(Team).where(Team.join_code == code))
    if team is None:
        raise InvitationProblem("Deze code kennen we niet. Misschien is er een nieuwe code gemaakt. Vraag je "
                                "leidinggevende of gastouderbureau om de nieuwe code.")
    if team.invite_expires_at < utcnow():
        raise InvitationProblem("Deze code is verlopen. Vraag je leidinggevende of gastouderbureau om een nieuwe.")
    return team


def join(session: Session, team: Team, user: User) -> bool:
    """Add user to the team; False (and nothing changed) if they were a member already."""
    exists = session.scalar(select(TeamMembership.id).where(TeamMembership.team_id == team.id,
                                                            TeamMembership.user_id == user.id))
    if exists:
        return False
    session.add(TeamMembership(team_id=team.id, user_id=user.id))
    try:
        session.commit()
    except IntegrityError:  # joined in another tab at the same moment
        session.rollback()
        return False
    return True


def remove_member(session: Session, actor: User, team: Team, user: User) -> None:
    """Take a member off the team; their own progress and certificates stay theirs."""
    row = session.scalar(select(TeamMembership).where(TeamMembership.team_id == team.id,
                                                      TeamMembership.user_id == user.id))
    if row is None:
        raise NotFound()
    session.delete(row)
    record_audit(session, actor, "lid verwijderd", team=team, subject=user)
    session.commit()


def set_target_date(session: Session, actor: User, team: Team, target: date | None) -> None:
    """Set or clear the team's target date (audited) and commit."""
    team.target_date = target
    record_audit(session, actor, "streefdatum ingesteld", team=team, detail=target.isoformat() if target else "geen")
    session.commit()
