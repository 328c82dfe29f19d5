"""How the sender renders a stored mail: most are stored whole; a password reset is written when it is sent."""
from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from course import accounts
from course.mail import RawMail, compose_raw, queue
from course.models import SentMail
from course.reminders import HANDIN

RESET_SUBJECT = "Nieuw wachtwoord voor Veilige Gehechtheid"


def renderer(app: Flask):
    """render(session, row) -> the mail to send, or None when there is nothing to send any more."""
    def render(session: Session, row: SentMail) -> RawMail | None:
        if row.kind == queue.RESET:
            return reset_mail(app, session, row)
        if row.kind == HANDIN:
            from course.web.mails.practice import still_waiting
            if not still_waiting(session, row):
                return None
        return queue.stored_message(app.config, row)
    return render


def reset_mail(app: Flask, session: Session, row: SentMail) -> RawMail | None:
    """The reset link for the account with the asked address, made now: the secret is never stored."""
    user = accounts.find_user_by_email(session, row.recipient)
    if user is None:
        return None  # no account: nothing is sent (and the request's answer was the same)
    row.user_id, row.recipient, row.subject = user.id, user.email, RESET_SUBJECT
    token = accounts.make_reset_token(app.config["SECRET_KEY"], user)
    link = app.config["BASE_URL"] + app.url_map.bind("localhost").build("auth.reset_password", {"token": token})
    body = app.jinja_env.get_template("mail/reset.txt").render(user=user, link=link,
                                                               minutes=app.config["PASSWORD_RESET_MAX_AGE"] // 60)
    return compose_raw(app.config, to=user.email, subject=RESET_SUBJECT, body=body)
