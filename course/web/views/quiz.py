"""Module quizzes: the quiz page, an attempt, and its result."""
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from course import attempts, certificates
from course.errors import QuizLocked, RetakeNotYet, TamperedAnswers
from course.extensions import db
from course.progress import course_progress
from course.web import inputs
from course.web.forms import ActionForm
from course.web.helpers import get_course, sign_badges

bp = Blueprint("quiz", __name__, url_prefix="/cursus/<module_slug>/quiz")


def _module(module_slug: str):
    module = get_course().module(module_slug)
    if module is None or module.quiz is None:
        abort(404)
    return module


def _rule(module):
    return attempts.retake_rule(db.session, current_user, module, current_app.config["QUIZ_RETAKE_WAIT_MINUTES"])


def _attempt(module, attempt_id: int):
    return attempts.get_attempt(db.session, current_user, module, attempt_id)


@bp.get("/")
@login_required
def show(module_slug: str):
    module = _module(module_slug)
    history = attempts.attempts_for(db.session, current_user, module)
    now = current_app.config["CLOCK"]()
    rule = _rule(module)
    return render_template(
        "quiz/show.html", module=module, quiz=module.quiz, history=history, form=ActionForm(),
        rule=rule, retake_open=rule.is_open(now), retake_message=rule.message(now),
        wait_minutes=current_app.config["QUIZ_RETAKE_WAIT_MINUTES"],
        open_attempt=next((a for a in history if a.is_open), None),
        best=max((a.score for a in history if a.score is not None), default=None),
        unlocked=attempts.lessons_finished(db.session, current_user, module),
        completion=attempts.completion_for(db.session, current_user, module),
    )


@bp.post("/start")
@login_required
def start(module_slug: str):
    module = _module(module_slug)
    if not ActionForm().validate_on_submit():
        flash("De pagina was verlopen. Klik nog een keer op de knop.", "error")
        return redirect(url_for(".show", module_slug=module.slug))
    try:
        attempt = attempts.start_attempt(db.session, current_user, module, now=current_app.config["CLOCK"](),
                                         wait_minutes=current_app.config["QUIZ_RETAKE_WAIT_MINUTES"])
    except (QuizLocked, RetakeNotYet) as error:
        flash(str(error), "error")
        return redirect(url_for(".show", module_slug=module.slug))
    return redirect(url_for(".attempt", module_slug=module.slug, attempt_id=attempt.id))


@bp.route("/poging/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(module_slug: str, attempt_id: int):
    module = _module(module_slug)
    attempt = _attempt(module, attempt_id)
    if not attempt.is_open:
        if request.method == "POST":
            flash("Deze poging was al ingeleverd. Hieronder zie je de uitslag.", "info")
        return redirect(url_for(".result", module_slug=module.slug, attempt_id=attempt.id))
    form, answers, missing, problem = ActionForm(), attempt.answers or {}, [], None
    if request.method == "POST":
        try:
            answers = attempts.read_answers(attempt, module.quiz, inputs.form_lists())
        except TamperedAnswers as error:
            problem = str(error)
        else:
            if not form.validate_on_submit():
                problem = "De pagina was verlopen. Je antwoorden staan er nog: lever ze opnieuw in."
            elif inputs.form_value("actie") in ("stoppen", "bewaren"):  # "bewaren": a page opened before the rename
                attempts.save_answers(db.session, attempt, answers)
                flash("Je antwoorden zijn bewaard. Je kunt later verder waar je gebleven was.", "success")
                return redirect(url_for(".show", module_slug=module.slug))
            else:
                missing = attempts.unanswered(attempt, module.quiz, answers)
                if not missing or inputs.form_value("actie") == "toch-inleveren":
                    done = attempts.submit_attempt(db.session, get_course(), current_user, module, attempt, answers,
                                                   current_app.config["ISSUER_NAME"], current_app.config["CLOCK"]())
                    if done.completed_module:
                        # Drawn once now, so that a manager's ZIP of hundreds reads the PDF instead of drawing it.
                        certificates.store_pdfs(db.session, certificates.certificates_of(db.session, current_user),
                                                current_app.config["BASE_URL"])
                        sign_badges(certificates.certificates_of(db.session, current_user))
                        flash(f"Gefeliciteerd! Je hebt module {module.number} afgerond. Je certificaat staat klaar "
                              "bij 'Mijn certificaten'.", "success")
                    return redirect(url_for(".result", module_slug=module.slug, attempt_id=attempt.id))
    status = 422 if problem or missing else 200
    questions = attempts.drawn_questions(attempt, module.quiz)
    open_numbers = attempts.unanswered(attempt, module.quiz, answers)
    # A resumed attempt opens (on a phone, one question per screen) at its first unanswered question.
    first_open = open_numbers[0] if answers and open_numbers else None
    return render_template("quiz/attempt.html", module=module, quiz=module.quiz, attempt=attempt, form=form,
                           questions=questions, answers=answers, answered=len(questions) - len(open_numbers),
                           first_open=first_open,
                           missing=missing, problem=problem), status


@bp.post("/poging/<int:attempt_id>/opslaan")
@login_required
def autosave(module_slug: str, attempt_id: int):
    """Save the answers as they change (course/static/quiz.js); answer how many questions are answered."""
    module = _module(module_slug)
    attempt = _attempt(module, attempt_id)
    if not ActionForm().validate_on_submit():
        return jsonify(saved=False, problem="De pagina was verlopen. Laad de pagina opnieuw."), 400
    try:
        answers = attempts.read_answers(attempt, module.quiz, inputs.form_lists())
    except TamperedAnswers as error:
        return jsonify(saved=False, problem=str(error)), 400
    if not attempt.is_open or not attempts.save_answers(db.session, attempt, answers):
        return jsonify(saved=False, problem="Deze poging is al ingeleverd."), 409
    total = len(attempt.draw)
    return jsonify(saved=True, answered=total - len(attempts.unanswered(attempt, module.quiz, answers)), total=total)


@bp.get("/poging/<int:attempt_id>/uitslag")
@login_required
def result(module_slug: str, attempt_id: int):
    module = _module(module_slug)
    attempt = _attempt(module, attempt_id)
    if attempt.is_open:
        return redirect(url_for(".attempt", module_slug=module.slug, attempt_id=attempt.id))
    items = attempts.review(attempt)
    course = get_course()
    following = course.modules.index(module) + 1
    now = current_app.config["CLOCK"]()
    rule = _rule(module)
    return render_template("quiz/result.html", module=module, quiz=module.quiz, attempt=attempt, form=ActionForm(),
                           items=items, reread=attempts.lessons_to_reread(attempt, module),
                           retake_open=rule.is_open(now), retake_message=rule.message(now),
                           completion=attempts.completion_for(db.session, current_user, module),
                           progress=course_progress(db.session, course, current_user).for_module(module.slug),
                           next_module=course.modules[following] if following < len(course.modules) else None)
