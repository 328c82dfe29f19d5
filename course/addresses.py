"""Addresses the mail server refuses for good (a 5xx): marked on the user, skipped, shown, cleared on confirmation.

A temporary refusal (4xx) or a connection problem is not about the address: those mails are tried
again as before. A permanent one is: sending again only collects more bounces (and hurts the
sender's reputation), and the person does not learn that mail from us does not reach them. So the
address is marked, nothing more is sent to it, the user sees a banner on their pages and the
managers of their teams and the administrators see it, until the user confirms the address.
"""
from __future__ import annotations

import smtplib
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from course.audit import record as record_audit
from course.models import Team, TeamMembership, User


def is_permanent_refusal(error: BaseException) -> bool:
    """Whether the mail server refused the address for good: every recipient refused with a 5xx, or a 5xx to the mail."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):  # SMTPDataError, SMTPSenderRefused ...
        return 500 <= error.smtp_code < 600 and not isinstance(error, smtplib.SMTPSenderRefused)
    return False


def mark_refused(session: Session, user_ids, now: datetime) -> None:
    """Mark these users' addresses as not receiving mail (kept from the first refusal on); the caller commits."""
    session.execute(update(User).where(User.id.in_(user_ids), User.mail_refused_at.is_(None))
                    .values(mail_refused_at=now).execution_options(synchronize_session=False))


def confirm(session: Session, user: User) -> None:
    """The user says the address is right (the mailbox is fixed): mail is sent to it again; commit."""
    user.mail_refused_at = None
    record_audit(session, user, "e-mailadres bevestigd na weigering", subject=user)
    session.commit()


def refused_members(session: Session, team: Team) -> list[User]:
    """The team's members whose mail does not arrive, by name."""
    return list(session.scalars(select(User).join(TeamMembership, TeamMembership.user_id == User.id)
                                .where(TeamMembership.team_id == team.id, User.mail_refused_at.is_not(None))
                                .order_by(User.name)))


def refused_users(session: Session) -> list[User]:
    """Everyone whose mail does not arrive, most recent refusal first (for the administrators)."""
    return list(session.scalars(select(User).where(User.mail_refused_at.is_not(None))
                                .order_by(User.mail_refused_at.desc(), User.id)))
