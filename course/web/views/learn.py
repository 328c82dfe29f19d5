"""The course for a learner: overview, module pages, lessons and lesson completion."""
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from course import exercises, teams
from course.errors import ExerciseProblem
from course.extensions import db
from course.progress import completed_lessons, course_progress, mark_lesson_done
from course.web import inputs, viewer_flags
from course.web.forms import ActionForm
from course.web.helpers import get_course, read_only
from course.web.shared_pages import render_shared

bp = Blueprint("learn", __name__, url_prefix="/cursus")


def _progress():
    return course_progress(db.session, get_course(), current_user)


def _lesson_or_404(module_slug: str, lesson_slug: str):
    module = get_course().module(module_slug)
    lesson = module.lesson(lesson_slug) if module else None
    if lesson is None:
        abort(404)
    return module, lesson


@bp.get("/")
@read_only
@login_required
def overview():
    # A manager lands here too: a card per team says who is behind (an administrator gets a link instead).
    flags = viewer_flags(current_user)
    team_cards = current_app.extensions["team_reports"].summaries(
        db.session, get_course(), teams.managed_teams(db.session, current_user)) \
        if flags["is_manager"] and not current_user.is_admin else []
    return render_template("learn/overview.html", course=get_course(), progress=_progress(), team_cards=team_cards,
                           has_coach=teams.has_coach(db.session, current_user),
                           exercise_scores=exercises.lesson_scores(db.session, get_course(), current_user))


@bp.get("/verder")
@read_only
@login_required
def resume():
    """Open the next step: the first unfinished lesson or open quiz, in course order (the overview when all is done)."""
    step = _progress().next_step()
    if step is None:
        return redirect(url_for(".overview"))
    endpoint, values = step.endpoint
    return redirect(url_for(endpoint, **values))


@bp.get("/<module_slug>/")
@read_only
@login_required
def module(module_slug: str):
    module = get_course().module(module_slug) or abort(404)
    return render_template("learn/module.html", module=module, progress=_progress())


@bp.get("/<module_slug>/<lesson_slug>")
@read_only
@login_required
def lesson(module_slug: str, lesson_slug: str):
    module, lesson = _lesson_or_404(module_slug, lesson_slug)
    return _lesson_page(module, lesson)


def _lesson_page(module, lesson, problem: str = "", problem_for: str = "", answers=None, status: int = 200):
    state = exercises.lesson_page_state(db.session, current_user, lesson)  # one query for all of it
    if state.reread_pending:  # a failed quiz attempt asked to open this lesson again: now it is
        exercises.mark_reread(db.session, current_user, lesson, current_app.config["CLOCK"]())
    done, reflection = state.done, state.reflection
    index = module.lessons.index(lesson)
    # The page learners open most: the same HTML for everyone at this lesson in the same state and with
    # the same menu; the learner's own reflection text and practice answers are put in afterwards.
    block = ""
    if lesson.exercises:
        mine = dict(state.answers)
        if answers:  # a refused answer is shown back as given, with the message
            mine.update(answers)
        block = render_template("learn/_exercises.html", module=module, lesson=lesson,
                                items=exercises.lesson_items(lesson, {k: v for k, v in mine.items() if k != problem_for}),
                                problem=problem, problem_for=problem_for)
    # The page learners open most: the same HTML for everyone at this lesson in the same state and with
    # the same menu (course/web/shared_pages.py); this learner's reflection and practice answers are its slots.
    html = render_shared(
        "learn/lesson.html", (module.slug, lesson.slug, done, bool(reflection)), viewer_flags(current_user),
        slots={"reflection": reflection, "exercises": Markup(block)},
        module=module, lesson=lesson, index=index, done=done,
        previous=module.lessons[index - 1] if index else None,
        next=module.lessons[index + 1] if index + 1 < len(module.lessons) else None,
        reflection_saved=bool(reflection),
    )
    return html, status


@bp.post("/<module_slug>/<lesson_slug>/oefenvraag/<question_id>")
@login_required
def exercise(module_slug: str, lesson_slug: str, question_id: str):
    """Answer a practice question: the key and the feedback show at once; nothing counts toward the quiz.

    Without JavaScript a form POST that returns to the question; with it (course/static/exercises.js)
    the same POST answers with the question's new HTML.
    """
    module, lesson = _lesson_or_404(module_slug, lesson_slug)
    question = lesson.exercise(question_id)
    wants_json = request.accept_mimetypes.best == "application/json"
    if question is None:
        problem = "Deze oefenvraag bestaat niet (meer) bij deze les. Laad de pagina opnieuw."
        return (jsonify(problem=problem), 404) if wants_json else abort(404)
    try:
        if not ActionForm().validate_on_submit():
            raise ExerciseProblem("De pagina was verlopen. Laad de pagina opnieuw en kies je antwoord nog een keer.")
        answer = exercises.read_answer(question, inputs.form_lists())
    except ExerciseProblem as error:
        if wants_json:
            return jsonify(problem=str(error)), 422
        return _lesson_page(module, lesson, str(error), question.id, status=422)
    done = exercises.save_answer(db.session, current_user, lesson, question, answer, current_app.config["CLOCK"]())
    if wants_json:
        return jsonify(html=render_template("learn/_exercise.html", module=module, lesson=lesson, item=done,
                                            problem="", problem_for=""), correct=done.correct)
    return redirect(url_for(".lesson", module_slug=module.slug, lesson_slug=lesson.slug,
                            _anchor=f"oefen-{question.id}"), 303)


@bp.post("/<module_slug>/<lesson_slug>/afgerond")
@login_required
def lesson_done(module_slug: str, lesson_slug: str):
    """Record the lesson as done and open what comes next: the next lesson, the quiz, or the module page."""
    module, lesson = _lesson_or_404(module_slug, lesson_slug)
    if not ActionForm().validate_on_submit():
        flash("De pagina was verlopen. Klik nog een keer op de knop.", "error")
        return redirect(url_for(".lesson", module_slug=module.slug, lesson_slug=lesson.slug))
    mark_lesson_done(db.session, current_user, lesson)
    done = completed_lessons(db.session, current_user)
    left = sum((module.slug, other.slug) not in done for other in module.lessons)
    index = module.lessons.index(lesson)
    if left:
        flash(f"Les {index + 1} afgerond · nog {left} {'les' if left == 1 else 'lessen'} tot "
              f"{'de quiz' if module.quiz else 'het einde van de module'}", "success")
    if index + 1 < len(module.lessons):
        following = module.lessons[index + 1]
        return redirect(url_for(".lesson", module_slug=module.slug, lesson_slug=following.slug))
    if left == 0 and module.quiz:
        flash(f"Les {index + 1} afgerond. Je hebt alle lessen van '{module.title}' gelezen: nu de quiz.", "success")
        return redirect(url_for("quiz.show", module_slug=module.slug))
    if left == 0:
        flash(f"Je hebt alle lessen van '{module.title}' gelezen.", "success")
    return redirect(url_for(".module", module_slug=module.slug))
