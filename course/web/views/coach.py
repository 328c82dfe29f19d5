"""Coaches: the hand-ins waiting for them, review and sign-off; appointing coaches (managers, administrators)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from course import accounts, practice, teams, workplace
from course.errors import NotFound, PracticeProblem
from course.extensions import db
from course.models import User
from course.text import utcnow
from course.web import inputs
from course.web.forms import ActionForm, CoachForm
from course.web.forms.practice import ObservationForm, marks_of, review_form
from course.web.helpers import get_course, sign_badges
from course.web.policy import managed_team_or_404

bp = Blueprint("coach", __name__)


@bp.get("/coach/")
@login_required
def overview():
    """Waiting hand-ins first (oldest first), then the reviewed ones (latest first); filter by team and module."""
    coached = teams.coached_teams(db.session, current_user)
    if not coached:
        abort(404)
    course = get_course()
    team_id = inputs.arg_number("team")
    team_id = team_id if any(t.id == team_id for t in coached) else None
    module_slug = inputs.arg_text("module") or None
    module_slug = module_slug if course.module(module_slug or "") else None
    return render_template(
        "coach/overview.html", teams=coached, course=course, team_id=team_id, module_slug=module_slug,
        waiting=practice.waiting_for(db.session, current_user, team_id, module_slug),
        reviewed=practice.reviewed_for(db.session, current_user, team_id, module_slug),
        own=practice.own_waiting(db.session, current_user),
        reviewed_shown=practice.REVIEWED_SHOWN, modules=[m for m in course.modules if m.assignment])


@bp.route("/coach/inleveringen/<int:submission_id>", methods=["GET", "POST"])
@login_required
def review(submission_id: int):
    try:
        submission, learner, team, role = practice.for_coach(db.session, current_user, submission_id)
    except NotFound:
        if request.method == "POST" and inputs.form_text("feedback", max_length=3000):
            # Taken off the team (or the learner left) while writing: keep the coach's own text, show nothing else.
            return render_template("coach/gone.html", feedback=inputs.form_text("feedback", max_length=3000)), 403
        raise
    module = get_course().module(submission.module_slug) or abort(404)
    criteria = module.assignment.criteria
    observations = practice.observations_of(db.session, learner.id, module.slug)
    seen = {cid: [o for o in observations if cid in o.criteria] for cid in (c.id for c in criteria)}
    form = review_form(criteria)
    if request.method == "GET":
        for c in criteria:  # what the coach saw on the floor counts: start those as voldoende
            if seen[c.id]:
                form[f"oordeel-{c.id}"].data = "voldoende"
    if form.validate_on_submit():
        try:
            issued = practice.review(db.session, current_user, module, submission.id, sign_off=bool(form.sign_off.data),
                                     feedback=form.feedback.data, marks=marks_of(form, criteria),
                                     issuer=current_app.config["ISSUER_NAME"])
        except PracticeProblem as problem:
            form.form_errors.append(str(problem))
        else:
            if issued is not None:
                sign_badges([issued])
            flash(f"Afgetekend. {learner.name} kan de praktijkverklaring nu downloaden." if issued else
                  f"Je hebt {learner.name} om een herziening gevraagd.", "success")
            return redirect(url_for(".overview"))
    history = [s for s in practice.submissions_of(db.session, learner, module) if s.id != submission.id]
    return render_template("coach/review.html", submission=submission, learner=learner, team=team, module=module,
                           form=form, history=history, criteria=criteria, seen=seen, observations=observations,
                           setting_label=workplace.label(submission.setting) if submission.setting else None,
                           ), 422 if form.errors or form.form_errors else 200


@bp.route("/coach/cursisten/<int:learner_id>/<module_slug>/observatie", methods=["GET", "POST"])
@login_required
def observe(learner_id: int, module_slug: str):
    """The coach's own observation on the floor (a phone form): date, situation, criteria seen."""
    module = get_course().module(module_slug)
    found = teams.coach_of_member(db.session, current_user, learner_id) if learner_id != current_user.id else None
    if module is None or module.assignment is None or found is None:
        abort(404)
    learner = db.session.get(User, learner_id)
    form = ObservationForm()
    form.criteria.choices = [SelectChoice(c.id, c.text) for c in module.assignment.criteria]
    if request.method == "GET":
        form.observed_on.data = utcnow().date()
    if form.validate_on_submit():
        try:
            practice.observe(db.session, current_user, learner_id, module, form.observed_on.data, form.situation.data,
                             form.criteria.data or [])
        except PracticeProblem as problem:
            form.form_errors.append(str(problem))
        else:
            flash(f"Je observatie van {learner.name} is bewaard. Hij telt als bewijs bij module {module.number}.",
                  "success")
            waiting = practice.waiting_for(db.session, current_user, module_slug=module.slug)
            target = next((w.submission.id for w in waiting if w.learner.id == learner_id), None)
            return redirect(url_for(".review", submission_id=target) if target else url_for(".overview"))
    return render_template("coach/observe.html", form=form, learner=learner, module=module, team=found[0]), \
        422 if form.errors or form.form_errors else 200


@bp.route("/teams/<int:team_id>/coaches", methods=["GET", "POST"])
@login_required
def coaches(team_id: int):
    team = managed_team_or_404(team_id)
    form = CoachForm()
    form.role.choices = [SelectChoice(role, role) for role in teams.COACH_ROLES]
    if not form.is_submitted():
        form.role.data = teams.default_coach_role(team)
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
