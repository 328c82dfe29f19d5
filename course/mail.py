"""Outgoing mail through SMTP, or printed to the console when no server is configured."""
from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage
from typing import Mapping


def send_mail(config: Mapping, *, to: str, subject: str, body: str) -> None:
    """Send a plain-text mail using the MAIL_* settings."""
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if not config.get("MAIL_SERVER"):
        print(f"\n----- e-mail (geen MAIL_SERVER ingesteld, dus hier getoond) -----\n"
              f"Aan: {to}\nOnderwerp: {subject}\n\n{body}\n-----", file=sys.stderr, flush=True)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
