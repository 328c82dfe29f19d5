"""Public pages: home, glossary, printable signal list."""
from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from course.web.helpers import get_course
from course.extensions import db
from course.progress import course_progress
from course.web import outage
from course.web.helpers import read_only

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
