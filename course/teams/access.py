"""Who may see what: managers of a team, an administrator's view of every team, a team's members."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from course.errors import NotFound
from course.models import Organisation, Team, TeamCoach, TeamManager, TeamMembership, User


def is_manager(session: Session, user: User, team: Team) -> bool:
    """Whether this user manages this team (an administrator is not a manager by that alone)."""
    return session.scalar(select(TeamManager.id).where(TeamManager.team_id == team.id,
                                                       TeamManager.user_id == user.id)) is not None


def can_manage(session: Session, user: User, team: Team) -> bool:
    """Managers of the team and administrators may see a team's pages and exports."""
    return bool(user.is_admin) or is_manager(session, user, team)


def managed_teams(session: Session, user: User) -> list[Team]:
    """The teams a user manages (every team, for an administrator), by organisation and name."""
    query = (select(Team).join(Organisation).options(contains_eager(Team.organisation))
             .order_by(Organisation.name, Team.name))
    if not user.is_admin:
        query = query.join(TeamManager, TeamManager.team_id == Team.id).where(TeamManager.user_id == user.id)
    return list(session.scalars(query))




def teams_of_member(session: Session, user: User) -> list[Team]:
    """The teams the user is a member of, by name."""
    return list(session.scalars(select(Team).join(TeamMembership, TeamMembership.team_id == Team.id)
                                .where(TeamMembership.user_id == user.id).order_by(Team.name)))


def member_of(session: Session, team: Team, user_id: int) -> User:
    """A member of this team; NotFound for anyone else."""
    user = session.scalar(select(User).join(TeamMembership, TeamMembership.user_id == User.id)
                          .where(TeamMembership.team_id == team.id, User.id == user_id))
    if user is None:
        raise NotFound()
    return user


def is_coach(session: Session, user: User, team: Team) -> bool:
    return session.scalar(select(TeamCoach.id).where(TeamCoach.team_id == team.id,
                                                     TeamCoach.user_id == user.id)) is not None


def coached_teams(session: Session, user: User) -> list[Team]:
    """The teams a user coaches (administrators too: coaching is a role of its own, not a right of beheer)."""
    return list(session.scalars(select(Team).join(TeamCoach, TeamCoach.team_id == Team.id)
                                .where(TeamCoach.user_id == user.id).order_by(Team.name)))


def coach_of_member(session: Session, coach: User, learner_id: int) -> tuple[Team, str] | None:
    """(team, the coach's role there) when the coach coaches a team the learner is a member of; else None.

    Four eyes: never for the coach's own work, whatever roles they hold (coach and member of one team,
    or a manager who appointed themself coach and joined).
    """
    if learner_id == coach.id:
        return None
    row = session.execute(
        select(Team, TeamCoach.role).join(TeamCoach, TeamCoach.team_id == Team.id)
        .join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamCoach.user_id == coach.id, TeamMembership.user_id == learner_id).order_by(Team.id).limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def has_coach(session: Session, learner: User) -> bool:
    """Whether any team of the learner has a coach other than the learner (who could sign off a hand-in)."""
    return session.scalar(select(TeamCoach.id).join(TeamMembership, TeamMembership.team_id == TeamCoach.team_id)
                          .where(TeamMembership.user_id == learner.id, TeamCoach.user_id != learner.id)
                          .limit(1)) is not None
