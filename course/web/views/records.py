"""The training record: organisation view with filters, XLSX/CSV/ZIP exports and 'overzicht scholing' PDFs."""
from dataclasses import dataclass, field

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from course import audit, records, teams
from course.extensions import db
from course.models import Location, Organisation, Team, User
from course.records import export as records_export
from course.records import overview as records_view
from course.records import pdf as records_pdf
from course.text import local_today, slugify
from course.web import inputs
from course.web.helpers import attachment, get_course, zip_download

bp = Blueprint("records", __name__, url_prefix="/opleidingsoverzicht")


@dataclass
class Selection:
    organisations: list[Organisation]
    organisation: Organisation
    teams: list[Team]           # the viewer's teams in this organisation
    locations: list[Location]   # their locations
    period: records.Period
    team: Team | None
    location: Location | None
    problem: str = ""
    # Plain ids, read once: the audit log's commit expires the rows above, and 100 teams must not mean
    # 100 queries to read their ids again.
    team_ids: list[int] = field(default_factory=list)
    location_id: int | None = None

    def args(self) -> dict:
        """The filters as query arguments, for the download links."""
        values = {"organisatie": self.organisation.id}
        if self.period.is_year:
            values["jaar"] = self.period.start.year
        else:
            values.update(van=self.period.start.isoformat(), tot=self.period.end.isoformat())
        if self.team:
            values["team"] = self.team.id
        if self.location:
            values["locatie"] = self.location.id
        return values


def _period() -> tuple[records.Period, str]:
    today = local_today()
    if inputs.arg_given("van") or inputs.arg_given("tot"):
        start, end = inputs.arg_day("van"), inputs.arg_day("tot")
        if start is None or end is None:
            return records.Period.year(today.year), ("Vul bij ‘van’ en ‘tot’ allebei een geldige datum in, tussen "
                                                     "2000 en 2100. Je ziet nu dit jaar.")
        period = records.Period(start, end)
        if period.start > period.end:
            return records.Period.year(today.year), "De datum ‘van’ ligt na ‘tot’. Je ziet nu dit jaar."
        return period, ""
    return records.Period.year(inputs.arg_number("jaar", low=inputs.FIRST_DAY.year, high=inputs.LAST_DAY.year) or today.year), ""


def _selection() -> Selection:
    """What the viewer may see (404 for someone without teams) narrowed by the filters in the URL."""
    mine = teams.managed_teams(db.session, current_user)
    if not mine:
        abort(404)
    organisations = sorted({t.organisation for t in mine}, key=lambda o: o.name.lower())
    wanted = inputs.arg_number("organisatie")
    organisation = next((o for o in organisations if o.id == wanted), organisations[0])
    their = [t for t in mine if t.organisation_id == organisation.id]
    location_ids = {t.location_id for t in their if t.location_id}
    locations = list(db.session.scalars(select(Location).where(Location.id.in_(location_ids))
                                        .order_by(Location.name))) if location_ids else []
    period, problem = _period()
    team = next((t for t in their if t.id == inputs.arg_number("team")), None)
    location = next((loc for loc in locations if loc.id == inputs.arg_number("locatie")), None)
    return Selection(organisations, organisation, their, locations, period, team, location, problem,
                     [team.id] if team else [t.id for t in their], location.id if location else None)


def _scope(selection: Selection, user_id: int | None = None) -> tuple:
    return selection.organisation, selection.team_ids, selection.location_id, user_id


def _record(selection: Selection, user_id: int | None = None) -> records.TrainingRecord:
    """The record of the selection (or of one employee in it), in a fixed number of queries."""
    scope = _scope(selection, user_id)
    return records.training_record(db.session, get_course(), selection.organisation, selection.period,
                                   current_app.config["BASE_URL"], records.members_in(db.session, *scope),
                                   records.member_ids(*scope))


def _log(action: str, selection: Selection, subject=None) -> None:
    audit.record(db.session, current_user, action, team=selection.team, subject=subject,
                 detail=f"{selection.organisation.name}, {selection.period.label}")
    db.session.commit()


@bp.get("/")
@login_required
def overview():
    """Totals per team and location, counted by the database (course/records/overview.py); no full record for thousands."""
    selection = _selection()
    by_team, by_location = records_view.overview(db.session, get_course(), selection.organisation, selection.period,
                                                 selection.team_ids, selection.location_id)
    totals = records.Summary("", "", *(sum(getattr(s, name) for s in by_team)
                                       for name in ("members", "active", "completions", "hours", "finished")))
    # The links per employee only for a team or a small organisation: then reading them is cheap.
    members = records.members_in(db.session, *_scope(selection)) if selection.team or totals.members <= 200 else None
    return render_template("records/overview.html", s=selection, totals=totals, members=members,
                           by_team=by_team, by_location=by_location,
                           years=range(local_today().year, local_today().year - 6, -1))


@bp.get("/export.xlsx")
@login_required
def export_xlsx():
    selection = _selection()
    _log("opleidingsoverzicht geëxporteerd (xlsx)", selection)
    record = _record(selection)
    return attachment(records_export.export_xlsx(record, records.external_rows(db.session, record)),
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      records_export.filename(record, "xlsx"))


@bp.get("/export.csv")
@login_required
def export_csv():
    selection = _selection()
    _log("opleidingsoverzicht geëxporteerd (csv)", selection)
    record = _record(selection)
    return attachment(records_export.export_csv(record, records.external_rows(db.session, record)),
                      "text/csv; charset=utf-8",
                      records_export.filename(record, "csv"))


@bp.get("/certificaten.zip")
@login_required
def certificates_zip():
    selection = _selection()
    _log("certificaten gedownload (zip, opleidingsoverzicht)", selection)
    record = _record(selection)
    found = records.period_certificates(db.session, record, records.member_ids(*_scope(selection)))
    return zip_download(found, records_export.filename(record, "zip").replace("opleidingsoverzicht-", "certificaten-"))


@bp.get("/overzicht-scholing.pdf")
@login_required
def organisation_pdf():
    selection = _selection()
    _log("overzicht scholing gedownload (organisatie)", selection)
    record, course = _record(selection), get_course()
    pdf = records_pdf.organisation_pdf(record, course, records.summaries(record, course, "location"),
                                       records.summaries(record, course, "team"), current_app.config["ISSUER_NAME"],
                                       local_today())
    return attachment(pdf, "application/pdf", records_export.filename(record, "pdf").replace(
        "opleidingsoverzicht-", "overzicht-scholing-"))


@bp.get("/medewerkers/<int:user_id>.pdf")
@login_required
def employee_pdf(user_id: int):
    selection = _selection()
    record = _record(selection, user_id)
    if not record.members:
        abort(404)
    member = record.members[0]
    _log("overzicht scholing gedownload (medewerker)", selection, db.session.get(User, user_id))
    pdf = records_pdf.employee_pdf(record, member, current_app.config["ISSUER_NAME"], current_app.config["BASE_URL"],
                                   local_today(), records.external_rows(db.session, record, [user_id]))
    return attachment(pdf, "application/pdf", f"overzicht-scholing-{slugify(member.name) or member.user_id}-"
                                              f"{selection.period.slug}.pdf")
