"""Sending the planned reminder mails once each, and the signed opt-out links in them.

Each mail is claimed first: an INSERT of its (person, kind, due key) row with status "bezig", which
the unique constraint lets only one run win, also when two servers run at the same moment. Only after
the mail server accepted it is the row marked "verstuurd". A failed delivery becomes "mislukt" and is
claimed again by the next run (at most MAX_ATTEMPTS times); an address the server refuses becomes
"geweigerd" and is not tried again. A row left "bezig" (a run that died between sending and marking)
is reported, not resent: a possible missing reminder is better than a double one.
"""
from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course.errors import InvalidOptOut
from course.models import User
from course.models_records import MailPreference, SentMail
from course.reminders import PREFERENCE, Planned

log = logging.getLogger("course.reminders")

MAX_ATTEMPTS = 5
SERVER_DOWN_AFTER = 3  # failures in a row before the run stops and leaves the rest for the next one


@dataclass
class RunReport:
    sent: list[Planned] = field(default_factory=list)
    skipped: int = 0      # claimed by another run in the meantime
    failed: int = 0       # will be tried again next run
    refused: int = 0      # the server refused the address
    left: int = 0         # not tried because the mail server was down
    unconfirmed: int = 0  # claimed earlier but never marked sent

    @property
    def server_down(self) -> bool:
        return self.left > 0


def claim(session: Session, mail: Planned, now: datetime) -> bool:
    """Take this mail for this run; False when another run has it (or sent it) already."""
    session.add(SentMail(user_id=mail.user_id, kind=mail.kind, due_key=mail.due_key, status="bezig",
                         attempts=0, claimed_at=now))
    try:
        session.commit()
        return True
    except IntegrityError:
        session.rollback()
    retried = session.execute(
        update(SentMail).where(SentMail.user_id == mail.user_id, SentMail.kind == mail.kind,
                               SentMail.due_key == mail.due_key, SentMail.status == "mislukt",
                               SentMail.attempts < MAX_ATTEMPTS)
        .values(status="bezig", claimed_at=now).execution_options(synchronize_session=False)).rowcount
    session.commit()
    return retried == 1


def _mark(session: Session, mail: Planned, status: str, now: datetime) -> None:
    values = {"status": status, "attempts": SentMail.attempts + 1}
    if status == "verstuurd":
        values["sent_at"] = now
    session.execute(update(SentMail).where(SentMail.user_id == mail.user_id, SentMail.kind == mail.kind,
                                           SentMail.due_key == mail.due_key).values(**values)
                    .execution_options(synchronize_session=False))
    session.commit()


def deliver(session: Session, planned: list[Planned], send: Callable[[Planned], None], now: datetime) -> RunReport:
    """Claim, send and mark each planned mail; stop early when the mail server is down."""
    report = RunReport()
    report.unconfirmed = session.scalar(select(func.count(SentMail.id)).where(
        and_(SentMail.status == "bezig", SentMail.claimed_at < now - timedelta(hours=1)))) or 0
    if report.unconfirmed:
        log.warning("%d herinneringsmail(s) staan nog op 'bezig' van een eerdere run die stopte; "
                    "ze worden niet opnieuw verstuurd.", report.unconfirmed)
    in_a_row = 0
    for index, mail in enumerate(planned):
        if in_a_row >= SERVER_DOWN_AFTER:
            report.left = len(planned) - index
            log.error("Mailserver niet bereikbaar: run gestopt, %d mail(s) blijven staan voor de volgende run.",
                      report.left)
            break
        if not claim(session, mail, now):
            report.skipped += 1
            continue
        try:
            send(mail)
        except smtplib.SMTPRecipientsRefused:
            _mark(session, mail, "geweigerd", now)
            report.refused += 1
            log.warning("Herinneringsmail (%s) voor account %s: adres geweigerd door de mailserver; niet opnieuw.",
                        mail.kind, mail.user_id)
            continue
        except (OSError, smtplib.SMTPException) as error:
            _mark(session, mail, "mislukt", now)
            report.failed += 1
            in_a_row += 1
            log.warning("Herinneringsmail (%s) voor account %s niet verstuurd: %s; volgende run opnieuw.",
                        mail.kind, mail.user_id, type(error).__name__)
            continue
        in_a_row = 0
        _mark(session, mail, "verstuurd", now)
        report.sent.append(mail)
    return report


# ----- opt-out links -----

def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="herinneringen-afmelden")


def make_opt_out_token(secret_key: str, user_id: int, kind: str) -> str:
    """A signed token that turns off one kind of mail for one user, without logging in."""
    return _serializer(secret_key).dumps([user_id, kind])


def read_opt_out_token(session: Session, secret_key: str, token: str, max_age: int) -> tuple[User, str]:
    """The user and kind of a valid opt-out token; InvalidOptOut when it is tampered with, old or unknown."""
    try:
        user_id, kind = _serializer(secret_key).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidOptOut("Deze afmeldlink is verlopen.")
    except (BadSignature, ValueError, TypeError):
        raise InvalidOptOut("Deze afmeldlink klopt niet.")
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or kind not in PREFERENCE:
        raise InvalidOptOut("Deze afmeldlink hoort niet (meer) bij een account.")
    return user, kind


def preferences(session: Session, user: User) -> MailPreference:
    """The user's mail settings (every kind on when never changed); not added to the session."""
    return session.get(MailPreference, user.id) or MailPreference(user_id=user.id, reminders=True, resume=True,
                                                                  digest=True)


def set_preferences(session: Session, user: User, now: datetime, **switches: bool) -> None:
    """Turn kinds of mail on or off, e.g. set_preferences(..., reminders=False)."""
    pref = session.get(MailPreference, user.id)
    if pref is None:
        pref = MailPreference(user_id=user.id, reminders=True, resume=True, digest=True)
        session.add(pref)
    for column, value in switches.items():
        if column not in PREFERENCE.values():
            raise ValueError(column)
        setattr(pref, column, bool(value))
    pref.updated_at = now
    try:
        session.commit()
    except IntegrityError:  # a second click made the row first; apply the switches to that one
        session.rollback()
        set_preferences(session, user, now, **switches)
