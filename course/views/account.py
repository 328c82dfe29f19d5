"""The learner's own account: correct the name, change the password."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import accounts
from ..extensions import db
from ..forms import NameForm, PasswordForm

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/", methods=["GET", "POST"])
@login_required
def settings():
    name_form = NameForm(prefix="naam", data={"name": current_user.name})
    password_form = PasswordForm(prefix="ww")
    if request.method == "POST":
        if "naam-submit" in request.form and name_form.validate_on_submit():
            accounts.rename(db.session, current_user, name_form.name.data)
            flash("Je naam is aangepast.", "success")
            return redirect(url_for(".settings"))
        if "ww-submit" in request.form and password_form.validate_on_submit():
            if accounts.check_password(current_user, password_form.current.data):
                accounts.set_password(db.session, current_user, password_form.password.data)
                flash("Je wachtwoord is gewijzigd.", "success")
                return redirect(url_for(".settings"))
            password_form.current.errors.append("Je huidige wachtwoord klopt niet.")
    status = 422 if name_form.errors or password_form.errors else 200
    return render_template("account.html", name_form=name_form, password_form=password_form), status


@bp.get("/leidinggevende")
@login_required
def visibility():
    """What the learner's managers can see: the same detail, and who those managers are."""
    from .. import teams
    from ..catalog import get_course
    memberships = teams.teams_of_member(db.session, current_user)
    return render_template("account/visibility.html", memberships=memberships, course=get_course(),
                           detail=teams.member_detail(db.session, current_user),
                           managers={t.id: teams.managers_of(db.session, t) for t in memberships})
