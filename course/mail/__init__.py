"""Outgoing mail: one MIME builder (compose_raw) and SMTP sending; every mail goes out through course.mail.queue.

A request never waits for the mail server: it stores the mail as a row (course/mail/queue.py) and the
sender thread or `flask mail send` delivers it. That keeps "wachtwoord vergeten" as fast for an address
we know as for one we don't, and a failed delivery is tried again instead of becoming an error page.
"""
from __future__ import annotations

import binascii
import logging
import smtplib
import sys
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.header import Header
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from functools import lru_cache
from typing import Mapping

log = logging.getLogger("course.mail")


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


def compose_raw(config: Mapping, *, to: str, subject: str, body: str, html: str | None = None,
                headers: Mapping[str, str] | None = None) -> RawMail:
    """Build a mail straight into SMTP bytes: plain text (UTF-8, quoted-printable), with an HTML alternative when given.

    The one MIME builder of the platform. It writes Date and Message-ID itself, about ten times faster than
    the email package's header objects (a run of thousands of reminders cannot afford milliseconds per mail).
    An address outside ASCII is written as UTF-8 (RFC 6532) and needs a server that offers SMTPUTF8.
    """
    from_header, sender = _from_header(config["MAIL_SENDER"])
    utf8 = not to.isascii()
    fields = {"From": from_header, "To": to, "Subject": subject, "Date": formatdate(),
              "Message-ID": make_msgid(domain=sender.rpartition("@")[2] or "localhost"), **(headers or {}),
              "MIME-Version": "1.0"}
    if html is not None:
        fields["Content-Type"] = f'multipart/alternative; boundary="{_BOUNDARY}"'
    else:
        fields["Content-Type"] = 'text/plain; charset="utf-8"'
        fields["Content-Transfer-Encoding"] = "quoted-printable"
    head = []
    for name, value in fields.items():
        if "\r" in value or "\n" in value:  # no header injection, whatever a value holds
            raise ValueError(f"regeleinde in mailkop {name}")
        if not value.isascii() and not (utf8 and name == "To"):
            value = _encoded(name, value)
        head.append(f"{name}: {value}\r\n")
    if html is None:
        parts = (_qp(body), b"\r\n")
    else:
        part = ("--" + _BOUNDARY + '\r\nContent-Type: text/{}; charset="utf-8"\r\n'
                "Content-Transfer-Encoding: quoted-printable\r\n\r\n")
        parts = (part.format("plain").encode("ascii"), _qp(body), b"\r\n",
                 part.format("html").encode("ascii"), _qp(html), b"\r\n",
                 f"--{_BOUNDARY}--\r\n".encode("ascii"))
    data = b"".join(("".join(head).encode("utf-8"), b"\r\n", *parts))
    return RawMail(sender, to, data, utf8=utf8)


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


class Batch:
    """Send mails over one SMTP connection; reconnects after a failure.

    A refused recipient (an address that bounces at the server) raises SMTPRecipientsRefused and
    keeps the connection; any other failure closes it, so the next mail opens a fresh one.
    """

    def __init__(self, config: Mapping) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: RawMail) -> None:
        """Send one mail now (raises on failure)."""
        if not self.config.get("MAIL_SERVER"):
            print_mail(message.as_message())
            return
        if self._smtp is None:
            self._smtp = open_smtp(self.config)
        try:
            options = ("SMTPUTF8", "BODY=8BITMIME") if message.utf8 else ()
            self._smtp.sendmail(message.sender, [message.to], message.data, mail_options=options)
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
