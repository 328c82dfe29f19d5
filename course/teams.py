"""Organisations, teams, managers and invitations, and the team report managers read."""
from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager

from .catalog import Course, Module
from .progress import CourseProgress, ModuleProgress, Status, no_progress, progress_for
from .errors import AlreadyExists, InvitationProblem, NotFound
from .audit import record as record_audit
from .text import clean_name, dutch_date, printable
from .models import (Certificate, Organisation, QuizAttempt, Team,
                     TeamManager, TeamMembership, User, utcnow)

INVITE_DAYS = 14






# ----- set-up (administrator) -----

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


def _new_token() -> str:
    return secrets.token_urlsafe(18)


def create_team(session: Session, actor: User | None, organisation: Organisation, name: str) -> Team:
    """Create a team with a fresh invitation link; raise AlreadyExists on a duplicate name."""
    name = clean_name(name, group=True)
    if session.scalar(select(Team.id).where(Team.organisation_id == organisation.id,
                                            func.lower(Team.name) == name.lower())):
        raise AlreadyExists(f"{organisation.name} heeft al een team met de naam ‘{name}’.")
    team = Team(organisation_id=organisation.id, name=name, invite_token=_new_token(),
                invite_expires_at=utcnow() + timedelta(days=INVITE_DAYS))
    session.add(team)
    session.flush()
    record_audit(session, actor, "team aangemaakt", team=team, detail=f"{organisation.name} / {name}")
    session.commit()
    return team


def appoint_manager(session: Session, actor: User | None, team: Team, user: User) -> bool:
    """Make user a manager of team; False if they already were."""
    if is_manager(session, user, team):
        return False
    session.add(TeamManager(team_id=team.id, user_id=user.id))
    record_audit(session, actor, "leidinggevende benoemd", team=team, subject=user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def revoke_manager(session: Session, actor: User, team: Team, user: User) -> None:
    row = session.scalar(select(TeamManager).where(TeamManager.team_id == team.id, TeamManager.user_id == user.id))
    if row is None:
        raise NotFound()
    session.delete(row)
    record_audit(session, actor, "leidinggevende ingetrokken", team=team, subject=user)
    session.commit()


def managers_of(session: Session, team: Team) -> list[User]:
    return list(session.scalars(select(User).join(TeamManager, TeamManager.user_id == User.id)
                                .where(TeamManager.team_id == team.id).order_by(User.name)))


# ----- who may see what -----

def is_manager(session: Session, user: User, team: Team) -> bool:
    return session.scalar(select(TeamManager.id).where(TeamManager.team_id == team.id,
                                                       TeamManager.user_id == user.id)) is not None


def can_manage(session: Session, user: User, team: Team) -> bool:
    """Managers of the team and administrators may see a team's pages and exports."""
    return bool(user.is_admin) or is_manager(session, user, team)


def find_organisation(session: Session, name_or_id: str) -> Organisation | None:
    """The organisation with this number, or with this name (compared case-insensitively)."""
    if name_or_id.isdigit() and len(name_or_id) < 10:
        return session.get(Organisation, int(name_or_id))
    return session.scalar(select(Organisation).where(func.lower(Organisation.name) == name_or_id.strip().lower()))


def organisations_with_team_counts(session: Session) -> list[tuple[Organisation, int]]:
    """Every organisation with its number of teams, by name, in one query."""
    return [(organisation, n) for organisation, n in session.execute(
        select(Organisation, func.count(Team.id)).outerjoin(Team, Team.organisation_id == Organisation.id)
        .group_by(Organisation.id).order_by(Organisation.name))]


def managed_teams(session: Session, user: User) -> list[Team]:
    """The teams a user manages (every team, for an administrator), by organisation and name."""
    query = (select(Team).join(Organisation).options(contains_eager(Team.organisation))
             .order_by(Organisation.name, Team.name))
    if not user.is_admin:
        query = query.join(TeamManager, TeamManager.team_id == Team.id).where(TeamManager.user_id == user.id)
    return list(session.scalars(query))




def teams_of_member(session: Session, user: User) -> list[Team]:
    return list(session.scalars(select(Team).join(TeamMembership, TeamMembership.team_id == Team.id)
                                .where(TeamMembership.user_id == user.id).order_by(Team.name)))


def member_of(session: Session, team: Team, user_id: int) -> User:
    """A member of this team; NotFound for anyone else."""
    user = session.scalar(select(User).join(TeamMembership, TeamMembership.user_id == User.id)
                          .where(TeamMembership.team_id == team.id, User.id == user_id))
    if user is None:
        raise NotFound()
    return user


# ----- invitations and membership -----

def renew_invitation(session: Session, actor: User, team: Team) -> None:
    """Replace the invitation link; the old one stops working at once."""
    team.invite_token = _new_token()
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
    team.target_date = target
    record_audit(session, actor, "streefdatum ingesteld", team=team, detail=target.isoformat() if target else "geen")
    session.commit()


# ----- the team report -----

@dataclass(frozen=True)
class Row:
    user: User
    joined_at: datetime
    progress: CourseProgress
    overdue: bool

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
    report = TeamReport(team=team, course=course)
    for user, joined_at in members:
        mine = progress.get(user.id) or no_progress(course)
        overdue = bool(team.target_date and team.target_date < today and not mine.completed)
        report.rows.append(Row(user, joined_at, mine, overdue))
    report.rows.sort(key=SORTS["naam"])
    return report


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


# ----- exports -----

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Text fit for a spreadsheet cell: no formula (CSV/XLSX injection), no control characters.

    Names are checked on the way in (course/text.py); rows stored before that rule may still hold
    characters that XLSX cannot store, so they are dropped here too.
    """
    value = printable(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def _table(report: TeamReport) -> tuple[list[str], list[list[str]]]:
    header = ["Naam", "E-mailadres", "Lid sinds"]
    for module in report.course.modules:
        header.append(f"Module {module.number}: {module.title}")
    header += ["Hele cursus", "Voortgang (%)", "Certificaat cursus", "Te laat"]
    body = []
    for row in report.rows:
        cells = [safe_cell(row.user.name), safe_cell(row.user.email), dutch_date(row.joined_at)]
        for module in row.modules:
            cells.append(_describe(module))
        cells += [_describe(row.progress), str(row.progress.percent), row.progress.certificate or "",
                  "ja" if row.overdue else "nee"]
        body.append(cells)
    return header, body


def _describe(progress: ModuleProgress | CourseProgress) -> str:
    if progress.status is Status.DONE:
        return f"{progress.status.label} {dutch_date(progress.completed_at)}"
    if progress.status is Status.IN_PROGRESS:
        return f"{progress.status.label} {progress.percent}%"
    return progress.status.label


def export_csv(report: TeamReport) -> bytes:
    """The team table as CSV for Dutch Excel: UTF-8 with BOM, ';' between fields."""
    header, body = _table(report)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(body)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(report: TeamReport) -> bytes:
    """The team table as an Excel workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    header, body = _table(report)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Voortgang"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in body:
        sheet.append(row)
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(12, width + 2), 50)
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def team_certificates(session: Session, team: Team) -> list[Certificate]:
    """All valid certificates of the team's current members."""
    member_ids = select(TeamMembership.user_id).where(TeamMembership.team_id == team.id).scalar_subquery()
    return list(session.scalars(select(Certificate).where(Certificate.user_id.in_(member_ids),
                                                          Certificate.revoked_at.is_(None))
                                .order_by(Certificate.user_id, Certificate.issued_at)))
