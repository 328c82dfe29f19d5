"""Open Badges 3.0: a signed credential beside every certificate, the published keys and revocation list,
and the check of proof that a learner brings from elsewhere. Domain code: no HTTP here.

- keys.py: the signing key (generated on first start, or given by a setting) and the published key set
- credential.py: the OpenBadgeCredential of a certificate, signed as a VC-JWT
- status.py: the Bitstring Status List that tells revoked credentials apart
- baking.py: the badge image with the credential inside (PNG, iTXt "openbadgecredential")
- verify.py: checking a credential from elsewhere (signature, issuer, status, expiry) and taking it in
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course.catalog import Course
from course.credentials import status
from course.credentials.credential import VC_CONTEXT, Achievement, Issuer, build, credential_of, iso, sign
from course.models import Certificate, OpenBadge, User
from course.text import utcnow

STATUS_LIST_VALID_DAYS = 1  # a fetched list says how long a verifier may keep it (validUntil)


class NoCredential(LookupError):
    """This certificate has no credential and gets none (revoked before it had one, or its name was removed)."""


def _scope_module(course: Course, scope: str):
    from course.practice import SCOPE_PREFIX
    return course.module(scope[len(SCOPE_PREFIX):] if scope.startswith(SCOPE_PREFIX) else scope)


def achievement_for(course: Course, certificate: Certificate, base_url: str) -> Achievement:
    """What the certificate is for, in Dutch, from its frozen data and the catalog."""
    base = base_url.rstrip("/")
    load = f"## Studiebelasting\n\n{certificate.study_text[:1].upper()}{certificate.study_text[1:]}."
    goals = list(certificate.goals or ())
    if certificate.is_practice:
        module = _scope_module(course, certificate.scope)
        number = f" van module {module.number}" if module else ""
        tested = (f"De houder heeft de praktijkopdracht{number} in het eigen werk met kinderen uitgevoerd en "
                  "schriftelijk ingeleverd. Een coach van de eigen organisatie heeft dat werk beoordeeld en "
                  f"afgetekend: {certificate.signer}.")
        if module and module.assignment:
            goals = goals or [module.assignment.title]
        kind, description = "Assignment", ("Praktijkverklaring van de online cursus Veilige Gehechtheid: een "
                                           "opdracht in de eigen praktijk, afgetekend door een coach.")
    elif certificate.is_course:
        tested = (f"De houder heeft alle {len(course.modules)} modules van de cursus afgerond: per module alle "
                  "lessen gelezen en de online toets van de module gehaald.")
        goals = goals or [f"Module {m.number}: {m.title}" for m in course.modules]
        kind, description = "CertificateOfCompletion", ("Certificaat voor de hele online cursus Veilige Gehechtheid, "
                                                        "voor pedagogisch medewerkers en gastouders.")
    else:
        module = course.module(certificate.scope)
        quiz = module.quiz if module else None
        how = (f" Bij elke poging krijgt de houder {quiz.draw} vragen, gekozen uit een grotere vragenbank; "
               f"minstens {quiz.pass_mark}% goed is nodig om te slagen.") if quiz else ""
        tested = ("De houder heeft alle lessen van deze module gelezen en de online toets van de module gehaald." + how)
        kind, description = "CertificateOfCompletion", ("Certificaat voor een module van de online cursus Veilige "
                                                        "Gehechtheid, voor pedagogisch medewerkers en gastouders.")
    parts = [f"## Wat is getoetst en hoe\n\n{tested}"]
    if goals:
        parts.append("## Leerdoelen\n\n" + "\n".join(f"- {goal}" for goal in goals))
    parts.append(load)
    return Achievement(f"{base}/openbadges/achievements/{certificate.scope}", kind, certificate.title, description,
                       "\n\n".join(parts), float(certificate.hours))


def stored(session: Session, certificate: Certificate) -> OpenBadge | None:
    return session.get(OpenBadge, certificate.id)


def ensure(session: Session, course: Course, issuer: Issuer, certificate: Certificate) -> OpenBadge:
    """The certificate's credential: the stored one, or signed now (with the certificate's own issue date) and stored.

    Signed once: a credential is never signed again, so it stays what the learner already holds. A
    certificate that was revoked or lost its name before it had a credential gets none (NoCredential).
    """
    badge = stored(session, certificate)
    if badge is not None:
        return badge
    owner = session.get(User, certificate.user_id) if certificate.user_id else None
    if not certificate.is_valid or certificate.name_removed or owner is None:
        raise NoCredential()
    achievement = achievement_for(course, certificate, issuer.base_url)
    certificate_id = certificate.id
    for _ in range(20):  # a random position is taken by another credential about once in LIST_SIZE / n
        index = status.random_index()
        if session.scalar(select(OpenBadge.certificate_id).where(OpenBadge.status_index == index)) is not None:
            continue
        credential = build(issuer, code=certificate.code, learner_name=certificate.name, email=owner.email,
                           achievement=achievement, issuer_name=certificate.issuer, issued_at=certificate.issued_at,
                           status_index=index)
        badge = OpenBadge(certificate_id=certificate_id, status_index=index, kid=issuer.keyring.kid,
                          jwt=sign(issuer, credential, certificate.issued_at), signed_at=utcnow())
        session.add(badge)
        try:
            session.commit()
            return badge
        except IntegrityError:  # another request signed it a moment earlier, or took this position
            session.rollback()
            badge = session.get(OpenBadge, certificate_id)
            if badge is not None:
                return badge
    raise RuntimeError("no free position in the status list")  # only when the list is nearly full


def ensure_all(session: Session, course: Course, issuer: Issuer, found: list[Certificate]) -> None:
    """Sign the credentials of these certificates that have none yet (at issue)."""
    for certificate in found:
        try:
            ensure(session, course, issuer, certificate)
        except NoCredential:
            pass


def status_list(session: Session, issuer: Issuer, now: datetime | None = None) -> str:
    """The revocation list as a signed BitstringStatusListCredential (VC-JWT), drawn from the revoked certificates."""
    now = now or utcnow()
    revoked = session.scalars(select(OpenBadge.status_index).join(Certificate, Certificate.id == OpenBadge.certificate_id)
                              .where(Certificate.revoked_at.is_not(None)))
    list_credential = {
        "@context": [VC_CONTEXT],
        "id": issuer.status_list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.id,
        "validFrom": iso(now),
        "validUntil": iso(now + timedelta(days=STATUS_LIST_VALID_DAYS)),
        "credentialSubject": {
            "id": f"{issuer.status_list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": status.encode(revoked),
        },
    }
    return sign(issuer, list_credential, now)


def forget_names(session: Session, user_id: int) -> None:
    """On account deletion: drop the user's credentials (they carry the name and the e-mail hash); the caller commits."""
    session.execute(delete(OpenBadge).where(OpenBadge.certificate_id.in_(
        select(Certificate.id).where(Certificate.user_id == user_id))))


__all__ = ["Achievement", "Issuer", "NoCredential", "achievement_for", "credential_of", "ensure", "ensure_all",
           "forget_names", "status_list", "stored"]
