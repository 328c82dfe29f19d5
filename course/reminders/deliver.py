"""Sending the planned reminder mails once each.

Each mail is claimed first: an INSERT of its (person, kind, due key) row with status "bezig", which
the unique constraint lets only one run win, also when two servers run at the same moment. Only after
the mail server accepted it is the row marked "verstuurd". A failed delivery becomes "mislukt" and is
claimed again by the next run (at most MAX_ATTEMPTS times); an address the server refuses becomes
"geweigerd" and is not tried again. A row left "bezig" (a run that died between sending and marking)
is reported, not resent: a possible missing reminder is better than a double one.

For speed, mails are claimed BATCH at a time (one INSERT ... ON CONFLICT DO NOTHING, one commit) and
marked per batch (one UPDATE per outcome, one commit), and sent over several SMTP connections at once.
A run that dies therefore leaves at most one batch "bezig".
"""
from __future__ import annotations

import logging
import smtplib
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course.addresses import is_permanent_refusal, mark_refused
from course.models import SentMail
from course.reminders import Planned

log = logging.getLogger("course.reminders")

MAX_ATTEMPTS = 5
SERVER_DOWN_AFTER = 3  # failures in a row before the run stops and leaves the rest for the next one
BATCH = 100  # mails claimed, and marked, per commit
SENT, FAILED, REFUSED, CLAIMED = "verstuurd", "mislukt", "geweigerd", "bezig"


@dataclass
class RunReport:
    sent: list[Planned] = field(default_factory=list)
    skipped: int = 0      # claimed by another run in the meantime
    failed: int = 0       # will be tried again next run
    refused: int = 0      # the server refused the address
    left: int = 0         # not tried because the mail server was down

    @property
    def server_down(self) -> bool:
        return self.left > 0


def _insert(session: Session):
    """The dialect's INSERT, which knows ON CONFLICT DO NOTHING (SQLite and PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(SentMail)


def _key(mail: Planned) -> tuple[int, str, str]:
    return mail.user_id, mail.kind, mail.due_key


def claim(session: Session, mails: list[Planned], now: datetime) -> list[tuple[Planned, int]]:
    """Take these mails for this run, with their row ids; those another run has (or sent) are left out.

    New rows are inserted in key order (so two runs never wait on each other in a circle), failed
    ones taken back with a conditional UPDATE; one commit.
    """
    if not mails:
        return []
    mails = sorted(mails, key=_key)
    rows = [{"user_id": m.user_id, "kind": m.kind, "due_key": m.due_key, "status": CLAIMED, "attempts": 0,
             "claimed_at": now} for m in mails]
    statement = (_insert(session).on_conflict_do_nothing(index_elements=["user_id", "kind", "due_key"])
                 .returning(SentMail.id, SentMail.user_id, SentMail.kind, SentMail.due_key))
    try:  # many parameter sets: one cached statement, sent as multi-row INSERTs ("insertmanyvalues")
        ids = {(u, k, d): row_id for row_id, u, k, d in session.connection().execute(statement, rows)}
    except IntegrityError:  # someone in this batch was deleted since planning: claim one by one
        session.rollback()
        return [owned for mail in mails for owned in claim(session, [mail], now)] if len(mails) > 1 else []
    again: dict[tuple[str, str], list[int]] = {}
    for mail in mails:
        if _key(mail) not in ids:
            again.setdefault((mail.kind, mail.due_key), []).append(mail.user_id)
    for (kind, due_key), user_ids in again.items():  # failed before: the next try is this run's
        for row_id, user_id in session.execute(
                update(SentMail).where(SentMail.kind == kind, SentMail.due_key == due_key,
                                       SentMail.user_id.in_(user_ids), SentMail.status == FAILED,
                                       SentMail.attempts < MAX_ATTEMPTS)
                .values(status=CLAIMED, claimed_at=now).returning(SentMail.id, SentMail.user_id)
                .execution_options(synchronize_session=False)):
            ids[user_id, kind, due_key] = row_id
    session.commit()
    return [(mail, ids[_key(mail)]) for mail in mails if _key(mail) in ids]


def _mark(session: Session, outcome: dict[str, list[int]], now: datetime) -> None:
    """Record what happened to a batch: sent, failed, refused, or (CLAIMED) not tried, so free again."""
    for status, row_ids in outcome.items():
        if not row_ids:
            continue
        if status == CLAIMED:  # never handed to the server: the next run takes it, without counting a try
            values = {"status": FAILED}
        else:
            values = {"status": status, "attempts": SentMail.attempts + 1}
            if status == SENT:
                values["sent_at"] = now
        session.execute(update(SentMail).where(SentMail.id.in_(row_ids)).values(**values)
                        .execution_options(synchronize_session=False))
        if status == REFUSED:
            mark_refused(session, select(SentMail.user_id).where(SentMail.id.in_(row_ids)).scalar_subquery(), now)
    session.commit()


@dataclass
class _Line:
    """The state of the connection to the mail server, as the results come in."""
    healthy: bool = False  # a mail went through: send several at once; until then (and after a failure) one
    in_a_row: int = 0      # failures in a row
    error: BaseException | None = None  # a bug, not a delivery problem: stop, record, then raise

    @property
    def stopped(self) -> bool:
        return self.in_a_row >= SERVER_DOWN_AFTER or self.error is not None


def _send_batch(pool: ThreadPoolExecutor, owned: list[tuple[Planned, int]], send: Callable[[Planned], None],
                width: int, line: _Line, report: RunReport) -> dict[str, list[int]]:
    """Send a claimed batch, up to `width` at once while the server takes them; the outcome per row id."""
    outcome: dict[str, list[int]] = {SENT: [], FAILED: [], REFUSED: [], CLAIMED: []}
    running: dict[Future, tuple[Planned, int]] = {}

    def settle(done) -> None:
        for future in done:
            mail, row_id = running.pop(future)
            error = future.exception()
            if error is None:
                outcome[SENT].append(row_id)
                report.sent.append(mail)
                line.healthy, line.in_a_row = True, 0
            elif is_permanent_refusal(error):
                outcome[REFUSED].append(row_id)
                report.refused += 1
                log.warning("Herinneringsmail (%s) voor account %s: adres voorgoed geweigerd door de mailserver; niets "
                            "meer naar dit adres tot de gebruiker het bevestigt.",
                            mail.kind, mail.user_id)
            else:
                outcome[FAILED].append(row_id)
                if isinstance(error, (OSError, smtplib.SMTPException)):
                    report.failed += 1
                    line.healthy, line.in_a_row = False, line.in_a_row + 1
                    log.warning("Herinneringsmail (%s) voor account %s niet verstuurd: %s; volgende run opnieuw.",
                                mail.kind, mail.user_id, type(error).__name__)
                else:
                    line.error = line.error or error

    for index, (mail, row_id) in enumerate(owned):
        while running and len(running) >= (2 * width if line.healthy else 1):
            settle(wait(running, return_when=FIRST_COMPLETED).done)
        if line.stopped:
            outcome[CLAIMED] += [row_id for _, row_id in owned[index:]]
            report.left += len(owned) - index
            break
        running[pool.submit(send, mail)] = (mail, row_id)
    settle(wait(running).done)
    return outcome


def deliver(session: Session, planned: list[Planned], send: Callable[[Planned], None], now: datetime,
            connections: int = 1) -> RunReport:
    """Claim, send and mark the planned mails; stop early when the mail server is down.

    `send(mail)` delivers one mail or raises; with `connections` above 1 it is called from that many
    threads at once, so it must keep one SMTP connection per thread.
    """
    report = RunReport()
    todo, line = sorted(planned, key=_key), _Line()
    with ThreadPoolExecutor(max_workers=max(1, connections), thread_name_prefix="herinneringen") as pool:
        for start in range(0, len(todo), BATCH):
            batch = todo[start:start + BATCH]
            if line.stopped:
                report.left += len(batch)
                continue
            owned = claim(session, batch, now)
            report.skipped += len(batch) - len(owned)
            _mark(session, _send_batch(pool, owned, send, connections, line, report), now)
    if line.error is not None:
        raise line.error
    if report.left:
        log.error("Mailserver niet bereikbaar: run gestopt, %d mail(s) blijven staan voor de volgende run.",
                  report.left)
    return report
