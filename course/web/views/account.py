"""The learner's own account: correct the name, change the password."""
import json

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user
from sqlalchemy.exc import IntegrityError

from course import accounts, addresses, teams, workplace
from course.errors import EmailTaken, InvitationProblem
from course.extensions import db, limiter
from course.mail import queue
from course.text import utcnow
from course.web import inputs
from course.web.forms import ActionForm, DeleteAccountForm, EmailForm, JoinCodeForm, NameForm, PasswordForm, SettingForm
from course.web.helpers import attachment, get_course, start_session
from course.web.policy import safe_next

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.post("/mailadres-bevestigen")
@login_required
def confirm_address():
    """The banner's button: the user says their refused address works again, so mail is sent to it again."""
    if ActionForm().validate_on_submit() and current_user.mail_refused_at is not None:
        addresses.confirm(db.session, current_user._get_current_object())
        flash(f"Dank je. We mailen je weer op {current_user.email}.", "success")
    return redirect(url_for(".settings"))


@bp.route("/", methods=["GET", "POST"])
@login_required
def settings():
    name_form = NameForm(prefix="naam", data={"name": current_user.name})
    password_form = PasswordForm(prefix="ww", account=current_user)
    setting_form = SettingForm(prefix="werk", data={"setting": current_user.setting or ""})
    code_form = JoinCodeForm(prefix="code")
    email_form = EmailForm(prefix="adres")
    if request.method == "POST":
        if inputs.form_has("werk-submit") and setting_form.validate_on_submit():
            accounts.set_setting(db.session, current_user, setting_form.setting.data)
            flash(f"Opgeslagen: {workplace.label(current_user.setting).lower()}. Je praktijkopdrachten passen zich "
                  "hierop aan.", "success")
            return redirect(safe_next(inputs.arg_text("next", max_length=2000)) or url_for(".settings"))
        if inputs.form_has("naam-submit") and name_form.validate_on_submit():
            accounts.rename(db.session, current_user, name_form.name.data)
            flash("Je naam is aangepast.", "success")
            return redirect(url_for(".settings"))
        if inputs.form_has("ww-submit") and password_form.validate_on_submit():
            if accounts.check_password(current_user, password_form.current.data):
                user = current_user._get_current_object()
                accounts.set_password(db.session, user, password_form.password.data)
                start_session(user)  # other devices are logged out; this one stays logged in
                flash("Je wachtwoord is gewijzigd. Op andere apparaten ben je uitgelogd.", "success")
                return redirect(url_for(".settings"))
            password_form.current.errors.append("Je huidige wachtwoord klopt niet.")
        if inputs.form_has("adres-submit") and email_form.validate_on_submit():
            if _change_email(email_form):
                flash(f"Je e-mailadres is nu {current_user.email}. We mailen je voortaan op dit adres.", "success")
                return redirect(url_for(".settings"))
    status = 422 if name_form.errors or password_form.errors or setting_form.errors or email_form.errors else 200
    return render_template("account.html", name_form=name_form, password_form=password_form,
                           setting_form=setting_form, code_form=code_form, email_form=email_form,
                           **_team_context()), status


def _change_email(form: EmailForm) -> bool:
    """Check the password, change the address and tell the old one (in one transaction); False with the form's errors."""
    user = current_user._get_current_object()
    if not accounts.check_password(user, form.current.data):
        form.current.errors.append("Dit wachtwoord klopt niet. Je e-mailadres is niet gewijzigd.")
        return False
    if accounts.normalise_email(form.email.data) == user.email:
        form.email.errors.append("Dit is al je e-mailadres.")
        return False
    old_refused = user.mail_refused_at is not None
    try:
        old = accounts.change_email(db.session, user, form.email.data)
        if not old_refused:  # the old address hears of it: a change its owner did not make is found out
            body = current_app.jinja_env.get_template("mail/adreswijziging.txt").render(user=user, old=old)
            queue.store(db.session, utcnow(), kind="adreswijziging", to=old, subject=ADDRESS_CHANGED, body=body,
                        user_id=user.id)
        db.session.commit()
    except (EmailTaken, IntegrityError):  # IntegrityError: the same address taken by someone at the same moment
        db.session.rollback()
        form.email.errors.append(str(EmailTaken()))
        return False
    return True


ADDRESS_CHANGED = "Je e-mailadres is gewijzigd: Veilige Gehechtheid"


def _team_context() -> dict:
    return {"member_teams": teams.teams_of_member(db.session, current_user),
            "has_coach": teams.has_coach(db.session, current_user)}


@bp.post("/code")
@login_required
@limiter.limit(lambda: current_app.config["JOIN_RATE_LIMIT"])
def join_by_code():
    """Join a team (a gastouderbureau's gastouders, a location) with the short code instead of the link."""
    form = JoinCodeForm(prefix="code")
    next_url = safe_next(inputs.arg_text("next", max_length=2000))
    if form.validate_on_submit():
        try:
            team = teams.team_for_code(db.session, form.code.data)
        except InvitationProblem as problem:
            form.code.errors.append(str(problem))
        else:
            if teams.join(db.session, team, current_user):
                flash(f"Welkom bij {team.name} van {team.organisation.name}! Je coach ziet nu je ingeleverde "
                      "praktijkopdrachten; je leidinggevende ziet je voortgang.", "success")
            else:
                flash(f"Je was al lid van {team.name}.", "info")
            return redirect(next_url or url_for(".settings"))
    return render_template("account.html", name_form=NameForm(prefix="naam", data={"name": current_user.name}),
                           password_form=PasswordForm(prefix="ww", account=current_user),
                           email_form=EmailForm(prefix="adres"),
                           setting_form=SettingForm(prefix="werk", data={"setting": current_user.setting or ""}),
                           code_form=form, **_team_context()), 422


@bp.get("/leidinggevende")
@login_required
def visibility():
    """What the learner's managers can see: the same detail, and who those managers are."""
    memberships = teams.teams_of_member(db.session, current_user)
    course = get_course()
    return render_template("account/visibility.html", memberships=memberships, course=course,
                           detail=teams.member_detail(db.session, course, current_user),
                           managers={t.id: teams.managers_of(db.session, t) for t in memberships})


@bp.get("/mijn-gegevens.json")
@login_required
def export():
    """Download everything stored about me."""
    data = accounts.export_data(db.session, current_user)
    return attachment(json.dumps(data, ensure_ascii=False, indent=2), "application/json",
                      "mijn-gegevens-veilige-gehechtheid.json")


@bp.route("/verwijderen", methods=["GET", "POST"])
@login_required
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not accounts.check_password(current_user, form.password.data):
            form.password.errors.append("Dit wachtwoord klopt niet. Je account is niet verwijderd.")
        else:
            user = current_user._get_current_object()
            logout_user()
            accounts.delete_account(db.session, user, keep_name_on_certificates=form.keep_name.data)
            session.clear()
            flash("Je account en je gegevens zijn verwijderd. Bedankt voor het leren bij ons.", "success")
            return redirect(url_for("main.index"))
    return render_template("account/delete.html", form=form), 422 if form.errors else 200
