"""The learner's practice: reflections under each lesson, "Mijn reflecties", and handing in an assignment."""
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from course import practice, reflections, sensitive, teams, workplace
from course.errors import PracticeProblem, ReflectionRefused
from course.extensions import db
from course.web import inputs
from course.web.forms import JoinCodeForm
from course.web.forms.practice import ReflectionForm, hand_in_form
from course.web.helpers import get_course, read_only
from course.web.mails.practice import notify_coaches

bp = Blueprint("practice", __name__)
PRIVACY_CONFIRM = "toch"  # the value of the "Toch opslaan/inleveren" button after the privacy check


def _lesson_or_404(module_slug: str, lesson_slug: str):
    lesson = get_course().lesson(module_slug, lesson_slug)
    return lesson or abort(404)


@bp.post("/cursus/<module_slug>/<lesson_slug>/reflectie")
@login_required
def save_reflection(module_slug: str, lesson_slug: str):
    """Save as the learner types (JSON, CSRF token in X-CSRFToken) or from the form without JavaScript."""
    lesson = _lesson_or_404(module_slug, lesson_slug)
    if inputs.is_json():
        try:  # no form here to check it: the token comes in the X-CSRFToken header
            validate_csrf(inputs.header("X-CSRFToken"))
        except ValidationError:
            return jsonify(ok=False, message="De pagina is verlopen. Laad de pagina opnieuw; kopieer eerst je tekst."), 400
        data = inputs.json_body()
        text = inputs.clean_text(data.get("text"), max_length=reflections.MAX_LENGTH * 2)
        found = [] if data.get("privacy") == PRIVACY_CONFIRM else sensitive.check(db.session, current_user, text)
        if found:
            return jsonify(ok=False, privacy=[str(f) for f in found],
                           message="Niet opgeslagen. " + " ".join(str(f) for f in found)
                                   + " Pas je tekst aan, of kies ‘Toch opslaan’."), 409
        try:
            reflections.save_reflection(db.session, current_user, lesson, text)
        except ReflectionRefused as error:
            return jsonify(ok=False, message=str(error)), 422
        return jsonify(ok=True, message="Opgeslagen.")
    form = ReflectionForm()
    findings = []
    if form.validate_on_submit() and not (findings := _privacy_findings(form.text.data or "")):
        reflections.save_reflection(db.session, current_user, lesson, form.text.data or "")
        flash("Je reflectie is opgeslagen.", "success")
        return redirect(url_for("learn.lesson", module_slug=module_slug, lesson_slug=lesson_slug) + "#reflectie")
    # Keep what was typed: show it again with the problem, on a page of its own.
    return render_template("practice/reflection.html", lesson=lesson, module=get_course().module(module_slug),
                           form=form, findings=findings), 422


@bp.get("/reflecties")
@read_only
@login_required
def reflections_page():
    return render_template("practice/reflections.html",
                           modules=reflections.reflections_of(db.session, get_course(), current_user))


def _privacy_findings(*texts: str) -> list:
    """What looks like identifying data, unless the learner chose to save anyway after seeing it."""
    if inputs.form_value("privacy") == PRIVACY_CONFIRM:
        return []
    return sensitive.check(db.session, current_user, *texts)


@bp.route("/cursus/<module_slug>/praktijkopdracht", methods=["GET", "POST"])
@login_required
def assignment(module_slug: str):
    module = get_course().module(module_slug)
    if module is None or module.assignment is None:
        abort(404)
    task = module.assignment
    setting = current_user.setting
    asked = inputs.arg_text("voor")
    shown = asked if workplace.valid(asked) else workplace.effective(setting)
    history = practice.submissions_of(db.session, current_user, module)
    state = practice.PracticeState.of(s.status for s in history)
    plan = practice.plan_of(db.session, current_user, module) if task.two_parts else None
    revising = bool(history) and history[0].status == practice.REVISION
    # Which part the form asks for: the plan first (two-part, no plan yet, or the learner edits it), then the rest.
    plan_step = task.two_parts and not revising and (plan is None or inputs.arg_text("plan") == "1"
                                                     or inputs.form_value("deel") == "1")
    fields = task.fields_for(setting, part=1 if plan_step else (2 if task.two_parts and not revising else None))
    own = [(lesson, row) for group in reflections.reflections_of(db.session, get_course(), current_user)
           if group.module.slug == module.slug for lesson, row in group.items]
    form = hand_in_form(fields, None if plan_step else [(lesson.slug, lesson.title) for lesson, _ in own],
                        submit="Plan bewaren" if plan_step else "Inleveren")
    findings = []
    if form.validate_on_submit():
        answers = {f.id: form[f.id].data for f in fields}
        attached = "" if plan_step else next((row.text for lesson, row in own if lesson.slug == form.reflectie.data), "")
        findings = _privacy_findings(*answers.values(), attached)
        if not findings:
            try:
                if plan_step:
                    practice.save_plan(db.session, current_user, module, answers)
                else:
                    submission = practice.hand_in(db.session, current_user, module, answers, attached)
            except PracticeProblem as problem:
                form.form_errors.append(str(problem))
            else:
                if plan_step:
                    flash("Je plan is bewaard. Bespreek het nu met " + workplace.MENTOR[workplace.effective(setting)]
                          + ". Na het gesprek vul je deel 2 in.", "success")
                else:
                    mailed = notify_coaches(current_app._get_current_object(), current_user, module, submission.id)
                    flash("Je opdracht is ingeleverd." + (" Je coach krijgt hem te zien en een mail met een link "
                                                          "(zonder je tekst)." if mailed else ""), "success")
                return redirect(url_for(".assignment", module_slug=module.slug))
    elif request.method == "GET":
        source = history[0].answers if revising else (plan.answers if plan and plan_step else {})
        for f in fields:  # start the revision (or a change of plan) from the last version
            form[f.id].data = source.get(f.id, "")
    days = current_app.config["PRACTICE_RETENTION_DAYS"]
    return render_template(
        "practice/assignment.html", module=module, assignment=task, form=form, fields=fields, history=history,
        state=state, has_coach=teams.has_coach(db.session, current_user), retention_days=days,
        retention=timedelta(days=days), certificate=practice_certificate(module), setting=setting, shown=shown,
        variant=task.variants[shown], plan=plan, plan_step=plan_step, revising=revising, findings=findings,
        settings=workplace.SETTINGS, short=workplace.SHORT, mentor=workplace.MENTOR[shown],
        code_form=JoinCodeForm(prefix="code"),
        observations=practice.observations_of(db.session, current_user.id, module.slug),
    ), 422 if form.errors or form.form_errors or findings else 200


def practice_certificate(module):
    from course import certificates
    return next((c for c in certificates.certificates_of(db.session, current_user)
                 if c.scope == practice.scope(module)), None)
