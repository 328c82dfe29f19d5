"""The team report managers read: every member's progress, counts, filters, and one member's detail."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.catalog import Course, Module
from course.models import Certificate, QuizAttempt, Team, TeamMembership, User
from course.progress import CourseProgress, ModuleProgress, Status, no_progress, progress_and_activity, progress_for
from course.text import local_today

# What a team table reads, by table and column. The tables each worker keeps (course/teams/cache.py) are right
# only while a change to each COUNTED column counts users.progress_version (memberships: teams.members_version)
# up, by a database trigger in the same transaction (migrations 44425360db4e, a1f3c9d20e57, c9e1d7f4a2b3). Rows of `users`
# come and go with their memberships, so for users only updates count. tests/test_team_cache.py records the SQL
# a team table sends and fails on a column read that is declared in neither list, and on a counted column that
# no live trigger covers, on SQLite and PostgreSQL after all migrations: showing a new column means declaring
# it here and adding its trigger.
COUNTED: dict[str, tuple[str, ...]] = {
    "users": ("name", "email"),
    "team_memberships": ("team_id", "user_id", "joined_at"),
    "lesson_progress": ("user_id", "module_slug", "lesson_slug", "completed_at"),
    "module_completions": ("user_id", "module_slug", "completed_at"),
    "certificates": ("user_id", "scope", "code", "revoked_at"),
    "practice_submissions": ("user_id", "module_slug", "status"),
    "quiz_attempts": ("user_id", "submitted_at", "passed", "module_slug"),
}
# Read without a counter, and why: row ids never change; progress_version is the counter itself; the team's
# own row (name, target date, members_version) is read afresh on every view.
UNCOUNTED: dict[str, tuple[str, ...]] = {
    "users": ("id", "progress_version"),
    "lesson_progress": ("id",),
    "quiz_attempts": ("id",),
    "teams": ("*",),  # every column: the team row is loaded per view; the kept rows never show it
}


class Member(NamedTuple):
    """The little the team table needs of a member's account, read as a plain row (no ORM object)."""
    id: int
    name: str
    email: str


@dataclass(frozen=True)
class Row:
    user: Member
    joined_at: datetime
    progress: CourseProgress
    overdue: bool
    last_active: datetime | None = None  # latest lesson finished or quiz handed in
    # Worked out once: counting, filtering, sorting and the table each ask for them, 500 times per team.
    status: Status = field(init=False)
    percent: int = field(init=False)
    name_key: str = field(init=False)  # the name as it sorts and is searched

    def __post_init__(self):
        object.__setattr__(self, "status", self.progress.status)
        object.__setattr__(self, "percent", self.progress.percent)
        object.__setattr__(self, "name_key", self.user.name.lower())

    @property
    def modules(self) -> tuple[ModuleProgress, ...]:
        return self.progress.modules


@dataclass
class TeamReport:
    team: Team
    course: Course
    rows: list[Row] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(r.status is status for r in self.rows)

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
STATUS_FILTERS.update({s.value: (lambda status: lambda r: r.status is status)(s) for s in Status})
SORTS = {
    "te-laat": lambda r: (not r.overdue, r.name_key, r.user.id),  # the default: who is behind, first
    "naam": lambda r: (r.name_key, r.user.id),
    "voortgang": lambda r: (-r.percent, r.name_key),
    "status": lambda r: (r.status.rank, r.name_key),
}


def team_members(session: Session, team: Team) -> list[tuple[int, str, str, datetime, int]]:
    """(id, name, e-mail, joined, progress version) of every member, as plain rows."""
    return [tuple(row) for row in session.execute(
        select(User.id, User.name, User.email, TeamMembership.joined_at, User.progress_version)
        .join(TeamMembership, TeamMembership.user_id == User.id).where(TeamMembership.team_id == team.id))]


def member_rows(session: Session, course: Course, team: Team, members, today: date, user_ids=None) -> list[Row]:
    """The table rows of these members (team_members' tuples): their progress and last activity in one query.

    `user_ids` selects whose progress is read: a subquery or a list (the team's members when None).
    """
    if user_ids is None:
        user_ids = select(TeamMembership.user_id).where(TeamMembership.team_id == team.id).scalar_subquery()
    progress, active = progress_and_activity(session, course, user_ids, activity=True)
    late = bool(team.target_date and team.target_date < today)
    nobody = no_progress(course)
    rows = []
    for user_id, name, email, joined_at, *_ in members:
        mine = progress.get(user_id, nobody)
        rows.append(Row(Member(user_id, name, email), joined_at, mine, late and not mine.completed,
                        active.get(user_id)))
    rows.sort(key=SORTS["naam"])
    return rows


def team_report(session: Session, course: Course, team: Team, today: date | None = None) -> TeamReport:
    """Every member's progress per module and for the course, and when each was last active, in two queries.

    Built afresh; the team page takes it from course/teams/cache.py, which builds it the same way.
    """
    today = today or local_today()
    members = team_members(session, team)
    return TeamReport(team=team, course=course, rows=member_rows(session, course, team, members, today))


@dataclass(frozen=True)
class TeamSummary:
    team: Team
    members: int
    finished: int
    started: int
    overdue: int


def team_summaries(session: Session, course: Course, teams: list[Team], today: date | None = None) -> list[TeamSummary]:
    """The counts of many teams at once (the "Mijn teams" page), in a fixed number of queries."""
    today = today or local_today()
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
    rows = [r for r in report.rows if keep(r) and (not needle or needle in r.name_key)]
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
