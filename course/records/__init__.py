"""The training record: per employee and module, what was followed in a period, with hours and proof.

For the yearly opleidingsplan (cao Kinderopvang) and the personnel file. A row is a learner and a
module whose study ran during the period (started before its end, not completed before its start).
Its screen hours count in the period it was completed in, its practice hours (with the praktijkverklaring's
code) in the period the practice was signed off in; both from the catalog (Module.screen_hours and
practice_hours), so a learner who did everything adds up to the course's study load. A fixed number of
queries, whatever the number of learners.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from course.catalog import Course
from course.certificates import verify_url
from course.models import (
    Certificate,
    ExternalAchievement,
    LessonProgress,
    Location,
    ModuleCompletion,
    Organisation,
    QuizAttempt,
    Team,
    TeamMembership,
    User,
)
from course.practice import scope as practice_scope
from course.text import dutch_date, local_date, utc_start_of


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included."""
    start: date
    end: date

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def is_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) \
            and self.start.year == self.end.year

    @property
    def label(self) -> str:
        """For people: '2026' or '1 maart 2026 tot en met 30 juni 2026'."""
        return str(self.start.year) if self.is_year else f"{dutch_date(self.start)} tot en met {dutch_date(self.end)}"

    @property
    def slug(self) -> str:
        """For file names: '2026' or '2026-03-01-tot-2026-06-30'."""
        return str(self.start.year) if self.is_year else f"{self.start.isoformat()}-tot-{self.end.isoformat()}"

    def holds(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


class RecordRow(NamedTuple):
    """One employee and module; a tuple, because an organisation's year has tens of thousands of them."""
    user_id: int
    name: str
    email: str
    team_id: int
    team: str
    location: str
    lrk_number: str
    module_number: int
    module_title: str
    started: date | None
    completed: date | None  # only when completed in the period
    screen_hours: float
    practice_hours: float
    quiz_score: float | None
    certificate_code: str
    certificate_url: str
    practice_code: str = ""   # the praktijkverklaring, when signed off in the period
    practice_url: str = ""

    @property
    def hours(self) -> float:
        return self.screen_hours + self.practice_hours


class Member(NamedTuple):
    """An employee in the record: one per learner, thousands per organisation."""
    user_id: int
    name: str
    email: str
    team_id: int
    team: str
    location_id: int | None
    location: str
    lrk_number: str


@dataclass
class TrainingRecord:
    organisation: Organisation
    period: Period
    members: list[Member]
    rows: list[RecordRow] = field(default_factory=list)

    @property
    def hours(self) -> float:
        return sum(r.hours for r in self.rows)

    @property
    def completions(self) -> int:
        return sum(r.completed is not None for r in self.rows)

    def rows_of(self, user_id: int) -> list[RecordRow]:
        return [r for r in self.rows if r.user_id == user_id]


def _scoped(query, organisation: Organisation, team_ids: list[int] | None, location_id: int | None,
            user_id: int | None):
    query = query.where(Team.organisation_id == organisation.id)
    if team_ids is not None:
        query = query.where(Team.id.in_(team_ids))
    if location_id is not None:
        query = query.where(Team.location_id == location_id)
    if user_id is not None:
        query = query.where(TeamMembership.user_id == user_id)
    return query


def member_ids(organisation: Organisation, team_ids: list[int] | None, location_id: int | None = None,
               user_id: int | None = None) -> Select:
    """A subquery of the ids members_in() finds, so the record's queries need no list of thousands of ids."""
    return _scoped(select(TeamMembership.user_id).join(Team, Team.id == TeamMembership.team_id),
                   organisation, team_ids, location_id, user_id)


def members_in(session: Session, organisation: Organisation, team_ids: list[int] | None,
               location_id: int | None = None, user_id: int | None = None) -> list[Member]:
    """The organisation's team members (in these teams, at this location); each learner once, in their first team."""
    query = _scoped(select(User.id, User.name, User.email, Team.id, Team.name, Location.id, Location.name,
                           Location.lrk_number)
                    .join(TeamMembership, TeamMembership.user_id == User.id).join(Team, Team.id == TeamMembership.team_id)
                    .outerjoin(Location, Location.id == Team.location_id).order_by(User.name, User.id, Team.name, Team.id),
                    organisation, team_ids, location_id, user_id)
    seen, members = set(), []
    # Plain rows through the connection: thousands of them, and the ORM would only add work per row.
    for user_id_, name, email, team_id, team, location_id_, location, lrk in session.connection().execute(query):
        if user_id_ not in seen:
            seen.add(user_id_)
            members.append(Member(user_id_, name, email, team_id, team, location_id_, location or "", lrk or ""))
    return members


def training_record(session: Session, course: Course, organisation: Organisation, period: Period, base_url: str,
                    members: list[Member], user_ids: Select | None = None) -> TrainingRecord:
    """Every member's modules in the period: dates, hours, quiz score and certificates, in three queries.

    `user_ids` selects the members' ids (member_ids()); without it their ids are sent as a list.
    """
    record = TrainingRecord(organisation, period, members)
    if not members:
        return record
    ids = user_ids if user_ids is not None else [m.user_id for m in members]
    run = session.connection().execute  # plain rows, as in members_in()
    end = utc_start_of(period.end + timedelta(days=1))
    # Only modules begun before the period ended can be in it (or signed off in it: see below).
    starts: dict[tuple[int, str], datetime] = {
        (user_id, slug): at for user_id, slug, at in run(
            select(LessonProgress.user_id, LessonProgress.module_slug, func.min(LessonProgress.completed_at))
            .where(LessonProgress.user_id.in_(ids)).group_by(LessonProgress.user_id, LessonProgress.module_slug)
            .having(func.min(LessonProgress.completed_at) < end))}
    completions: dict[tuple[int, str], tuple[datetime, float | None]] = {
        (user_id, slug): (at, score) for user_id, slug, at, score in run(
            select(ModuleCompletion.user_id, ModuleCompletion.module_slug, ModuleCompletion.completed_at,
                   QuizAttempt.score).outerjoin(QuizAttempt, QuizAttempt.id == ModuleCompletion.attempt_id)
            .where(ModuleCompletion.user_id.in_(ids)))}
    codes: dict[tuple[int, str], tuple[str, datetime]] = {  # (user, scope): (code, issued at)
        (user_id, scope): (code, at) for user_id, scope, code, at in run(
            select(Certificate.user_id, Certificate.scope, Certificate.code, Certificate.issued_at)
            .where(Certificate.user_id.in_(ids), Certificate.revoked_at.is_(None)))}
    # The catalog's hours add up the lessons: once per module, not once per row.
    modules = [(m, m.screen_hours, m.practice_hours, practice_scope(m)) for m in course.modules]
    start, last = period.start, period.end
    rows = record.rows
    for member in members:
        for module, screen_hours, practice_hours, scope in modules:
            key = (member.user_id, module.slug)
            started = starts.get(key)
            done_at, score = completions.get(key, (None, None))
            practice_code, signed_at = codes.get((member.user_id, scope), ("", None))
            signed = signed_at is not None and start <= local_date(signed_at) <= last
            if started is None and done_at is None and not signed:
                continue
            started_day = local_date(started or done_at) if (started or done_at) else None
            done_day = local_date(done_at) if done_at else None
            if not signed and (started_day is None or started_day > last or (done_day and done_day < start)):
                continue
            in_period = done_day is not None and start <= done_day <= last
            code = codes.get(key, ("",))[0] if in_period else ""
            practice_code = practice_code if signed else ""
            rows.append(RecordRow(
                member.user_id, member.name, member.email, member.team_id, member.team, member.location,
                member.lrk_number, module.number, module.title, started_day, done_day if in_period else None,
                screen_hours if in_period else 0.0, practice_hours if signed else 0.0, score if in_period else None,
                code, verify_url(base_url, code) if code else "", practice_code,
                verify_url(base_url, practice_code) if practice_code else ""))
    return record


class ExternalRow(NamedTuple):
    """Proof earned elsewhere (a verified Open Badge), kept apart from what was earned here."""
    user_id: int
    title: str
    issuer: str
    achieved: date
    hours: float | None


def external_rows(session: Session, record: TrainingRecord, user_ids: Select | None = None) -> list[ExternalRow]:
    """The members' proof from elsewhere achieved in the period ("extern behaald"), in one query."""
    if not record.members:
        return []
    ids = user_ids if user_ids is not None else [m.user_id for m in record.members]
    rows = session.execute(
        select(ExternalAchievement.user_id, ExternalAchievement.title, ExternalAchievement.issuer_name,
               ExternalAchievement.achieved_at, ExternalAchievement.hours)
        .where(ExternalAchievement.user_id.in_(ids), ExternalAchievement.achieved_at >= utc_start_of(record.period.start),
               ExternalAchievement.achieved_at < utc_start_of(record.period.end + timedelta(days=1)))
        .order_by(ExternalAchievement.user_id, ExternalAchievement.achieved_at, ExternalAchievement.id))
    return [ExternalRow(user_id, title, issuer, local_date(at), hours) for user_id, title, issuer, at, hours in rows]


@dataclass(frozen=True)
class Summary:
    """One line of the organisation view: a team or a location."""
    name: str
    lrk_number: str
    members: int
    active: int        # members who studied in the period
    completions: int   # modules completed in the period
    hours: float
    finished: int      # members who completed every module in the period


def summaries(record: TrainingRecord, course: Course, by: str) -> list[Summary]:
    """The record per team (by='team') or per location (by='location'), for the organisation view."""
    modules = len(course.modules)
    tally: dict[int, list] = {}  # user id -> [completions, hours]: one pass over the rows
    for row in record.rows:
        counts = tally.get(row.user_id)
        if counts is None:
            counts = tally[row.user_id] = [0, 0.0]
        if row.completed is not None:
            counts[0] += 1
        counts[1] += row.hours
    groups: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0, 0, 0.0, 0])
    for member in record.members:
        group = groups[(member.team, "") if by == "team" else (member.location or "(geen locatie)", member.lrk_number)]
        group[0] += 1
        counts = tally.get(member.user_id)
        if counts is not None:
            group[1] += 1
            group[2] += counts[0]
            group[3] += counts[1]
            group[4] += counts[0] == modules
    return [Summary(name, lrk, *figures) for (name, lrk), figures in sorted(groups.items(), key=lambda g: g[0][0].lower())]


def period_certificates(session: Session, record: TrainingRecord, user_ids: Select | None = None) -> list[Certificate]:
    """The valid certificates the record's members received in the period (for the ZIP), in one query."""
    if not record.members:
        return []
    ids = user_ids if user_ids is not None else [m.user_id for m in record.members]
    return list(session.scalars(select(Certificate).where(
        Certificate.user_id.in_(ids), Certificate.revoked_at.is_(None),
        Certificate.issued_at >= datetime.combine(record.period.start, datetime.min.time()),
        Certificate.issued_at < datetime.combine(record.period.end, datetime.min.time()) + timedelta(days=1))
        .order_by(Certificate.user_id, Certificate.issued_at, Certificate.id)))
