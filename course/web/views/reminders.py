"""Reminder mails: the one-click opt-out from a mail (no login) and the mail settings page."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from course.errors import InvalidOptOut
from course.extensions import csrf, db
from course.reminders import KIND_LABELS, PREFERENCE
from course.reminders.preferences import preferences, read_opt_out_token, set_preferences
from course.text import utcnow
from course.web.forms import MailSettingsForm

bp = Blueprint("reminders", __name__)


@bp.route("/afmelden/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the authority; mail programs POST here for one-click opt-out (RFC 8058)
def opt_out(token: str):
    try:
        user, kind = read_opt_out_token(db.session, current_app.config["SECRET_KEY"], token,
                                        current_app.config["OPT_OUT_MAX_AGE"])
    except InvalidOptOut as problem:
        return render_template("reminders/opt_out.html", problem=str(problem)), 400
    if request.method == "POST":
        set_preferences(db.session, user, utcnow(), **{PREFERENCE[kind]: False})
        return render_template("reminders/opt_out.html", done=True, label=KIND_LABELS[kind])
    return render_template("reminders/opt_out.html", label=KIND_LABELS[kind], token=token)


@bp.route("/account/meldingen", methods=["GET", "POST"])
@login_required
def settings():
    pref = preferences(db.session, current_user)
    form = MailSettingsForm(data={column: getattr(pref, column) for column in PREFERENCE.values()})
    if form.validate_on_submit():
        set_preferences(db.session, current_user, utcnow(),
                        **{column: getattr(form, column).data for column in PREFERENCE.values()})
        flash("Je mailinstellingen zijn opgeslagen.", "success")
        return redirect(url_for(".settings"))
    return render_template("reminders/settings.html", form=form)
