"""Manager pages: team overview, team table, member detail, invitations and exports."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from course import addresses, audit, certificates, teams
from course.errors import InvitationProblem
from course.extensions import db, limiter
from course.progress import Status
from course.text import local_today, slugify, utcnow
from course.web import inputs
from course.web.forms import ActionForm, TargetDateForm
from course.web.helpers import attachment, get_course, page_link, pdf_response, read_only, zip_download
from course.web.policy import managed_team_or_404
from course.web.team_table import shown_table

bp = Blueprint("manage", __name__, url_prefix="/teams")


def _log(action: str, team, subject=None, detail: str = "") -> None:
    """Record that a manager or administrator looked at or took someone else's data."""
    audit.record(db.session, current_user, action, team=team, subject=subject, detail=detail)
    db.session.commit()


def _file_stem(team) -> str:
    """The start of an export's file name: the team and today's date, so downloads do not overwrite each other."""
    return f"team-{slugify(team.name) or team.id}-{local_today().isoformat()}"


@bp.get("/")
@login_required
def overview():
    managed = teams.managed_teams(db.session, current_user)
    if not managed:
        abort(404)
    summaries = current_app.extensions["team_reports"].summaries(db.session, get_course(), managed)
    return render_template("manage/overview.html", summaries=summaries)


@bp.get("/<int:team_id>/")
@login_required
@read_only
def team(team_id: int):
    team = managed_team_or_404(team_id)
    report, memo = current_app.extensions["team_reports"].report(db.session, get_course(), team)
    status, search, sort = inputs.arg_text("status", "alle"), inputs.arg_text("zoek"), \
        inputs.arg_text("sorteer", "te-laat")
    rows, table = shown_table(report, memo, team.id, status=status, search=search, sort=sort)
    invite_url = page_link(url_for("manage.invitation", token=team.invite_token))
    return render_template("manage/team.html", team=team, report=report, rows=rows, table=table,
                           status=status, search=search,
                           sort=sort, invite_url=invite_url, form=ActionForm(),
                           status_choices=[(s.value, s.label.capitalize()) for s in Status],
                           not_started=Status.NOT_STARTED,
                           date_form=TargetDateForm(data={"target_date": team.target_date}),
                           managers=teams.managers_of(db.session, team),
                           self_appointed=teams.self_appointments(db.session, team),
                           unreachable=addresses.refused_members(db.session, team))


@bp.post("/<int:team_id>/streefdatum")
@login_required
def target_date(team_id: int):
    team = managed_team_or_404(team_id)
    form = TargetDateForm()
    if form.validate_on_submit():
        teams.set_target_date(db.session, current_user, team, form.target_date.data)
        flash("De streefdatum is opgeslagen." if form.target_date.data else "De streefdatum is weggehaald.", "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for(".team", team_id=team.id))


@bp.route("/<int:team_id>/uitnodiging-vernieuwen", methods=["GET", "POST"])
@login_required
def renew(team_id: int):
    team = managed_team_or_404(team_id)
    form = ActionForm()
    if form.validate_on_submit():
        teams.renew_invitation(db.session, current_user, team)
        flash("Er is een nieuwe uitnodigingslink. De oude link werkt niet meer.", "success")
        return redirect(url_for(".team", team_id=team.id) + "#uitnodigen")
    return render_template("manage/confirm.html", team=team, form=form,
                           title="Uitnodigingslink vernieuwen",
                           text="Na het vernieuwen werkt de huidige link niet meer. Collega's die al lid zijn, blijven "
                                "lid. Deel daarna de nieuwe link met wie nog moet beginnen.",
                           button="Ja, maak een nieuwe link")


@bp.get("/<int:team_id>/leden/<int:user_id>")
@login_required
def member(team_id: int, user_id: int):
    team = managed_team_or_404(team_id)
    user = teams.member_of(db.session, team, user_id)
    _log("voortgang lid bekeken", team, user)
    detail = teams.member_detail(db.session, get_course(), user)
    overdue = bool(team.target_date and team.target_date < local_today() and not detail.progress.completed)
    return render_template("manage/member.html", team=team, detail=detail, overdue=overdue,
                           course=get_course(), manager_view=True)


@bp.route("/<int:team_id>/leden/<int:user_id>/verwijderen", methods=["GET", "POST"])
@login_required
def remove(team_id: int, user_id: int):
    team = managed_team_or_404(team_id)
    user = teams.member_of(db.session, team, user_id)
    form = ActionForm()
    if form.validate_on_submit():
        teams.remove_member(db.session, current_user, team, user)
        flash(f"{user.name} is uit het team gehaald. Eigen voortgang en certificaten blijven van {user.name}.", "success")
        return redirect(url_for(".team", team_id=team.id))
    return render_template("manage/confirm.html", team=team, form=form, title=f"{user.name} uit het team halen",
                           text=f"{user.name} is daarna geen lid meer van {team.name} en jij ziet de voortgang niet "
                                f"meer. De voortgang en certificaten blijven van {user.name} zelf.",
                           button="Ja, haal uit het team")


@bp.get("/<int:team_id>/certificaten/<code>.pdf")
@login_required
def certificate(team_id: int, code: str):
    team = managed_team_or_404(team_id)
    found = certificates.find(db.session, code)
    if found is None or not found.is_valid:
        abort(404)
    owner = teams.member_of(db.session, team, found.user_id) if found.user_id else abort(404)
    _log("certificaat gedownload", team, owner, found.code)
    return pdf_response(found)


@bp.get("/<int:team_id>/export.csv")
@login_required
def export_csv(team_id: int):
    team = managed_team_or_404(team_id)
    _log("team geëxporteerd (csv)", team)  # before the report: committing expires loaded rows
    report = teams.team_report(db.session, get_course(), team)
    return attachment(teams.export_csv(report), "text/csv; charset=utf-8", f"{_file_stem(team)}.csv")


@bp.get("/<int:team_id>/export.xlsx")
@login_required
def export_xlsx(team_id: int):
    team = managed_team_or_404(team_id)
    _log("team geëxporteerd (xlsx)", team)
    report = teams.team_report(db.session, get_course(), team)
    return attachment(teams.export_xlsx(report),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{_file_stem(team)}.xlsx")


@bp.get("/<int:team_id>/bewijs")
@login_required
def evidence(team_id: int):
    """A printable 'Bewijs van scholing': every member's modules, dates and certificates, for an inspector."""
    team = managed_team_or_404(team_id)
    _log("bewijs van scholing bekeken", team)
    report = teams.team_report(db.session, get_course(), team)
    by_user: dict[int, list] = {}
    for found in teams.team_certificates(db.session, team):
        by_user.setdefault(found.user_id, []).append(found)
    return render_template("manage/evidence.html", team=team, report=report, certificates=by_user,
                           today=utcnow())


@bp.get("/<int:team_id>/certificaten.zip")
@login_required
def certificates_zip(team_id: int):
    team = managed_team_or_404(team_id)
    _log("certificaten gedownload (zip)", team)
    return zip_download(teams.team_certificates(db.session, team), f"{_file_stem(team)}-certificaten.zip")


# ----- joining a team (any signed-in user with the link) -----

@bp.route("/uitnodiging/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["JOIN_RATE_LIMIT"])
def invitation(token: str):
    try:
        team = teams.team_for_invitation(db.session, token)
    except InvitationProblem as problem:
        return render_template("manage/invitation.html", problem=str(problem), team=None), 404
    if not current_user.is_authenticated:
        return render_template("manage/invitation.html", team=team, problem=None, next_url=request.path)
    form = ActionForm()
    if form.validate_on_submit():
        if teams.join(db.session, team, current_user):
            flash(f"Welkom in team {team.name}! Je leidinggevende ziet nu je voortgang.", "success")
        else:
            flash(f"Je was al lid van team {team.name}.", "info")
        return redirect(url_for("learn.overview"))
    return render_template("manage/invitation.html", team=team, problem=None, form=form,
                           member=team in teams.teams_of_member(db.session, current_user))


