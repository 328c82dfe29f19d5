"""Registration, login, logout and password reset."""
from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, logout_user

from course import accounts
from course.errors import EmailTaken, InvalidToken
from course.extensions import db, limiter
from course.mail import queue
from course.text import utcnow
from course.web import inputs
from course.web.forms import ActionForm, ForgotForm, LoginForm, RegisterForm, ResetForm
from course.web.helpers import start_session
from course.web.policy import safe_next

bp = Blueprint("auth", __name__)


def _limit(name: str):
    """A rate limit from the settings, applied to POSTs only (reading a form is never limited)."""
    return limiter.limit(lambda: current_app.config[name], methods=["POST"])


@bp.route("/registreren", methods=["GET", "POST"])
@_limit("REGISTER_RATE_LIMIT")
def register():
    next_url = safe_next(inputs.arg_text("next", max_length=2000))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("learn.overview"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register_user(db.session, name=form.name.data, email=form.email.data,
                                          password=form.password.data, setting=form.setting.data or None)
        except EmailTaken as error:
            form.email.errors.append(str(error))
        else:
            start_session(user)
            flash(f"Welkom, {user.name}! Je account is klaar.", "success")
            return redirect(next_url or url_for("learn.overview"))
    if form.errors and form.password.data and not form.password.errors:
        # Name and e-mail address come back as typed; a password is never sent back to the screen.
        form.password.description = ("Je wachtwoord was goed, maar we sturen het niet terug: vul het nog een keer "
                                     "in. " + form.password.description)
    return render_template("auth/register.html", form=form, next_url=next_url), 422 if form.errors else 200


@bp.route("/inloggen", methods=["GET", "POST"])
@_limit("LOGIN_RATE_LIMIT")
def login():
    next_url = safe_next(inputs.arg_text("next", max_length=2000))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("learn.overview"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            form.form_errors.append("Deze combinatie van e-mailadres en wachtwoord kennen we niet. Probeer het opnieuw.")
        else:
            start_session(user)
            return redirect(next_url or url_for("learn.overview"))
    return render_template("auth/login.html", form=form, next_url=next_url), 422 if form.errors or form.form_errors else 200


@bp.post("/uitloggen")
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            accounts.end_sessions(db.session, current_user)
        logout_user()
        session.clear()
        flash("Je bent uitgelogd. Tot de volgende keer!", "success")
    elif current_user.is_authenticated:
        flash("Uitloggen lukte niet omdat de pagina verlopen was. Probeer het nog een keer.", "error")
        return redirect(url_for("learn.overview"))
    return redirect(url_for("main.index"))


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@_limit("RESET_RATE_LIMIT")
def forgot_password():
    form = ForgotForm()
    if form.validate_on_submit():
        # Only stored here: the sender looks the address up and writes the link (course/web/mails/render.py).
        # The answer takes the same single insert whether or not the address is known, and never waits
        # for the mail server.
        queue.store(db.session, utcnow(), kind=queue.RESET, to=form.email.data)
        db.session.commit()
        flash("Als dit e-mailadres bij ons bekend is, krijg je binnen een paar minuten een mail met een link. "
              "Kijk ook in je map met ongewenste mail.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
@_limit("RESET_RATE_LIMIT")
def reset_password(token: str):
    try:
        user = accounts.user_for_reset_token(db.session, current_app.config["SECRET_KEY"], token,
                                             current_app.config["PASSWORD_RESET_MAX_AGE"])
    except InvalidToken as error:
        flash(str(error), "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetForm(account=user)
    if form.validate_on_submit():
        accounts.set_password(db.session, user, form.password.data)
        start_session(user)  # the new password ended older sessions; this one starts afresh
        flash("Je nieuwe wachtwoord is opgeslagen. Je bent ingelogd.", "success")
        return redirect(url_for("learn.overview"))
    return render_template("auth/reset.html", form=form), 422 if form.errors else 200
