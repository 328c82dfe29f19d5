"""Open Badges: the signed credential kept beside each certificate, and verified proof from elsewhere."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.text import utcnow


class OpenBadge(db.Model):
    """A certificate's Open Badges 3.0 credential as a VC-JWT: signed once, never signed again.

    `status_index` is the certificate's position in the published revocation list (picked at random
    at issue, unique); its bit is set while the certificate is revoked. Deleted when the learner
    deletes the account and the name (the credential carries the name).
    """

    __tablename__ = "open_badges"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True)
    status_index: Mapped[int] = mapped_column(unique=True)
    kid: Mapped[str] = mapped_column(String(100))  # the key that signed it
    jwt: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExternalAchievement(db.Model):
    """Proof earned elsewhere, taken in after its credential verified: shown apart as "extern behaald".

    `credential_id` is unique over all learners: the same credential handed in twice (or for a second
    person) is refused.
    """

    __tablename__ = "external_achievements"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[str] = mapped_column(String(500), unique=True)
    issuer_id: Mapped[str] = mapped_column(String(500))
    issuer_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    achieved_at: Mapped[datetime] = mapped_column()
    hours: Mapped[float | None] = mapped_column(default=None)
    jwt: Mapped[str] = mapped_column(Text)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
