"""The one durable mail path: a mail is a row in sent_mails before it is sent, then claimed, sent and marked.

store() adds the row in the caller's transaction (the mail exists exactly when the action that causes it
is committed). send_due() is the claim-and-send loop, run by the sender thread of each app process
(course/web/mails/postman.py) and by `flask mail send` (cron):

- claim: one conditional UPDATE ("wacht" and due, or "bezig" longer than the claim timeout) that only one
  process can win per row, also with two workers or a worker plus the command;
- send: send_claimed(), the one sending engine (the reminder run uses it too): over MAIL_CONNECTIONS SMTP
  connections at once while the server takes mails, one at a time after a failure, stopping after three
  failures in a row; mark() records the outcome of a claimed batch in one commit;
- a temporary refusal (4xx) or a connection failure: "wacht" again after the next of MAIL_RETRY_DELAYS,
  and "mislukt" after the last; a permanent refusal (5xx): "geweigerd", the address is marked
  (course/addresses.py) and not tried again;
- once sent (or given up) the text is erased: a password-reset link must not outlive its delivery in the
  database. Who, what and when stay.

A process that dies after claiming leaves rows "bezig"; the next loop takes them back after the claim
timeout, so a restart loses nothing. (One that dies after the server accepted mails but before marking
their batch sends those again: SMTP offers no way to ask the server whether it already has a mail.)
Reminder rows (course/reminders/deliver.py) live in the same table, are claimed per due key by the run that
plans and renders them, and go through the same send_claimed() and mark(); a failed one is claimed again by
the next run instead of waiting MAIL_RETRY_DELAYS. A reminder row left "bezig" by a run that died is set
back to "mislukt" after the same timeout, so the next run sends it.
"""
from __future__ import annotations

import json
import logging
import smtplib
import threading
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Mapping, Sequence

from sqlalchemy import and_, delete, exists, func, or_, select, update
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


class Connections:
    """send(message): over one SMTP connection per calling thread (opened on first use); close() closes them all."""

    def __init__(self, config: Mapping) -> None:
        self.config = config
        self._local = threading.local()
        self._batches: list[Batch] = []
        self._lock = threading.Lock()

    def __call__(self, message: RawMail) -> None:
        batch = getattr(self._local, "batch", None)
        if batch is None:
            batch = self._local.batch = Batch(self.config)
            with self._lock:
                self._batches.append(batch)
        batch.send(message)

    def close(self) -> None:
        with self._lock:
            for batch in self._batches:
                batch.close()
            self._batches.clear()

    def __enter__(self) -> "Connections":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass
class Line:
    """The state of the connection to the mail server, as the results come in."""
    healthy: bool = False  # a mail went through: send several at once; until then (and after a failure) one
    in_a_row: int = 0      # failures in a row
    error: BaseException | None = None  # a bug, not a delivery problem: stop, record, then raise

    @property
    def stopped(self) -> bool:
        return self.in_a_row >= SERVER_DOWN_AFTER or self.error is not None


@dataclass
class Outcome:
    """What happened to a claimed batch: (item, row id) pairs, with the error where one was raised."""
    sent: list[tuple[Any, int]] = field(default_factory=list)
    failed: list[tuple[Any, int, BaseException]] = field(default_factory=list)  # connection or 4xx: try again
    refused: list[tuple[Any, int]] = field(default_factory=list)  # a 5xx: the address is marked
    broken: list[tuple[Any, int, BaseException]] = field(default_factory=list)  # a bug: try again, and say so
    left: list[tuple[Any, int]] = field(default_factory=list)     # never handed to the server: free again
    skipped: list[int] = field(default_factory=list)              # nothing to send any more


def send_claimed(pool: ThreadPoolExecutor, owned: list[tuple[Any, int]], send: Callable[[Any], None], width: int,
                 line: Line) -> Outcome:
    """Send a claimed batch, up to `width` at once while the server takes them; stop when the line is down."""
    outcome = Outcome()
    running: dict[Future, tuple[Any, int]] = {}

    def settle(done) -> None:
        for future in done:
            item, row_id = running.pop(future)
            error = future.exception()
            if error is None:
                outcome.sent.append((item, row_id))
                line.healthy, line.in_a_row = True, 0
            elif is_permanent_refusal(error):
                outcome.refused.append((item, row_id))
            elif isinstance(error, (OSError, smtplib.SMTPException)):
                outcome.failed.append((item, row_id, error))
                line.healthy, line.in_a_row = False, line.in_a_row + 1
            else:
                outcome.broken.append((item, row_id, error))
                line.error = line.error or error

    for index, (item, row_id) in enumerate(owned):
        while running and len(running) >= (2 * width if line.healthy else 1):
            settle(wait(running, return_when=FIRST_COMPLETED).done)
        if line.stopped:
            outcome.left += owned[index:]
            break
        running[pool.submit(send, item)] = (item, row_id)
    settle(wait(running).done)
    return outcome


_ERASED = {"body": None, "html": None, "headers": None}


def mark(session: Session, outcome: Outcome, now: datetime, delays: Sequence[float] | None = None) -> int:
    """Record a batch's outcome in one commit, erasing the text of every stored mail that is finished.

    `delays` None: reminder rows (a failed one is "mislukt", and the next run claims it again). Otherwise
    stored mails: a failed one waits for its next try, after the last one it is given up ("mislukt").
    Returns how many failed mails wait for another try.
    """
    def ids(pairs) -> list[int]:
        return [pair[1] for pair in pairs]

    def set_rows(row_ids, **values) -> None:
        if row_ids:
            session.execute(update(SentMail).where(SentMail.id.in_(row_ids)).values(**values)
                            .execution_options(synchronize_session=False))

    sent, refused = ids(outcome.sent), ids(outcome.refused)
    if sent and delays is not None:  # an address that took a mail after all (a reset the user asked for) is fine
        session.execute(update(User).where(User.mail_refused_at.is_not(None), exists().where(
            SentMail.id.in_(sent), SentMail.user_id == User.id, SentMail.recipient == User.email))
            .values(mail_refused_at=None).execution_options(synchronize_session=False))
    set_rows(sent, status=SENT, sent_at=now, attempts=SentMail.attempts + 1, **_ERASED)
    if refused:  # marked only while the refused recipient is still the account's address
        owners = list(session.scalars(select(SentMail.user_id).join(User, User.id == SentMail.user_id).where(
            SentMail.id.in_(refused), or_(SentMail.recipient.is_(None), SentMail.recipient == User.email))))
        mark_refused(session, owners, now)
    set_rows(refused, status=REFUSED, attempts=SentMail.attempts + 1, **_ERASED)
    set_rows(outcome.skipped, status=SKIPPED, **_ERASED)
    if outcome.skipped:  # a reset asked for an address without an account: keep nothing of it
        session.execute(delete(SentMail).where(SentMail.id.in_(outcome.skipped), SentMail.user_id.is_(None))
                        .execution_options(synchronize_session=False))
    failed = [(row_id, error) for _, row_id, error in outcome.failed + outcome.broken]
    retried = 0
    if delays is None:
        set_rows([row_id for row_id, _ in failed], status=FAILED, attempts=SentMail.attempts + 1)
        set_rows(ids(outcome.left), status=FAILED)  # not tried: the next run takes it, without counting a try
    else:
        set_rows(ids(outcome.left), status=QUEUED)  # not tried: waits, without counting a try
        for row_id, error in failed:
            row = session.get(SentMail, row_id)
            row.attempts += 1
            if row.attempts <= len(delays):
                delay = delays[row.attempts - 1]
                log.warning("Mail (%s) niet verstuurd: %s; nieuwe poging over %s s (%d van %d).", row.kind,
                            type(error).__name__, delay, row.attempts + 1, len(delays) + 1)
                row.status, row.next_try_at = QUEUED, now + timedelta(seconds=delay)
                retried += 1
            else:
                log.error("Mail (%s) niet verstuurd na %d pogingen: %s; opgegeven.", row.kind, row.attempts,
                          type(error).__name__)
                row.status, row.body, row.html, row.headers = FAILED, None, None, None
    session.commit()
    return retried


def send_due(session: Session, config: Mapping, render: Render, clock: Callable[[], datetime],
             delays: Sequence[float], timeout: timedelta, connections: int = 1) -> Report:
    """Claim, send and mark every stored mail due now, batch by batch, until none is left or the server is down.

    `render(session, row)` runs in the caller's thread (it may use the session); the SMTP part on up to
    `connections` threads, through send_claimed() as the reminder run.
    """
    report, line = Report(), Line()
    free_stale_reminders(session, clock(), timeout)
    with Connections(config) as send, ThreadPoolExecutor(max_workers=max(1, connections),
                                                         thread_name_prefix="mail") as pool:
        while not line.stopped:
            rows = claim(session, clock(), timeout)
            if not rows:
                break
            owned, before = [], Outcome()
            for row in rows:
                user = session.get(User, row.user_id) if row.user_id is not None else None
                if user is not None and user.mail_refused_at is not None and row.kind not in ALWAYS:
                    before.skipped.append(row.id)  # refused for good: nothing until the user confirms or changes it
                    continue
                try:
                    message = render(session, row)  # may fill in the account of a reset request
                except Exception as error:  # a bug in one mail stops no other: logged, tried again
                    before.broken.append((None, row.id, error))
                    continue
                if message is None:
                    before.skipped.append(row.id)
                else:
                    owned.append((message, row.id))
            session.commit()  # what the renderers filled in is kept, whatever the server answers
            outcome = send_claimed(pool, owned, send, max(1, connections), line)
            outcome.skipped, outcome.broken = before.skipped, before.broken + outcome.broken
            line.error = None  # unlike the reminder run, the sender carries on after a bug in one mail
            for _, row_id, error in outcome.broken:
                log.error("Mail %s niet opgebouwd of verstuurd door een fout: %s.", row_id, type(error).__name__)
            for _, row_id in outcome.refused:
                log.warning("Mail %s: adres voorgoed geweigerd door de mailserver; niets meer naar dit adres tot de "
                            "gebruiker het bevestigt of wijzigt.", row_id)
            retried = mark(session, outcome, clock(), delays)
            report.sent += len(outcome.sent)
            report.refused += len(outcome.refused)
            report.skipped += len(outcome.skipped)
            report.left += len(outcome.left)
            report.retried += retried
            report.given_up += len(outcome.failed) + len(outcome.broken) - retried
    if report.left:
        log.error("Mailserver niet bereikbaar: %d mail(s) wachten op de volgende poging.", report.left)
    return report


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
