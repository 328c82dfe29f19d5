"""Administrator pages: organisations, teams, managers and the audit log."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from course import accounts, audit, itemstats, teams
from course.web.helpers import get_course
from course.errors import AlreadyExists
from course.extensions import db
from course.web.forms import ActionForm, ManagerForm, OrganisationForm, TeamForm
from course.models import Organisation, Team, User
from course.web.policy import admin_required
from course.web.helpers import attachment

bp = Blueprint("admin", __name__, url_prefix="/beheer")


@bp.route("/", methods=["GET", "POST"])
@admin_required
def organisations():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = teams.create_organisation(db.session, current_user, form.name.data, form.kind.data)
        except AlreadyExists as error:
            form.name.errors.append(str(error))
        else:
            flash(f"Organisatie ‘{organisation.name}’ is aangemaakt. Maak nu een team aan.", "success")
            return redirect(url_for(".organisation", organisation_id=organisation.id))
    return render_template("admin/organisations.html", organisations=teams.organisations_with_team_counts(db.session),
                           form=form), 422 if form.errors else 200


@bp.route("/organisaties/<int:organisation_id>", methods=["GET", "POST"])
@admin_required
def organisation(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    form = TeamForm()
    if form.validate_on_submit():
        try:
            team = teams.create_team(db.session, current_user, organisation, form.name.data)
        except AlreadyExists as error:
            form.name.errors.append(str(error))
        else:
            flash(f"Team ‘{team.name}’ is aangemaakt. Benoem nu een leidinggevende.", "success")
            return redirect(url_for(".team", team_id=team.id))
    return render_template("admin/organisation.html", organisation=organisation, form=form), \
        422 if form.errors else 200


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@admin_required
def team(team_id: int):
    team = db.session.get(Team, team_id) or abort(404)
    form = ManagerForm()
    if form.validate_on_submit():
        user = accounts.find_user_by_email(db.session, form.email.data)
        if user is None:
            form.email.errors.append("Er is geen account met dit e-mailadres. Vraag de persoon eerst een account "
                                     "aan te maken.")
        else:
            added = teams.appoint_manager(db.session, current_user, team, user)
            flash(f"{user.name} is leidinggevende van {team.name}." if added
                  else f"{user.name} was al leidinggevende van {team.name}.", "success" if added else "info")
            return redirect(url_for(".team", team_id=team.id))
    return render_template("admin/team.html", team=team, form=form, managers=teams.managers_of(db.session, team)), \
        422 if form.errors else 200


@bp.route("/teams/<int:team_id>/leidinggevenden/<int:user_id>/intrekken", methods=["GET", "POST"])
@admin_required
def revoke_manager(team_id: int, user_id: int):
    team = db.session.get(Team, team_id) or abort(404)
    user = db.session.get(User, user_id) or abort(404)
    if not teams.is_manager(db.session, user, team):
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        teams.revoke_manager(db.session, current_user, team, user)
        flash(f"{user.name} is geen leidinggevende van {team.name} meer.", "success")
        return redirect(url_for(".team", team_id=team.id))
    return render_template("manage/confirm.html", team=team, form=form, title=f"{user.name} als leidinggevende intrekken",
                           text=f"{user.name} kan daarna de voortgang van {team.name} niet meer zien of downloaden.",
                           button="Ja, trek in")


@bp.get("/logboek")
@admin_required
def audit_log():
    person = request.args.get("persoon", "")[:100]
    action = request.args.get("actie", "")[:60]
    page = request.args.get("pagina", "1")
    log = audit.read_page(db.session, page=int(page) if page.isdigit() and len(page) < 7 else 1, person=person,
                          action=action)
    return render_template("admin/audit.html", log=log, person=person, action=action)


@bp.get("/vragen")
@admin_required
def item_statistics():
    course = get_course()
    module = course.module(request.args.get("module", "")) or course.modules[0]
    return render_template("admin/item_statistics.html", stats=itemstats.module_stats(db.session, module),
                           modules=course.modules)


@bp.get("/vragen.csv")
@admin_required
def item_statistics_csv():
    stats = [itemstats.module_stats(db.session, module) for module in get_course().modules if module.quiz]
    return attachment(itemstats.export_csv(stats), "text/csv; charset=utf-8", "vraagstatistiek.csv")
