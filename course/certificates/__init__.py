"""Certificates: issue (frozen), verify, revoke, reissue, and render as PDF."""
from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Iterator

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course.catalog import Course, Module
from course.certificates.pdf import CertificateData, filename, fingerprint, render_pdf, verify_url, zip_of, zip_stream
from course.errors import AlreadyRevoked, NotFound
from course.models import Certificate, CertificatePdf, ModuleCompletion, PracticeSubmission, User
from course.text import utcnow

# No look-alikes: without 0/O, 1/I/L.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS, GROUP_SIZE = 3, 4




def new_code() -> str:
    """A random verification code like 'K7QX-3MZD-9TRH' (about 59 bits)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(CODE_GROUPS * GROUP_SIZE))
    return "-".join(chars[i:i + GROUP_SIZE] for i in range(0, len(chars), GROUP_SIZE))


def normalise_code(text: str) -> str | None:
    """Turn what a person typed into the stored form of a code, or None if it cannot be one."""
    raw = re.sub(r"[\s\-.]", "", (text or "").upper())
    if len(raw) != CODE_GROUPS * GROUP_SIZE or any(ch not in ALPHABET for ch in raw):
        return None
    return "-".join(raw[i:i + GROUP_SIZE] for i in range(0, len(raw), GROUP_SIZE))


def module_goals(module: Module) -> list[str]:
    """What a learner can do after the module: its lessons' learning goals, in order, each once."""
    return list(dict.fromkeys(goal for lesson in module.lessons for goal in lesson.goals))


def _issue(session: Session, user: User, scope: str, title: str, hours: tuple[float, float], issuer: str,
           when: datetime, goals: list[str] | None = None, **measured) -> Certificate:
    total, practice = hours  # frozen: a later change of the catalog's hours leaves this certificate as it is
    certificate = Certificate(code=new_code(), user_id=user.id, scope=scope, name=user.name, title=title,
                              hours=total, practice_hours=practice, issuer=issuer, issued_at=when, goals=goals,
                              **measured)
    session.add(certificate)
    return certificate


def issue_for_completion(session: Session, course: Course, user: User, module: Module, issuer: str,
                         when: datetime, score: float | None = None) -> list[Certificate]:
    """Add the certificates a module completion earns to the session (the caller commits).

    Called in the same transaction as the ModuleCompletion row, so both land or neither does;
    the partial unique index turns a racing second issue into an IntegrityError. What was measured is
    frozen with them: the knowledge test's score on the module certificate, and on the course
    certificate whether every module's practice assignment was signed off by then.
    """
    issued = [_issue(session, user, module.slug, f"Module {module.number}: {module.title}",
                     (module.total_hours, module.practice_hours), issuer, when, module_goals(module),
                     quiz_score=score)]
    session.flush()
    completed = set(session.scalars(select(ModuleCompletion.module_slug).where(ModuleCompletion.user_id == user.id)))
    if all(m.slug in completed for m in course.modules):
        signed = set(session.scalars(select(PracticeSubmission.module_slug).where(
            PracticeSubmission.user_id == user.id, PracticeSubmission.status == "afgetekend")))
        with_practice = [m.slug for m in course.modules if m.assignment is not None]
        issued.append(_issue(session, user, Certificate.COURSE_SCOPE, course.title,
                             (course.total_hours, course.practice_hours), issuer, when,
                             practice_signed=all(slug in signed for slug in with_practice)))
    return issued


def certificates_of(session: Session, user: User, include_revoked: bool = False) -> list[Certificate]:
    """The learner's certificates, oldest first; revoked ones only when asked for."""
    query = select(Certificate).where(Certificate.user_id == user.id)
    if not include_revoked:
        query = query.where(Certificate.revoked_at.is_(None))
    return list(session.scalars(query.order_by(Certificate.issued_at, Certificate.id)))


def find(session: Session, code: str) -> Certificate | None:
    """The certificate with this code (as typed by a person), or None."""
    normal = normalise_code(code)
    return session.scalar(select(Certificate).where(Certificate.code == normal)) if normal else None


def owned(session: Session, user: User, code: str) -> Certificate:
    """The user's own certificate with this code; NotFound for anyone else's (no hint it exists)."""
    certificate = find(session, code)
    if certificate is None or certificate.user_id != user.id:
        raise NotFound()
    return certificate


def revoke(session: Session, certificate: Certificate, reason: str, when: datetime | None = None) -> None:
    """Withdraw a certificate; the verification page will say so, with the reason."""
    if not certificate.is_valid:
        raise AlreadyRevoked()
    certificate.revoked_at = when or utcnow()
    certificate.revoked_reason = reason.strip() or "Ingetrokken door de beheerder."
    session.commit()


def reissue_with_current_name(session: Session, user: User, certificate: Certificate) -> Certificate:
    """Replace a certificate by one with the learner's corrected name (same title, hours and date).

    Two requests at once (a double click, two tabs) get the same outcome: the conditional UPDATE lets
    only one of them revoke the old certificate, and the other returns the replacement that one made.
    """
    if certificate.user_id != user.id:
        raise NotFound()
    revoked = session.execute(
        update(Certificate).where(Certificate.id == certificate.id, Certificate.revoked_at.is_(None))
        .values(revoked_at=utcnow(),
                revoked_reason="Vervangen door een nieuw certificaat met een gecorrigeerde naam.")
        .execution_options(synchronize_session=False)
    ).rowcount
    if revoked:
        replacement = Certificate(code=new_code(), user_id=user.id, scope=certificate.scope, name=user.name,
                                  title=certificate.title, hours=certificate.hours, issuer=certificate.issuer,
                                  issued_at=certificate.issued_at, goals=certificate.goals, signer=certificate.signer,
                                  practice_hours=certificate.practice_hours, quiz_score=certificate.quiz_score,
                                  practice_signed=certificate.practice_signed)
        session.add(replacement)
        try:
            session.commit()
            return replacement
        except IntegrityError:  # the other request's replacement landed first
            session.rollback()
    else:
        session.rollback()
    current = session.scalar(select(Certificate).where(Certificate.user_id == user.id,
                                                       Certificate.scope == certificate.scope,
                                                       Certificate.revoked_at.is_(None)))
    if current is None:
        raise NotFound()
    return current


def stored_pdfs(session: Session, found: list[Certificate], base_url: str,
                batch: int = 200) -> Iterator[tuple[CertificateData, bytes]]:
    """Each certificate's PDF: the stored one, or drawn now and stored (committed per batch) for next time.

    A certificate's data is frozen, so its PDF is too; the fingerprint catches the rare change (a new
    BASE_URL, a name removed on account deletion) and the PDF is drawn again.
    """
    wanted = [(c.id, CertificateData.of(c)) for c in found]  # before a commit expires the rows
    for start in range(0, len(wanted), batch):
        part = wanted[start:start + batch]
        stored = {certificate_id: (mark, pdf) for certificate_id, mark, pdf in session.execute(
            select(CertificatePdf.certificate_id, CertificatePdf.fingerprint, CertificatePdf.pdf)
            .where(CertificatePdf.certificate_id.in_([certificate_id for certificate_id, _ in part])))}
        fresh, out = [], []
        for certificate_id, data in part:
            mark = fingerprint(data, base_url)
            old_mark, pdf = stored.get(certificate_id, (None, b""))
            if old_mark != mark:
                pdf = render_pdf(data, base_url)
                fresh.append({"certificate_id": certificate_id, "fingerprint": mark, "pdf": pdf})
            out.append((data, pdf))
        if fresh:
            session.execute(delete(CertificatePdf).where(
                CertificatePdf.certificate_id.in_([row["certificate_id"] for row in fresh])))
            session.execute(_insert_new(session, CertificatePdf), fresh)
            session.commit()
        yield from out


def store_pdfs(session: Session, found: list[Certificate], base_url: str) -> None:
    """Draw and store the PDFs of these certificates that are not stored yet (at issue, for later ZIPs)."""
    for _ in stored_pdfs(session, found, base_url):
        pass


def _insert_new(session: Session, model):
    """INSERT that skips rows another worker stored a moment earlier (ON CONFLICT DO NOTHING)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model).on_conflict_do_nothing()

__all__ = ["CertificateData", "filename", "fingerprint", "render_pdf", "verify_url", "zip_of", "zip_stream"]
