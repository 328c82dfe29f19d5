"""Public pages: home, the "Wat doe ik nu?" guide; for learners: glossary, printable signal list."""
from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from course import guide as guide_search
from course.extensions import db
from course.progress import course_progress
from course.web import inputs, outage
from course.web.helpers import get_course, read_only

bp = Blueprint("main", __name__)


@bp.get("/")
@read_only
def index():
    course = get_course()
    progress = course_progress(db.session, course, current_user) if current_user.is_authenticated else None
    return render_template("index.html", course=course, progress=progress)


@bp.get("/gezond")
def health():
    """For load balancers: 200 when the database answers, 503 when not (also the load benchmark's baseline)."""
    return outage.health()


@bp.get("/privacy")
def privacy():
    return render_template("privacy.html")


@bp.get("/begrippen")
@read_only
@login_required
def glossary():
    return render_template("glossary.html", terms=get_course().terms)


@bp.get("/signalenlijst")
@read_only
@login_required
def signal_list():
    page = get_course().page("signalenlijst")
    if page is None:
        abort(404)
    return render_template("page.html", page=page, printable=True)


# The guide is for the moment itself (at the door, on a phone): readable without an account. It holds no
# personal data, only what to do, whom to call and what to write down; the lessons behind it stay for learners.
@bp.get("/wat-doe-ik-nu")
@read_only
def guide():
    course = get_course()
    found = guide_search.search(course.guide, inputs.arg_text("q", max_length=10_000))
    return render_template("guide/index.html", cards=course.guide, found=found,
                           shown={card.slug for card in found.cards}, max_query=guide_search.MAX_QUERY)


@bp.get("/wat-doe-ik-nu/<slug>")
@read_only
def guide_card(slug: str):
    course = get_course()
    card = course.guide_card(slug) or abort(404)
    lesson = course.lesson(card.module_slug, card.lesson_slug)
    return render_template("guide/card.html", card=card, lesson=lesson, module=course.module(card.module_slug),
                           printable=True)
