"""Reminder mails as messages: Dutch text and a simple HTML part, with links and a one-click opt-out."""
from __future__ import annotations

from email.message import EmailMessage
from typing import Callable

from flask import Flask

from course.mail import Batch, compose
from course.reminders import DIGEST, RESUME, TARGET, Planned
from course.reminders_send import make_opt_out_token
from course.text import dutch_date


def _url(app: Flask, endpoint: str, **values) -> str:
    return app.config["BASE_URL"] + app.url_map.bind("localhost").build(endpoint, values)


def subject(mail: Planned) -> str:
    """The subject line: says what the mail is about without opening it."""
    if mail.kind == TARGET:
        offset, when = mail.data["offset"], dutch_date(mail.data["target_date"])
        if offset < 0:
            return f"Herinnering: rond de cursus Veilige Gehechtheid af vóór {when}"
        if offset == 0:
            return "Vandaag is de streefdatum voor de cursus Veilige Gehechtheid"
        return f"De streefdatum voor de cursus Veilige Gehechtheid was {when}"
    if mail.kind == RESUME:
        return "Ga verder waar je gebleven was: Veilige Gehechtheid"
    return "Weekoverzicht van je team: Veilige Gehechtheid"


def message(app: Flask, mail: Planned) -> EmailMessage:
    """Render one planned mail."""
    opt_out = _url(app, "reminders.opt_out", token=make_opt_out_token(app.config["SECRET_KEY"], mail.user_id, mail.kind))
    context = {"mail": mail, "data": mail.data, "opt_out": opt_out, "settings": _url(app, "reminders.settings"),
               "TARGET": TARGET, "RESUME": RESUME, "DIGEST": DIGEST}
    step = mail.data.get("step")
    if mail.kind in (TARGET, RESUME):
        endpoint, values = step.endpoint if step else ("learn.overview", {})
        context["next_url"] = _url(app, endpoint, **values)
        context["next_title"] = (step.lesson.title if step and step.lesson else
                                 f"de quiz van module {step.module.number}" if step else "het cursusoverzicht")
    else:
        context["team_urls"] = {s["team_id"]: _url(app, "manage.team", team_id=s["team_id"])
                                for s in mail.data["sections"]}
    text = app.jinja_env.get_template(f"mail/{mail.kind}.txt").render(**context)
    html = app.jinja_env.get_template(f"mail/{mail.kind}.html").render(**context)
    # RFC 8058: mail programs show an "afmelden" button that POSTs to this address, without a page.
    headers = {"List-Unsubscribe": f"<{opt_out}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return compose(app.config, to=mail.email, subject=subject(mail), body=text, html=html, headers=headers)


def sender(app: Flask, batch: Batch) -> Callable[[Planned], None]:
    """send(mail): render and send one planned mail over the batch's connection (raises on failure)."""
    def send(mail: Planned) -> None:
        with app.app_context():
            batch.send(message(app, mail))
    return send
