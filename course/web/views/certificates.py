"""Certificates: the learner's list and downloads, reissue, and the public verification page."""
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from course import certificates
from course.extensions import db, limiter
from course.text import utcnow
from course.web import inputs
from course.web.forms import ActionForm
from course.web.helpers import pdf_response, read_only

bp = Blueprint("certificates", __name__)


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


# Both ways into the verification page share one budget per visitor, against guessing codes.
verify_limit = limiter.shared_limit(_verify_limit, scope="verify")


@bp.get("/certificaten/")
@read_only
@login_required
def mine():
    own = certificates.certificates_of(db.session, current_user)
    return render_template("certificates/mine.html", certificates=own, form=ActionForm())


@bp.get("/certificaten/<code>.pdf")
@read_only
@login_required
def download(code: str):
    return pdf_response(certificates.owned(db.session, current_user, code))


@bp.route("/certificaten/<code>/opnieuw", methods=["GET", "POST"])
@login_required
def reissue(code: str):
    certificate = certificates.owned(db.session, current_user, code)
    if not certificate.is_valid or certificate.name == current_user.name:
        flash("Dit certificaat staat al op je huidige naam.", "info")
        return redirect(url_for(".mine"))
    form = ActionForm()
    if form.validate_on_submit():
        new = certificates.reissue_with_current_name(db.session, current_user, certificate)
        flash(f"Je nieuwe certificaat staat klaar, met verificatiecode {new.code}. De oude code is niet meer geldig.",
              "success")
        return redirect(url_for(".mine"))
    return render_template("certificates/reissue.html", certificate=certificate, form=form)


@bp.get("/verify")
@verify_limit
@read_only
def verify():
    code = inputs.arg_text("code", max_length=1000).strip()
    if not code:
        return render_template("certificates/verify.html", code="", certificate=None, checked=False)
    if len(code) > 40:
        return render_template("certificates/verify.html", code=code[:40], certificate=None, checked=True), 404
    certificate = certificates.find(db.session, code)
    return render_template("certificates/verify.html", code=code, certificate=certificate, checked=True,
                           checked_at=utcnow()), (200 if certificate else 404)


@bp.get("/verify/<code>")
@verify_limit
@read_only
def verify_code(code: str):
    certificate = certificates.find(db.session, code[:40])
    return render_template("certificates/verify.html", code=code[:40], certificate=certificate, checked=True,
                           checked_at=utcnow()), (200 if certificate else 404)
