"""Open Badges over HTTP: the published issuer, keys and revocation list; the learner's badge downloads;
and the page where a learner or manager hands in proof from elsewhere."""
import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from course import audit, certificates, credentials, teams
from course.credentials import baking, verify
from course.extensions import db, limiter
from course.models import Certificate, TeamMembership, User
from course.text import dutch_date
from course.web import inputs
from course.web.forms import ExternalProofForm
from course.web.helpers import attachment, get_course, issuer

bp = Blueprint("badges", __name__)

PUBLIC_CACHE = "public, max-age=300"


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


# The same budget as the verification page (scope "verify"): a credential by code is a verification too.
verify_limit = limiter.shared_limit(_verify_limit, scope="verify")


def _json(document: dict, mimetype: str = "application/json"):
    return current_app.response_class(json.dumps(document, ensure_ascii=False, indent=2), mimetype=mimetype,
                                      headers={"Cache-Control": PUBLIC_CACHE, "Access-Control-Allow-Origin": "*"})


@bp.get("/openbadges/issuer")
def issuer_profile():
    return _json(issuer().published_profile(), "application/ld+json")


@bp.get("/openbadges/jwks.json")
def jwks():
    return _json(issuer().keyring.jwks(), "application/jwk-set+json")


@bp.get("/openbadges/status/1")
def status_list():
    token = credentials.status_list(db.session, issuer())
    db.session.rollback()  # only read
    return current_app.response_class(token, mimetype="application/vc+jwt", headers={
        "Cache-Control": "public, max-age=60", "Access-Control-Allow-Origin": "*"})


@bp.get("/openbadges/credentials/<code>.jwt")
@verify_limit
def public_credential(code: str):
    """A certificate's signed credential by its code, for another installation that checks it (a code is public)."""
    certificate = certificates.find(db.session, code[:40])
    if certificate is None:
        abort(404)
    try:
        badge = credentials.ensure(db.session, get_course(), issuer(), certificate)
    except credentials.NoCredential:
        abort(404)
    return current_app.response_class(badge.jwt, mimetype="application/vc+jwt", headers={
        "Cache-Control": "no-store", "Access-Control-Allow-Origin": "*"})


def _own_badge(code: str):
    certificate = certificates.owned(db.session, current_user, code)
    try:
        return certificate, credentials.ensure(db.session, get_course(), issuer(), certificate)
    except credentials.NoCredential:
        abort(404)


def _file_stem(certificate: Certificate) -> str:
    return certificates.filename(certificates.CertificateData.of(certificate)).removesuffix(".pdf") + "-openbadge"


@bp.get("/certificaten/<code>/openbadge.png")
@login_required
def badge_png(code: str):
    certificate, badge = _own_badge(code)
    heading = "Praktijkverklaring" if certificate.is_practice else "Certificaat"
    image = baking.draw(certificate.title, heading, str(certificate.issued_at.year))
    return attachment(baking.bake(image, badge.jwt), "image/png", _file_stem(certificate) + ".png")


@bp.get("/certificaten/<code>/openbadge.json")
@login_required
def badge_json(code: str):
    certificate, badge = _own_badge(code)
    document = {"credential": credentials.credential_of(badge.jwt), "jwt": badge.jwt}
    return attachment(json.dumps(document, ensure_ascii=False, indent=2), "application/json",
                      _file_stem(certificate) + ".json")


def _read_source(form: ExternalProofForm):
    """What was handed in: a file, pasted text, or a code with an address (exactly one)."""
    data = inputs.upload("bestand", max_bytes=verify.MAX_INPUT)
    given = [bool(data), bool(form.tekst.data), bool(form.code.data or form.adres.data)]
    if sum(given) == 0:
        raise verify.Refused("Kies een bestand, plak de tekst van een Open Badge, of vul een certificaatcode in.")
    if sum(given) > 1:
        raise verify.Refused("Geef één bewijs tegelijk: een bestand, geplakte tekst óf een certificaatcode.")
    if form.code.data or form.adres.data:
        code = certificates.normalise_code(form.code.data or "")
        if code is None:
            raise verify.Refused("Vul de certificaatcode in zoals die op het certificaat staat, bijvoorbeeld "
                                 "K7QX-3MZD-9TRH.")
        origin = verify.normalise_origin(form.adres.data)
        if origin.rstrip("/") == current_app.config["BASE_URL"].rstrip("/").lower():
            raise verify.Refused("Deze code is van dit leerplatform zelf. Wat je hier haalt, staat al in je overzicht.")
        return verify.CodeReference(origin, code)
    return verify.read_input(data or form.tekst.data.encode("utf-8"))


def _check_and_take_in(form: ExternalProofForm, learner: User):
    """(verified row, None) when taken in; (None, reason) when refused. Nothing is stored on a refusal."""
    fetcher = current_app.extensions["openbadge_fetcher"]
    own = issuer().id
    try:
        source = _read_source(form)
        if isinstance(source, verify.CodeReference):
            checked = verify.verify_reference(source, fetcher, own)
        else:
            checked = verify.verify_token(source, fetcher, own)
        row = verify.take_in(db.session, learner, checked, current_user)
    except verify.Refused as refused:
        db.session.rollback()
        return None, str(refused)
    return row, None


def _too_big(reason: str) -> bool:
    return "te groot" in reason


def _proof_page(learner: User, *, for_manager: bool, added, back: str):
    """The page for proof from elsewhere, for the learner themself or for a manager: check, take in, show.

    `added(row)` says (and, for a manager, records) what was taken in; `back` is where a success returns to.
    """
    form = ExternalProofForm()
    refused, invalid = None, False
    if request.method == "POST":
        if not form.validate_on_submit():
            invalid = True
        else:
            row, refused = _check_and_take_in(form, learner)
            if row is not None:
                added(row)
                return redirect(back)
    found = verify.external_of(db.session, learner.id)
    status = 400 if invalid else 200 if refused is None else 413 if _too_big(refused) else 422
    return render_template("certificates/external.html", form=form, refused=refused, learner=learner,
                           external=found, for_manager=for_manager), status


@bp.route("/certificaten/extern", methods=["GET", "POST"])
@login_required
@verify_limit  # each check may fetch from elsewhere: the verification budget applies
def external_mine():
    """The learner hands in proof from elsewhere for their own record."""
    def added(row):
        flash(f"Gecontroleerd en toegevoegd als extern behaald: ‘{row.title}’ van {row.issuer_name}, "
              f"behaald op {dutch_date(row.achieved_at)}.", "success")
    return _proof_page(current_user, for_manager=False, added=added, back=url_for(".external_mine"))


def _managed_member(user_id: int) -> User:
    """A member of a team the viewer manages (an administrator: any team); 404 for anyone else."""
    team_ids = [t.id for t in teams.managed_teams(db.session, current_user)]
    member = db.session.scalar(select(User).join(TeamMembership, TeamMembership.user_id == User.id)
                               .where(User.id == user_id, TeamMembership.team_id.in_(team_ids))) if team_ids else None
    if member is None:
        abort(404)
    return member


@bp.route("/opleidingsoverzicht/medewerkers/<int:user_id>/extern", methods=["GET", "POST"])
@login_required
@verify_limit  # each check may fetch from elsewhere: the verification budget applies
def external_member(user_id: int):
    """A manager hands in proof that a new employee brings."""
    member = _managed_member(user_id)

    def added(row):
        audit.record(db.session, current_user, "extern bewijs toegevoegd", subject=member,
                     detail=f"{row.title} ({row.issuer_name})")
        db.session.commit()
        flash(f"Gecontroleerd en toegevoegd aan het overzicht van {member.name}: ‘{row.title}’ van "
              f"{row.issuer_name}.", "success")
    return _proof_page(member, for_manager=True, added=added, back=url_for(".external_member", user_id=member.id))

