"""Records kept about the platform's work: mail settings, sent mails, stored certificate PDFs, the audit trail."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, true
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
    """Every mail the platform sends, one row each: stored before sending, claimed, then marked.

    Reminders are keyed per person, kind and due key: the unique constraint is what keeps two runs (or two
    servers) from sending the same reminder. Other mails (password reset, hand-in notices) are stored with
    their text ("wacht") and sent by course.mail.queue; once sent, the text is erased and who, what and
    when stay. A password-reset row has no user until the sender looks up the address.
    """

    __tablename__ = "sent_mails"
    __table_args__ = (UniqueConstraint("user_id", "kind", "due_key", name="uq_sent_mails_user_kind_due"),
                      Index("ix_sent_mails_status_next_try_at", "status", "next_try_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    due_key: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(12))  # wacht, bezig, verstuurd, mislukt, geweigerd, overgeslagen
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime] = mapped_column()  # when claimed; for a stored mail first when it was stored
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    # A stored mail (not a reminder, which is rendered from its plan when sent): recipient and text until sent.
    recipient: Mapped[str | None] = mapped_column(String(320), default=None)
    subject: Mapped[str | None] = mapped_column(String(300), default=None)
    body: Mapped[str | None] = mapped_column(Text, default=None)
    html: Mapped[str | None] = mapped_column(Text, default=None)
    headers: Mapped[str | None] = mapped_column(Text, default=None)  # JSON object
    next_try_at: Mapped[datetime | None] = mapped_column(default=None)


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
