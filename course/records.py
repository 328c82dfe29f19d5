"""The training record: per employee and module, what was followed in a period, with hours and proof.

For the yearly opleidingsplan (cao Kinderopvang) and the personnel file. A row is a learner and a
module whose study ran during the period (started before its end, not completed before its start).
Its screen hours count in the period it was completed in, its practice hours (with the praktijkverklaring's
code) in the period the practice was signed off in; both from the catalog (Module.screen_hours and
practice_hours), so a learner who did everything adds up to the course's study load. Fixed number of
queries, whatever the number of learners.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course.catalog import Course
from course.certificates import verify_url
from course.models import (Certificate, LessonProgress, ModuleCompletion, Organisation, QuizAttempt, Team,
                           TeamMembership, User)
from course.models_records import Location
from course.practice import scope as practice_scope
from course.text import dutch_date


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


@dataclass(frozen=True)
class RecordRow:
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


@dataclass(frozen=True)
class Member:
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


def members_in(session: Session, organisation: Organisation, team_ids: list[int] | None,
               location_id: int | None = None) -> list[Member]:
    """The organisation's team members (in these teams, at this location); each learner once, in their first team."""
    query = (select(User.id, User.name, User.email, Team.id, Team.name, Location.id, Location.name, Location.lrk_number)
             .join(TeamMembership, TeamMembership.user_id == User.id).join(Team, Team.id == TeamMembership.team_id)
             .outerjoin(Location, Location.id == Team.location_id).where(Team.organisation_id == organisation.id)
             .order_by(User.name, User.id, Team.name))
    if team_ids is not None:
        query = query.where(Team.id.in_(team_ids))
    if location_id is not None:
        query = query.where(Team.location_id == location_id)
    seen, members = set(), []
    for user_id, name, email, team_id, team, location_id_, location, lrk in session.execute(query):
        if user_id not in seen:
            seen.add(user_id)
            members.append(Member(user_id, name, email, team_id, team, location_id_, location or "", lrk or ""))
    return members


def training_record(session: Session, course: Course, organisation: Organisation, period: Period, base_url: str,
                    members: list[Member]) -> TrainingRecord:
    """Every member's modules in the period: dates, hours, quiz score and certificate, in four queries."""
    record = TrainingRecord(organisation, period, members)
    ids = [m.user_id for m in members]
    if not ids:
        return record
    chunks = [ids[i:i + 900] for i in range(0, len(ids), 900)]  # stays under SQLite's parameter limit
    starts: dict[tuple[int, str], datetime] = {}
    completions: dict[tuple[int, str], tuple[datetime, float | None]] = {}
    codes: dict[tuple[int, str], tuple[str, datetime]] = {}  # (user, scope): (code, issued at)
    for chunk in chunks:
        for user_id, slug, at in session.execute(
                select(LessonProgress.user_id, LessonProgress.module_slug, func.min(LessonProgress.completed_at))
                .where(LessonProgress.user_id.in_(chunk)).group_by(LessonProgress.user_id, LessonProgress.module_slug)):
            starts[(user_id, slug)] = at
        for user_id, slug, at, score in session.execute(
                select(ModuleCompletion.user_id, ModuleCompletion.module_slug, ModuleCompletion.completed_at,
                       QuizAttempt.score).outerjoin(QuizAttempt, QuizAttempt.id == ModuleCompletion.attempt_id)
                .where(ModuleCompletion.user_id.in_(chunk))):
            completions[(user_id, slug)] = (at, score)
        for user_id, scope, code, at in session.execute(
                select(Certificate.user_id, Certificate.scope, Certificate.code, Certificate.issued_at)
                .where(Certificate.user_id.in_(chunk), Certificate.revoked_at.is_(None))):
            codes[(user_id, scope)] = (code, at)
    for member in members:
        for module in course.modules:
            key = (member.user_id, module.slug)
            started = starts.get(key)
            done_at, score = completions.get(key, (None, None))
            started_day = (started or done_at).date() if (started or done_at) else None
            done_day = done_at.date() if done_at else None
            practice_code, signed_at = codes.get((member.user_id, practice_scope(module)), ("", None))
            signed = period.holds(signed_at.date() if signed_at else None)
            if not signed and (started_day is None or started_day > period.end or (done_day and done_day < period.start)):
                continue
            in_period = period.holds(done_day)
            code = codes.get(key, ("",))[0] if in_period else ""
            practice_code = practice_code if signed else ""
            record.rows.append(RecordRow(
                member.user_id, member.name, member.email, member.team_id, member.team, member.location,
                member.lrk_number, module.number, module.title, started_day, done_day if in_period else None,
                module.screen_hours if in_period else 0.0, module.practice_hours if signed else 0.0,
                score if in_period else None, code, verify_url(base_url, code) if code else "",
                practice_code, verify_url(base_url, practice_code) if practice_code else ""))
    return record


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
    key = (lambda m: (m.team, "")) if by == "team" else (lambda m: (m.location or "(geen locatie)", m.lrk_number))
    groups: dict[tuple[str, str], list[Member]] = defaultdict(list)
    for member in record.members:
        groups[key(member)].append(member)
    rows_by_user: dict[int, list[RecordRow]] = defaultdict(list)
    for row in record.rows:
        rows_by_user[row.user_id].append(row)
    modules = len(course.modules)
    result = []
    for (name, lrk), members in sorted(groups.items(), key=lambda item: item[0][0].lower()):
        mine = [rows_by_user[m.user_id] for m in members]
        result.append(Summary(name, lrk, len(members), sum(bool(r) for r in mine),
                              sum(row.completed is not None for r in mine for row in r),
                              sum(row.hours for r in mine for row in r),
                              sum(sum(row.completed is not None for row in r) == modules for r in mine)))
    return result


def period_certificates(session: Session, record: TrainingRecord) -> list[Certificate]:
    """The valid certificates the record's members received in the period (for the ZIP)."""
    ids = [m.user_id for m in record.members]
    found: list[Certificate] = []
    for start in range(0, len(ids), 900):
        found += session.scalars(select(Certificate).where(
            Certificate.user_id.in_(ids[start:start + 900]), Certificate.revoked_at.is_(None),
            Certificate.issued_at >= datetime.combine(record.period.start, datetime.min.time()),
            Certificate.issued_at <= datetime.combine(record.period.end, datetime.max.time())))
    return sorted(found, key=lambda c: (c.user_id or 0, c.issued_at))
