"""The learner's practice: reflections under each lesson, "Mijn reflecties", and handing in an assignment."""
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from course import practice, reflections, teams
from course.errors import PracticeProblem, ReflectionRefused
from course.extensions import db
from course.web.forms import ReflectionForm, hand_in_form
from course.web.helpers import get_course, read_only
from course.web.mails.practice import notify_coaches
from course.web import inputs

bp = Blueprint("practice", __name__)


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
        text = inputs.clean_text(inputs.json_body().get("text"), max_length=reflections.MAX_LENGTH * 2)
        try:
            reflections.save_reflection(db.session, current_user, lesson, text)
        except ReflectionRefused as error:
            return jsonify(ok=False, message=str(error)), 422
        return jsonify(ok=True, message="Opgeslagen.")
    form = ReflectionForm()
    if form.validate_on_submit():
        reflections.save_reflection(db.session, current_user, lesson, form.text.data or "")
        flash("Je reflectie is opgeslagen.", "success")
        return redirect(url_for("learn.lesson", module_slug=module_slug, lesson_slug=lesson_slug) + "#reflectie")
    # Keep what was typed: show it again with the problem, on a page of its own.
    return render_template("practice/reflection.html", lesson=lesson, module=get_course().module(module_slug),
                           form=form), 422


@bp.get("/reflecties")
@read_only
@login_required
def reflections_page():
    return render_template("practice/reflections.html",
                           modules=reflections.reflections_of(db.session, get_course(), current_user))


@bp.route("/cursus/<module_slug>/praktijkopdracht", methods=["GET", "POST"])
@login_required
def assignment(module_slug: str):
    module = get_course().module(module_slug)
    if module is None or module.assignment is None:
        abort(404)
    history = practice.submissions_of(db.session, current_user, module)
    state = practice.PracticeState.of(s.status for s in history)
    days = current_app.config["PRACTICE_RETENTION_DAYS"]
    own = [(lesson, row) for group in reflections.reflections_of(db.session, get_course(), current_user)
           if group.module.slug == module.slug for lesson, row in group.items]
    form = hand_in_form(module.assignment, [(lesson.slug, lesson.title) for lesson, _ in own])
    if form.validate_on_submit():
        attached = next((row.text for lesson, row in own if lesson.slug == form.reflectie.data), "")
        answers = {f.id: form[f.id].data for f in module.assignment.fields}
        try:
            submission = practice.hand_in(db.session, current_user, module, answers, attached)
        except PracticeProblem as problem:
            form.form_errors.append(str(problem))
        else:
            mailed = notify_coaches(current_app._get_current_object(), current_user, module, submission.id)
            flash("Je opdracht is ingeleverd." + (" Je coach krijgt hem te zien en een mail met een link (zonder je "
                                                  "tekst)." if mailed else ""), "success")
            return redirect(url_for(".assignment", module_slug=module.slug))
    elif request.method == "GET" and history and history[0].status == practice.REVISION:
        for f in module.assignment.fields:  # start the revision from the last version
            form[f.id].data = history[0].answers.get(f.id, "")
    return render_template("practice/assignment.html", module=module, assignment=module.assignment, form=form,
                           history=history, state=state, has_coach=teams.has_coach(db.session, current_user),
                           retention_days=days, retention=timedelta(days=days),
                           certificate=practice_certificate(module)), 422 if form.errors or form.form_errors else 200


def practice_certificate(module):
    from course import certificates
    return next((c for c in certificates.certificates_of(db.session, current_user)
                 if c.scope == practice.scope(module)), None)
