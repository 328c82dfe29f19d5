"""Sending the planned reminder mails once each, through the one sending engine of course/mail/queue.py.

Each mail is claimed first: an INSERT of its (person, kind, due key) row in sent_mails with status "bezig",
which the unique constraint lets only one run win, also when two servers run at the same moment. Only
after the mail server accepted it is the row marked "verstuurd". A failed delivery becomes "mislukt" and
is claimed again by the next run (at most MAX_ATTEMPTS times); an address the server refuses becomes
"geweigerd", the account is marked (course/addresses.py) and it is not tried again. A row left "bezig" by
a run that died is set back to "mislukt" after MAIL_CLAIM_TIMEOUT (queue.free_stale_reminders, called by
`flask reminders send` before planning), so the next run sends it.

For speed, mails are claimed BATCH at a time (one INSERT ... ON CONFLICT DO NOTHING, one commit), sent by
queue.send_claimed over several SMTP connections at once, and marked per batch by queue.mark (one UPDATE
per outcome, one commit). A run that dies therefore leaves at most one batch "bezig".
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course.mail import queue
from course.models import SentMail
from course.reminders import Planned

log = logging.getLogger("course.reminders")

MAX_ATTEMPTS = 5
BATCH = 100  # mails claimed, and marked, per commit
CLAIMED, FAILED = queue.CLAIMED, queue.FAILED


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


def deliver(session: Session, planned: list[Planned], send: Callable[[Planned], None], now: datetime,
            connections: int = 1) -> RunReport:
    """Claim, send and mark the planned mails; stop early when the mail server is down.

    `send(mail)` delivers one mail or raises; with `connections` above 1 it is called from that many
    threads at once, so it must keep one SMTP connection per thread.
    """
    report = RunReport()
    todo, line = sorted(planned, key=_key), queue.Line()
    with ThreadPoolExecutor(max_workers=max(1, connections), thread_name_prefix="herinneringen") as pool:
        for start in range(0, len(todo), BATCH):
            batch = todo[start:start + BATCH]
            if line.stopped:
                report.left += len(batch)
                continue
            owned = claim(session, batch, now)
            report.skipped += len(batch) - len(owned)
            outcome = queue.send_claimed(pool, owned, send, connections, line)
            _report(outcome, report)
            queue.mark(session, outcome, now)
    if line.error is not None:
        raise line.error
    if report.left:
        log.error("Mailserver niet bereikbaar: run gestopt, %d mail(s) blijven staan voor de volgende run.",
                  report.left)
    return report


def _report(outcome: queue.Outcome, report: RunReport) -> None:
    """Count and log a batch's outcome (the account number and the kind, never the address)."""
    report.sent += [mail for mail, _ in outcome.sent]
    report.refused += len(outcome.refused)
    report.failed += len(outcome.failed)
    report.left += len(outcome.left)
    for mail, _ in outcome.refused:
        log.warning("Herinneringsmail (%s) voor account %s: adres voorgoed geweigerd door de mailserver; niets "
                    "meer naar dit adres tot de gebruiker het bevestigt.", mail.kind, mail.user_id)
    for mail, _, error in outcome.failed:
        log.warning("Herinneringsmail (%s) voor account %s niet verstuurd: %s; volgende run opnieuw.",
                    mail.kind, mail.user_id, type(error).__name__)
