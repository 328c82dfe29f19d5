"""The team report managers read: every member's progress, counts, filters, and one member's detail."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course.catalog import Course, Module
from course.progress import CourseProgress, ModuleProgress, Status, no_progress, progress_for
from course.models import Certificate, LessonProgress, QuizAttempt, Team, TeamMembership, User, utcnow


@dataclass(frozen=True)
class Row:
    user: User
    joined_at: datetime
    progress: CourseProgress
    overdue: bool
    last_active: datetime | None = None  # latest lesson finished or quiz handed in

    @property
    def modules(self) -> tuple[ModuleProgress, ...]:
        return self.progress.modules

    @property
    def percent(self) -> int:
        return self.progress.percent


@dataclass
class TeamReport:
    team: Team
    course: Course
    rows: list[Row] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(r.progress.status is status for r in self.rows)

    @property
    def finished(self) -> int:
        return self.count(Status.DONE)

    @property
    def started(self) -> int:
        return self.count(Status.IN_PROGRESS)

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.rows)


STATUS_FILTERS = {"alle": lambda r: True, "te-laat": lambda r: r.overdue}
STATUS_FILTERS.update({s.value: (lambda status: lambda r: r.progress.status is status)(s) for s in Status})
SORTS = {
    "te-laat": lambda r: (not r.overdue, r.user.name.lower(), r.user.id),  # the default: who is behind, first
    "naam": lambda r: (r.user.name.lower(), r.user.id),
    "voortgang": lambda r: (-r.percent, r.user.name.lower()),
    "status": lambda r: (r.progress.status.rank, r.user.name.lower()),
}


def team_report(session: Session, course: Course, team: Team, today: date | None = None) -> TeamReport:
    """Every member's progress per module and for the course, in a fixed number of queries."""
    today = today or utcnow().date()
    member_ids = select(TeamMembership.user_id).where(TeamMembership.team_id == team.id).scalar_subquery()
    members = session.execute(
        select(User, TeamMembership.joined_at).join(TeamMembership, TeamMembership.user_id == User.id)
        .where(TeamMembership.team_id == team.id)
    ).all()
    progress = progress_for(session, course, member_ids)
    active = last_activity(session, member_ids)
    report = TeamReport(team=team, course=course)
    for user, joined_at in members:
        mine = progress.get(user.id) or no_progress(course)
        overdue = bool(team.target_date and team.target_date < today and not mine.completed)
        report.rows.append(Row(user, joined_at, mine, overdue, active.get(user.id)))
    report.rows.sort(key=SORTS["naam"])
    return report


def last_activity(session: Session, user_ids) -> dict[int, datetime]:
    """When each learner last finished a lesson or handed in a quiz, read from those rows (two queries).

    Derived instead of stored: writing a "last seen" time on every request is what we avoid.
    """
    latest: dict[int, datetime] = {}
    for column, user_column, where in (
            (LessonProgress.completed_at, LessonProgress.user_id, LessonProgress.user_id.in_(user_ids)),
            (QuizAttempt.submitted_at, QuizAttempt.user_id, QuizAttempt.user_id.in_(user_ids))):
        for user_id, at in session.execute(select(user_column, func.max(column)).where(where)
                                           .group_by(user_column)):
            if at is not None and (user_id not in latest or at > latest[user_id]):
                latest[user_id] = at
    return latest


@dataclass(frozen=True)
class TeamSummary:
    team: Team
    members: int
    finished: int
    started: int
    overdue: int


def team_summaries(session: Session, course: Course, teams: list[Team], today: date | None = None) -> list[TeamSummary]:
    """The counts of many teams at once (the "Mijn teams" page), in a fixed number of queries."""
    today = today or utcnow().date()
    team_ids = [team.id for team in teams]
    memberships = session.execute(select(TeamMembership.team_id, TeamMembership.user_id)
                                  .where(TeamMembership.team_id.in_(team_ids))).all()
    member_ids = select(TeamMembership.user_id).where(TeamMembership.team_id.in_(team_ids)).scalar_subquery()
    progress = progress_for(session, course, member_ids)
    nobody = no_progress(course)
    by_team: dict[int, list[CourseProgress]] = {team_id: [] for team_id in team_ids}
    for team_id, user_id in memberships:
        by_team[team_id].append(progress.get(user_id, nobody))
    summaries = []
    for team in teams:
        members = by_team[team.id]
        late = bool(team.target_date and team.target_date < today)
        summaries.append(TeamSummary(team, len(members), sum(p.status is Status.DONE for p in members),
                                     sum(p.status is Status.IN_PROGRESS for p in members),
                                     sum(late and not p.completed for p in members)))
    return summaries


def filtered(report: TeamReport, *, status: str = "alle", search: str = "", sort: str = "naam") -> list[Row]:
    """The report's rows after the manager's filter, name search and sort order."""
    keep = STATUS_FILTERS.get(status, STATUS_FILTERS["alle"])
    needle = search.strip().lower()
    rows = [r for r in report.rows if keep(r) and (not needle or needle in r.user.name.lower())]
    return sorted(rows, key=SORTS.get(sort, SORTS["naam"]))


@dataclass(frozen=True)
class MemberDetail:
    user: User
    progress: CourseProgress  # lesson by lesson, per module and for the course
    attempts: list[QuizAttempt]
    certificates: list[Certificate]

    @property
    def lessons(self) -> dict[tuple[str, str], datetime]:
        return self.progress.done

    @property
    def last_active(self) -> datetime | None:
        """The latest lesson finished or quiz handed in."""
        times = [*self.progress.done.values(), *(a.submitted_at for a in self.attempts if a.submitted_at)]
        return max(times, default=None)

    def attempts_for(self, module: Module) -> list[QuizAttempt]:
        return [a for a in self.attempts if a.module_slug == module.slug and a.submitted_at]


def member_detail(session: Session, course: Course, user: User) -> MemberDetail:
    """What a manager may see of one member: progress per lesson and module, quiz scores and dates, certificates."""
    progress = progress_for(session, course, [user.id], lessons=True)[user.id]
    attempts = list(session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user.id)
                                    .order_by(QuizAttempt.submitted_at)))
    certificates = list(session.scalars(select(Certificate).where(Certificate.user_id == user.id,
                                                                  Certificate.revoked_at.is_(None))
                                        .order_by(Certificate.issued_at)))
    return MemberDetail(user, progress, attempts, certificates)
