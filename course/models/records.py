"""Records kept about the platform's work: mail settings, sent mails, stored certificate PDFs, the audit trail."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.text import utcnow


class MailPreference(db.Model):
    """Which reminder mails a user wants; no row means every kind is on."""

    __tablename__ = "mail_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    reminders: Mapped[bool] = mapped_column(default=True)   # target-date reminders
    resume: Mapped[bool] = mapped_column(default=True)      # "pick up where you left off"
    digest: Mapped[bool] = mapped_column(default=True)      # the weekly overview for managers
    handins: Mapped[bool] = mapped_column(default=True, server_default=true())  # coaches: a hand-in waits
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SentMail(db.Model):
    """One reminder mail per person, kind and due key: claimed before sending, marked sent after.

    The unique constraint is what keeps two runs (or two servers) from sending the same mail: only
    the run whose INSERT (or conditional UPDATE of a failed row) succeeds sends it.
    """

    __tablename__ = "sent_mails"
    __table_args__ = (UniqueConstraint("user_id", "kind", "due_key", name="uq_sent_mails_user_kind_due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    due_key: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(12))  # bezig, verstuurd, mislukt, geweigerd
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column(default=None)


class CertificatePdf(db.Model):
    """A certificate's rendered PDF, kept because its data is frozen: a ZIP of 500 reads them instead of drawing them.

    `fingerprint` hashes what the PDF shows and the address in its QR code: when either changes (a
    move to another address), the PDF is drawn again. Deleted with the name when an account goes.
    """

    __tablename__ = "certificate_pdfs"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)


class AuditEvent(db.Model):
    """Who did what to whom, and when: manager and administrator actions on other people's data."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    detail: Mapped[str] = mapped_column(String(500), default="")
