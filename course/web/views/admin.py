"""Administrator pages: organisations, teams, managers and the audit log."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from course import accounts, addresses, audit, itemstats, teams
from course.errors import AlreadyExists, DomainError
from course.extensions import db
from course.models import Location, Organisation, Team, User
from course.teams import locations
from course.web import inputs
from course.web.forms import (
    ActionForm,
    LocationForm,
    ManagerForm,
    OrganisationForm,
    OrganisationLrkForm,
    TeamForm,
    TeamLocationForm,
)
from course.web.helpers import attachment, get_course
from course.web.policy import admin_required

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
                           unreachable=addresses.refused_users(db.session), form=form), 422 if form.errors else 200


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
    return render_template("admin/team.html", team=team, form=form, managers=teams.managers_of(db.session, team),
                           location_form=_team_location_form(team)), 422 if form.errors else 200


def _team_location_form(team: Team, posted: bool = False) -> TeamLocationForm:
    """The 'Locatie' choice of a team: none, or one of its organisation's locations (read from the POST if posted)."""
    form = TeamLocationForm(**({} if posted else {"formdata": None}), data={"location": str(team.location_id or "")})
    form.location.choices = [("", "Geen locatie")] + [
        (str(row.location.id), row.location.name + (f" (LRK {row.location.lrk_number})" if row.location.lrk_number
                                                    else "")) for row in locations.locations_of(db.session, team.organisation)]
    return form


@bp.post("/teams/<int:team_id>/locatie")
@admin_required
def team_location(team_id: int):
    team = db.session.get(Team, team_id) or abort(404)
    form = _team_location_form(team, posted=True)
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for(".team", team_id=team.id))
    location = db.session.get(Location, inputs.whole_number(form.location.data)) if form.location.data else None
    locations.tie_team(db.session, current_user, team, location)
    flash(f"{team.name} hoort nu bij locatie {location.name}." if location
          else f"{team.name} hoort nu bij geen locatie.", "success")
    return redirect(url_for(".team", team_id=team.id))


def _locations_page(organisation: Organisation, form: LocationForm, lrk_form: OrganisationLrkForm):
    return render_template("admin/locations.html", organisation=organisation, form=form, lrk_form=lrk_form,
                           rows=locations.locations_of(db.session, organisation)), \
        422 if form.errors or lrk_form.errors else 200


@bp.route("/organisaties/<int:organisation_id>/locaties", methods=["GET", "POST"])
@admin_required
def locations_page(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    form = LocationForm()
    if form.validate_on_submit():
        try:
            location = locations.add_location(db.session, current_user, organisation, form.name.data, form.lrk.data)
        except DomainError as error:  # AlreadyExists, or a name the rule refuses
            form.name.errors.append(str(error))
        else:
            flash(f"Locatie ‘{location.name}’ is toegevoegd. Koppel er nu teams aan via de teampagina.", "success")
            return redirect(url_for(".locations_page", organisation_id=organisation.id))
    return _locations_page(organisation, form, OrganisationLrkForm(data={"lrk": organisation.lrk_number}))


@bp.post("/organisaties/<int:organisation_id>/lrk")
@admin_required
def organisation_lrk(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    lrk_form = OrganisationLrkForm()
    if not lrk_form.validate_on_submit():
        return _locations_page(organisation, LocationForm(formdata=None), lrk_form)
    locations.set_organisation_lrk(db.session, current_user, organisation, lrk_form.lrk.data)
    flash("Het LRK-nummer van de organisatie is opgeslagen." if organisation.lrk_number
          else "Het LRK-nummer van de organisatie is weggehaald.", "success")
    return redirect(url_for(".locations_page", organisation_id=organisation.id))


@bp.route("/locaties/<int:location_id>", methods=["GET", "POST"])
@admin_required
def location(location_id: int):
    location = db.session.get(Location, location_id) or abort(404)
    organisation = db.session.get(Organisation, location.organisation_id)
    form = LocationForm(data={"name": location.name, "lrk": location.lrk_number})
    form.submit.label.text = "Wijzigingen opslaan"
    if form.validate_on_submit():
        try:
            locations.update_location(db.session, current_user, location, form.name.data, form.lrk.data)
        except DomainError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            flash(f"Locatie ‘{location.name}’ is opgeslagen.", "success")
            return redirect(url_for(".locations_page", organisation_id=organisation.id))
    return render_template("admin/location.html", organisation=organisation, location=location, form=form), \
        422 if form.errors else 200


def _names(teams_: list[str]) -> str:
    """'team A', 'de teams A en B', 'de teams A, B en C'."""
    if len(teams_) == 1:
        return f"team {teams_[0]}"
    return "de teams " + ", ".join(teams_[:-1]) + " en " + teams_[-1]


@bp.route("/locaties/<int:location_id>/verwijderen", methods=["GET", "POST"])
@admin_required
def remove_location(location_id: int):
    location = db.session.get(Location, location_id) or abort(404)
    organisation_id, name = location.organisation_id, location.name
    form = ActionForm()
    if form.validate_on_submit():
        untied = locations.remove_location(db.session, current_user, location)
        flash(f"Locatie ‘{name}’ is verwijderd." + (f" {untied} team(s) horen nu bij geen locatie." if untied else ""),
              "success")
        return redirect(url_for(".locations_page", organisation_id=organisation_id))
    tied = next(row.teams for row in locations.locations_of(db.session, db.session.get(Organisation, organisation_id))
                if row.location.id == location.id)
    return render_template("manage/confirm.html", form=form, title=f"Locatie ‘{name}’ verwijderen",
                           text=(f"Daarna {'hoort' if len(tied) == 1 else 'horen'} {_names(tied)} bij geen locatie meer. De teams, hun leden en hun "
                                 "voortgang blijven bestaan; in het opleidingsoverzicht staat bij deze teams dan geen "
                                 "locatie of LRK-nummer meer." if tied else
                                 "Er hoort geen team bij deze locatie. Alleen de locatie en haar LRK-nummer verdwijnen."),
                           button="Ja, verwijder de locatie")


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
    person, action = inputs.arg_text("persoon"), inputs.arg_text("actie", max_length=60)
    log = audit.read_page(db.session, page=inputs.arg_number("pagina", low=1, high=999_999) or 1, person=person,
                          action=action)
    return render_template("admin/audit.html", log=log, person=person, action=action)


@bp.get("/vragen")
@admin_required
def item_statistics():
    course = get_course()
    module = course.module(inputs.arg_text("module", max_length=80)) or course.modules[0]
    return render_template("admin/item_statistics.html", stats=itemstats.module_stats(db.session, module),
                           modules=course.modules)


@bp.get("/vragen.csv")
@admin_required
def item_statistics_csv():
    stats = [itemstats.module_stats(db.session, module) for module in get_course().modules if module.quiz]
    return attachment(itemstats.export_csv(stats), "text/csv; charset=utf-8", "vraagstatistiek.csv")
