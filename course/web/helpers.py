"""What the views share: the loaded course, downloads, read-only pages, starting a session, PDF answers."""

from flask import current_app, request, session, stream_with_context
from flask_login import login_user

from course import certificates, credentials
from course.catalog import Course
from course.credentials.credential import Issuer
from course.extensions import db


def page_link(path: str) -> str:
    """A full link to show on a page (an invitation link): BASE_URL in production or when it is set; in
    development without it, the address this request came in on (another port than 5000 works too)."""
    config = current_app.config
    if config.get("PRODUCTION") or config.get("BASE_URL_SET"):
        return config["BASE_URL"] + path
    return request.host_url.rstrip("/") + path


def get_course() -> Course:
    """Return the course loaded at start-up for the current app."""
    return current_app.extensions["course"]


def attachment(data, mimetype: str, filename: str):
    """A private download: never cached by a shared proxy, saved under filename."""
    return current_app.response_class(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


def read_only(view):
    """Mark a view that only reads: it runs without opening a transaction (on PostgreSQL).

    Each statement then commits on its own, as in Django's default autocommit mode. Under READ
    COMMITTED every statement sees its own snapshot anyway, so a reading page sees the same data,
    but saves the BEGIN and ROLLBACK round trips. Views that write must not use it: their writes
    would not be atomic. SQLite opens no transaction for reads in the first place.

    The decorator only marks the view; a before_request hook (start_read_only) switches the
    connection before any view code or decorator runs, so its place among the decorators does not
    matter (functools.wraps in login_required carries the mark outward).
    """
    view.read_only = True
    return view


def start_read_only() -> None:
    """before_request: give a marked view's request an autocommit connection, before anything queries."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if getattr(view, "read_only", False) and db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def start_session(user) -> None:
    """Log the user in on a fresh session, so nothing from before login carries over."""
    session.clear()
    login_user(user)


def pdf_response(certificate):
    """A certificate as a PDF download, drawn from its frozen data."""
    data = certificates.CertificateData.of(certificate)
    pdf = certificates.render_pdf(data, current_app.config["BASE_URL"])
    return attachment(pdf, "application/pdf", certificates.filename(data))


def zip_download(found, filename: str):
    """Certificates as a ZIP download, sent while it is written, from their stored PDFs."""
    pdfs = certificates.stored_pdfs(db.session, found, current_app.config["BASE_URL"])
    return attachment(stream_with_context(certificates.zip_stream(pdfs)), "application/zip", filename)


def issuer() -> Issuer:
    """This installation as the issuer of Open Badges: its address, name and keys."""
    return Issuer(current_app.config["BASE_URL"], current_app.config["ISSUER_NAME"],
                  current_app.extensions["openbadge_keys"])


def sign_badges(found) -> None:
    """Sign the Open Badges of newly issued certificates right away (frozen from then on)."""
    credentials.ensure_all(db.session, get_course(), issuer(), found)
