"""Coaches: the hand-ins waiting for them, review and sign-off; appointing coaches (managers, administrators)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from course import accounts, practice, teams
from course.errors import NotFound, PracticeProblem
from course.extensions import db
from course.models import User
from course.web.forms import ActionForm, CoachForm, ReviewForm
from course.web.helpers import get_course
from course.web.policy import managed_team_or_404

bp = Blueprint("coach", __name__)


@bp.get("/coach/")
@login_required
def overview():
    coached = teams.coached_teams(db.session, current_user)
    if not coached:
        abort(404)
    return render_template("coach/overview.html", teams=coached, waiting=practice.waiting_for(db.session, current_user),
                           own=practice.own_waiting(db.session, current_user), course=get_course())


@bp.route("/coach/inleveringen/<int:submission_id>", methods=["GET", "POST"])
@login_required
def review(submission_id: int):
    form = ReviewForm()
    try:
        submission, learner, team, role = practice.for_coach(db.session, current_user, submission_id)
    except NotFound:
        if form.is_submitted() and form.feedback.data:
            # Taken off the team (or the learner left) while writing: keep the coach's own text, show nothing else.
            return render_template("coach/gone.html", feedback=form.feedback.data), 403
        raise
    module = get_course().module(submission.module_slug) or abort(404)
    if form.validate_on_submit():
        try:
            issued = practice.review(db.session, current_user, module, submission.id, sign_off=bool(form.sign_off.data),
                                     feedback=form.feedback.data, issuer=current_app.config["ISSUER_NAME"])
        except PracticeProblem as problem:
            form.form_errors.append(str(problem))
        else:
            flash(f"Afgetekend. {learner.name} kan de praktijkverklaring nu downloaden." if issued else
                  f"Je hebt {learner.name} om een herziening gevraagd.", "success")
            return redirect(url_for(".overview"))
    history = [s for s in practice.submissions_of(db.session, learner, module) if s.id != submission.id]
    return render_template("coach/review.html", submission=submission, learner=learner, team=team, module=module,
                           form=form, history=history), 422 if form.errors or form.form_errors else 200


@bp.route("/teams/<int:team_id>/coaches", methods=["GET", "POST"])
@login_required
def coaches(team_id: int):
    team = managed_team_or_404(team_id)
    form = CoachForm()
    form.role.choices = [SelectChoice(role, role) for role in teams.COACH_ROLES]
    if form.validate_on_submit():
        user = accounts.find_user_by_email(db.session, form.email.data)
        if user is None:
            form.email.errors.append("Er is geen account met dit e-mailadres. Vraag de persoon eerst een account aan "
                                     "te maken.")
        else:
            added = teams.appoint_coach(db.session, current_user, team, user, form.role.data)
            flash(f"{user.name} is coach van {team.name}." if added else f"{user.name} was al coach van {team.name}.",
                  "success" if added else "info")
            return redirect(url_for(".coaches", team_id=team.id))
    return render_template("coach/coaches.html", team=team, form=form,
                           coaches=teams.coaches_of(db.session, team)), 422 if form.errors else 200


@bp.route("/teams/<int:team_id>/coaches/<int:user_id>/intrekken", methods=["GET", "POST"])
@login_required
def revoke(team_id: int, user_id: int):
    team = managed_team_or_404(team_id)
    user = db.session.get(User, user_id)
    if user is None or not teams.is_coach(db.session, user, team):
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        teams.revoke_coach(db.session, current_user, team, user)
        flash(f"{user.name} is geen coach van {team.name} meer.", "success")
        return redirect(url_for(".coaches", team_id=team.id))
    return render_template("manage/confirm.html", team=team, form=form, title=f"{user.name} als coach intrekken",
                           text=f"{user.name} ziet daarna de inleveringen van {team.name} niet meer. Wat wacht op "
                                "beoordeling, blijft wachten op een andere coach van het team.",
                           button="Ja, trek in")
