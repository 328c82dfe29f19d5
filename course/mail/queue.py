"""The one durable mail path: a mail is a row in sent_mails before it is sent, then claimed, sent and marked.

store() adds the row in the caller's transaction (the mail exists exactly when the action that causes it
is committed). send_due() is the claim-and-send loop, run by the sender thread of each app process
(course/web/mails/postman.py) and by `flask mail send` (cron):

- claim: one conditional UPDATE ("wacht" and due, or "bezig" longer than the claim timeout) that only one
  process can win per row, also with two workers or a worker plus the command;
- send: over one SMTP connection; each outcome is committed right after the server answers;
- a temporary refusal (4xx) or a connection failure: "wacht" again after the next of MAIL_RETRY_DELAYS,
  and "mislukt" after the last; a permanent refusal (5xx): "geweigerd", the address is marked
  (course/addresses.py) and not tried again;
- once sent (or given up) the text is erased: a password-reset link must not outlive its delivery in the
  database. Who, what and when stay.

A process that dies after claiming leaves rows "bezig"; the next loop takes them back after the claim
timeout, so a restart loses nothing. (One that dies after the server accepted a mail but before marking it
sends that mail again: SMTP offers no way to ask the server whether it already has it.)
Reminder rows (course/reminders/deliver.py) live in the same table and are claimed per due key by the run
that plans them; a reminder row left "bezig" by a run that died is set back to "mislukt" after the same
timeout, so the next run sends it.
"""
from __future__ import annotations

import json
import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Mapping, Sequence

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from course.addresses import is_permanent_refusal, mark_refused
from course.mail import Batch, RawMail, compose_raw
from course.models import SentMail, User

log = logging.getLogger("course.mail")

QUEUED, CLAIMED, SENT, FAILED, REFUSED, SKIPPED = "wacht", "bezig", "verstuurd", "mislukt", "geweigerd", "overgeslagen"
RESET = "wachtwoord"
ALWAYS = frozenset({RESET})  # sent even to an address the server refused before: the user asked for it
WAKE = "course.mail.queued"  # session.info flag: a mail was stored; wake the sender after the commit
CLAIM_BATCH = 20
SERVER_DOWN_AFTER = 3  # connection failures in a row before the loop stops and leaves the rest waiting

Render = Callable[[Session, SentMail], "RawMail | None"]


@dataclass
class Report:
    sent: int = 0
    retried: int = 0   # temporary failure: waits for its next try
    given_up: int = 0  # failed after the last retry
    refused: int = 0   # the server refused the address for good
    skipped: int = 0   # no longer to be sent (no account, switched off, address refused, nothing to ask)
    left: int = 0      # claimed but not tried: the mail server was down


def store(session: Session, now: datetime, *, kind: str, to: str, subject: str = "", body: str | None = None,
          html: str | None = None, headers: Mapping[str, str] | None = None, user_id: int | None = None,
          due_key: str | None = None) -> SentMail:
    """Add a mail to send (the caller commits, in the transaction of the action that causes it)."""
    row = SentMail(user_id=user_id, kind=kind, due_key=due_key or uuid.uuid4().hex, status=QUEUED, attempts=0,
                   claimed_at=now, next_try_at=now, recipient=to, subject=subject, body=body, html=html,
                   headers=json.dumps(dict(headers), ensure_ascii=False) if headers else None)
    session.add(row)
    session.info[WAKE] = True
    return row


def stored_message(config: Mapping, row: SentMail) -> RawMail:
    """The stored mail as SMTP bytes (every stored mail is built by the one builder, compose_raw)."""
    return compose_raw(config, to=row.recipient, subject=row.subject or "", body=row.body or "", html=row.html,
                       headers=json.loads(row.headers) if row.headers else None)


def _due(now: datetime, timeout: timedelta):
    return and_(SentMail.recipient.is_not(None), or_(
        and_(SentMail.status == QUEUED, SentMail.next_try_at <= now),
        and_(SentMail.status == CLAIMED, SentMail.claimed_at < now - timeout)))


def free_stale_reminders(session: Session, now: datetime, timeout: timedelta) -> int:
    """Reminder rows left "bezig" by a run that died: "mislukt" again, so the next run sends them; commits."""
    freed = session.execute(update(SentMail).where(
        SentMail.recipient.is_(None), SentMail.status == CLAIMED, SentMail.claimed_at < now - timeout)
        .values(status=FAILED).execution_options(synchronize_session=False)).rowcount
    session.commit()
    if freed:
        log.warning("%d herinneringsmail(s) stonden op 'bezig' van een run die stopte: vrijgegeven voor de "
                    "volgende run.", freed)
    return freed


def candidates(session: Session, now: datetime, timeout: timedelta, limit: int = CLAIM_BATCH) -> list[int]:
    """The ids of up to `limit` mails due now (not yet taken: see take)."""
    return list(session.scalars(select(SentMail.id).where(_due(now, timeout)).order_by(SentMail.id).limit(limit)))


def take(session: Session, ids: list[int], now: datetime, timeout: timedelta) -> list[SentMail]:
    """Claim these mails for this process, leaving out any another process took since they were chosen; commits.

    The condition is evaluated again per row under the row lock (PostgreSQL) or the write lock (SQLite): of
    two processes that chose the same row, only one changes it and sees it returned.
    """
    if not ids:
        session.commit()
        return []
    owned = list(session.scalars(update(SentMail).where(SentMail.id.in_(ids), _due(now, timeout))
                                 .values(status=CLAIMED, claimed_at=now).returning(SentMail.id)
                                 .execution_options(synchronize_session=False)))
    session.commit()
    if not owned:
        return []
    return list(session.scalars(select(SentMail).where(SentMail.id.in_(owned)).order_by(SentMail.id)
                                .execution_options(populate_existing=True)))


def claim(session: Session, now: datetime, timeout: timedelta, limit: int = CLAIM_BATCH) -> list[SentMail]:
    """Take up to `limit` due mails for this process (candidates, then take)."""
    return take(session, candidates(session, now, timeout, limit), now, timeout)


def _erase(row: SentMail) -> None:
    row.body = row.html = row.headers = None


def _finish(session: Session, row: SentMail, status: str, now: datetime) -> None:
    row.status = status
    if status == SENT:
        row.sent_at = now
    if status != QUEUED:
        _erase(row)
    if status == SKIPPED and row.user_id is None:  # a reset asked for an address without an account: keep nothing
        session.delete(row)
    session.commit()


def send_due(session: Session, config: Mapping, render: Render, clock: Callable[[], datetime],
             delays: Sequence[float], timeout: timedelta, connections: Batch | None = None) -> Report:
    """Claim, send and mark every mail due now, batch by batch, until none is left or the server is down."""
    report = Report()
    free_stale_reminders(session, clock(), timeout)
    in_a_row = 0
    with (connections or Batch(config)) as batch:
        while in_a_row < SERVER_DOWN_AFTER:
            rows = claim(session, clock(), timeout)
            if not rows:
                break
            for index, row in enumerate(rows):
                if in_a_row >= SERVER_DOWN_AFTER:  # not tried: waiting again, without counting a try
                    for rest in rows[index:]:
                        rest.status = QUEUED
                    session.commit()
                    report.left += len(rows) - index
                    break
                in_a_row = _send_one(session, batch, row, render, clock, delays, report, in_a_row)
    if report.left:
        log.error("Mailserver niet bereikbaar: %d mail(s) wachten op de volgende poging.", report.left)
    return report


def _send_one(session: Session, batch: Batch, row: SentMail, render: Render, clock, delays, report: Report,
              in_a_row: int) -> int:
    """Send one claimed row and record the outcome; returns the connection failures in a row so far."""
    user = session.get(User, row.user_id) if row.user_id is not None else None
    if user is not None and user.mail_refused_at is not None and row.kind not in ALWAYS:
        _finish(session, row, SKIPPED, clock())  # refused for good; nothing until the user confirms the address
        report.skipped += 1
        return in_a_row
    try:
        message = render(session, row)  # may fill in the user (a reset request) and decide to send nothing
        if message is None:
            _finish(session, row, SKIPPED, clock())
            report.skipped += 1
            return in_a_row
        session.commit()  # what the renderer filled in (the account of a reset request) is kept whatever happens
        batch.send(message)
    except Exception as error:
        session.rollback()
        row = session.get(SentMail, row.id)
        now = clock()
        row.attempts += 1
        if is_permanent_refusal(error):
            log.warning("Mail (%s) voor account %s: adres voorgoed geweigerd door de mailserver; niets meer naar "
                        "dit adres tot de gebruiker het bevestigt of wijzigt.", row.kind, row.user_id)
            owner = session.get(User, row.user_id) if row.user_id is not None else None
            if owner is not None and owner.email == row.recipient:  # not after a change of address
                mark_refused(session, [owner.id], now)
            _finish(session, row, REFUSED, now)
            report.refused += 1
            return in_a_row
        connection = isinstance(error, (OSError, smtplib.SMTPException))
        if row.attempts <= len(delays):
            delay = delays[row.attempts - 1]
            log.warning("Mail (%s) niet verstuurd: %s; nieuwe poging over %s s (%d van %d).", row.kind,
                        type(error).__name__, delay, row.attempts + 1, len(delays) + 1)
            row.next_try_at = now + timedelta(seconds=delay)
            _finish(session, row, QUEUED, now)
            report.retried += 1
        else:
            log.error("Mail (%s) niet verstuurd na %d pogingen: %s; opgegeven.", row.kind, row.attempts,
                      type(error).__name__)
            _finish(session, row, FAILED, now)
            report.given_up += 1
        return in_a_row + 1 if connection else in_a_row
    row.attempts += 1
    user = session.get(User, row.user_id) if row.user_id is not None else None
    if user is not None and user.mail_refused_at is not None and user.email == row.recipient:
        user.mail_refused_at = None  # the address took a mail after all (a reset the user asked for)
    _finish(session, row, SENT, clock())
    report.sent += 1
    return 0


def next_due_in(session: Session, now: datetime) -> float | None:
    """Seconds until the next waiting mail is due (0 when one is due now); None when nothing waits."""
    at = session.scalar(select(func.min(SentMail.next_try_at)).where(SentMail.status == QUEUED,
                                                                      SentMail.recipient.is_not(None)))
    session.commit()
    return None if at is None else max(0.0, (at - now).total_seconds())


def pending(session: Session) -> int:
    """Stored mails not finished yet (waiting or being sent)."""
    count = session.scalar(select(func.count(SentMail.id)).where(SentMail.recipient.is_not(None),
                                                                SentMail.status.in_((QUEUED, CLAIMED))))
    session.commit()
    return count or 0
