"""Outgoing mail: sent on a background thread with retries, through SMTP or printed to the console.

A request never waits for the mail server. That keeps "wachtwoord vergeten" as fast for an address
we know as for one we don't (so a slow or broken mail server cannot reveal who has an account),
and a failed delivery is logged and tried again instead of becoming an error page.
"""
from __future__ import annotations

import binascii
import logging
import smtplib
import sys
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.header import Header
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Mapping

if TYPE_CHECKING:  # the outbox is handed the app; the mail code itself knows no HTTP
    from flask import Flask

log = logging.getLogger("course.mail")


def compose(config: Mapping, *, to: str, subject: str, body: str, html: str | None = None,
            headers: Mapping[str, str] | None = None) -> EmailMessage:
    """Build a mail: plain text, with an HTML alternative and extra headers when given."""
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    return message


@dataclass(frozen=True)
class RawMail:
    """A mail serialised once for SMTP: envelope sender, one recipient, the message bytes (CRLF line ends)."""
    sender: str
    to: str
    data: bytes
    utf8: bool = False  # an address outside ASCII: the server must offer SMTPUTF8

    def as_message(self) -> EmailMessage:
        """The mail parsed back (for the console and for tests)."""
        return message_from_bytes(self.data, policy=policy.default)


_BOUNDARY = "==vg-alternative=="  # cannot occur in quoted-printable text, which writes "=" as "=3D"


@lru_cache(maxsize=8)
def _from_header(sender: str) -> tuple[str, str]:
    name, address = parseaddr(sender)
    return formataddr((name, address), charset="utf-8"), address


@lru_cache(maxsize=64)
def _encoded(name: str, value: str) -> str:
    """A header value outside ASCII as RFC 2047 encoded words (the subjects repeat, so it is cached)."""
    return Header(value, "utf-8", header_name=name).encode(linesep="\r\n")


def _qp(text: str) -> bytes:
    body = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    return binascii.b2a_qp(body, istext=True).replace(b"\n", b"\r\n")


def compose_raw(config: Mapping, *, to: str, subject: str, body: str, html: str,
                headers: Mapping[str, str] | None = None) -> RawMail:
    """Build a text-plus-HTML mail straight into SMTP bytes (UTF-8, quoted-printable).

    The same mail as compose() gives, plus Date and Message-ID, about ten times faster: the email package's
    header objects cost milliseconds per mail, which a run of thousands of reminders cannot afford.
    """
    from_header, sender = _from_header(config["MAIL_SENDER"])
    if not to.isascii():  # an internationalised address: let the email package do it properly
        message = compose(config, to=to, subject=subject, body=body, html=html, headers=headers)
        return RawMail(sender, to, message.as_bytes(policy=policy.SMTPUTF8), utf8=True)
    fields = {"From": from_header, "To": to, "Subject": subject, "Date": formatdate(),
              "Message-ID": make_msgid(domain=sender.rpartition("@")[2] or "localhost"), **(headers or {}),
              "MIME-Version": "1.0", "Content-Type": f'multipart/alternative; boundary="{_BOUNDARY}"'}
    head = []
    for name, value in fields.items():
        if "\r" in value or "\n" in value:  # no header injection, whatever a value holds
            raise ValueError(f"regeleinde in mailkop {name}")
        head.append(f"{name}: {value if value.isascii() else _encoded(name, value)}\r\n")
    part = ("--" + _BOUNDARY + '\r\nContent-Type: text/{}; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n")
    data = b"".join((
        "".join(head).encode("ascii"), b"\r\n",
        part.format("plain").encode("ascii"), _qp(body), b"\r\n",
        part.format("html").encode("ascii"), _qp(html), b"\r\n",
        f"--{_BOUNDARY}--\r\n".encode("ascii")))
    return RawMail(sender, to, data)


def open_smtp(config: Mapping) -> smtplib.SMTP:
    """A logged-in SMTP connection (the caller closes it); for sending many mails over one connection."""
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config.get("MAIL_TIMEOUT", 10))
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def print_mail(message: EmailMessage) -> None:
    """Show a mail on the console (no MAIL_SERVER set)."""
    body = message.get_body(("plain",))
    print(f"\n----- e-mail (geen MAIL_SERVER ingesteld, dus hier getoond) -----\n"
          f"Aan: {message['To']}\nOnderwerp: {message['Subject']}\n\n{body.get_content() if body else ''}\n-----",
          file=sys.stderr, flush=True)


def send_mail(config: Mapping, *, to: str, subject: str, body: str, html: str | None = None,
              headers: Mapping[str, str] | None = None) -> None:
    """Send a mail now, using the MAIL_* settings (raises on failure)."""
    message = compose(config, to=to, subject=subject, body=body, html=html, headers=headers)
    if not config.get("MAIL_SERVER"):
        print_mail(message)
        return
    with open_smtp(config) as smtp:
        smtp.send_message(message)


class Outbox:
    """Runs mail jobs on one background thread per process; a failed job is retried after a delay.

    A job is a function that runs inside an app context (it may read the database) and sends its
    mail with send_mail. Retries follow MAIL_RETRY_DELAYS (seconds); after the last one the job is
    dropped and logged. The log names the job's kind, never the address or the text. Jobs live in
    memory: a worker that stops loses what it had not sent yet, and the user can simply ask again.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._ready: list[tuple["Flask", str, Callable[[], None], int]] = []
        self._pending = 0
        self._thread: threading.Thread | None = None

    def submit(self, app: "Flask", kind: str, job: Callable[[], None]) -> None:
        """Queue a job; it runs as soon as the sender thread is free."""
        with self._condition:
            self._pending += 1
            self._put(app, kind, job, 0)

    def _put(self, app, kind, job, attempt) -> None:
        self._ready.append((app, kind, job, attempt))
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="mail-outbox", daemon=True)
            self._thread.start()
        self._condition.notify_all()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._ready:
                    self._condition.wait()
                app, kind, job, attempt = self._ready.pop(0)
            self._attempt(app, kind, job, attempt)

    def _attempt(self, app: "Flask", kind: str, job: Callable[[], None], attempt: int) -> None:
        delays = app.config.get("MAIL_RETRY_DELAYS", (30, 120, 600))
        try:
            with app.app_context():
                try:
                    job()
                finally:
                    from course.extensions import db
                    db.session.remove()
        except Exception as error:  # any failure: log without personal data, retry later
            if attempt < len(delays):
                log.warning("Mail (%s) niet verstuurd: %s; nieuwe poging over %s s (%d van %d).", kind,
                            type(error).__name__, delays[attempt], attempt + 2, len(delays) + 1)
                timer = threading.Timer(delays[attempt], self._retry, (app, kind, job, attempt + 1))
                timer.daemon = True
                timer.start()
                return
            log.error("Mail (%s) niet verstuurd na %d pogingen: %s; opgegeven.", kind, attempt + 1,
                      type(error).__name__)
        self._done()

    def _retry(self, app, kind, job, attempt) -> None:
        with self._condition:
            self._put(app, kind, job, attempt)

    def _done(self) -> None:
        with self._condition:
            self._pending -= 1
            self._condition.notify_all()

    def wait_idle(self, timeout: float = 10) -> bool:
        """Wait until every job has been sent or given up (for tests and the CLI); False on timeout."""
        with self._condition:
            return self._condition.wait_for(lambda: self._pending == 0, timeout)


outbox = Outbox()


class Batch:
    """Send many mails over one SMTP connection (the reminder run); reconnects after a failure.

    A refused recipient (an address that bounces at the server) raises SMTPRecipientsRefused and
    keeps the connection; any other failure closes it, so the next mail opens a fresh one.
    """

    def __init__(self, config: Mapping) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage | RawMail) -> None:
        """Send one mail now (raises on failure)."""
        if not self.config.get("MAIL_SERVER"):
            print_mail(message.as_message() if isinstance(message, RawMail) else message)
            return
        if self._smtp is None:
            self._smtp = open_smtp(self.config)
        try:
            if isinstance(message, RawMail):
                options = ("SMTPUTF8", "BODY=8BITMIME") if message.utf8 else ()
                self._smtp.sendmail(message.sender, [message.to], message.data, mail_options=options)
            else:
                self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused:
            raise
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def __enter__(self) -> "Batch":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
