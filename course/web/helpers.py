"""What the views share: the loaded course, downloads, read-only pages, starting a session, PDF answers."""
from functools import wraps

from flask import current_app, session
from flask_login import login_user

from course import certificates
from course.catalog import Course
from course.extensions import db


def get_course() -> Course:
    """Return the course loaded at start-up for the current app."""
    return current_app.extensions["course"]


def attachment(data: bytes | str, mimetype: str, filename: str):
    """A private download: never cached by a shared proxy, saved under filename."""
    return current_app.response_class(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


def read_only(view):
    """Run a view that only reads without opening a transaction (on PostgreSQL).

    Each statement then commits on its own, as in Django's default autocommit mode. Under READ
    COMMITTED every statement sees its own snapshot anyway, so a reading page sees the same data,
    but saves the BEGIN and ROLLBACK round trips. Put it outside login_required: the user query
    must be the first statement. Views that write must not use it: their writes would not be
    atomic. SQLite opens no transaction for reads in the first place.
    """
    @wraps(view)
    def wrapper(*args, **kwargs):
        if db.engine.dialect.name == "postgresql":
            db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        return view(*args, **kwargs)
    return wrapper


def start_session(user) -> None:
    """Log the user in on a fresh session, so nothing from before login carries over."""
    session.clear()
    login_user(user)


def pdf_response(certificate):
    """A certificate as a PDF download, drawn from its frozen data."""
    data = certificates.CertificateData.of(certificate)
    pdf = certificates.render_pdf(data, current_app.config["BASE_URL"])
    return attachment(pdf, "application/pdf", certificates.filename(data))
