"""Reminder mails as messages: Dutch text and a simple HTML part, with links and a one-click opt-out."""
from __future__ import annotations

from functools import lru_cache

from flask import Flask

from course import workplace
from course.mail import RawMail, compose_raw, queue
from course.reminders import DIGEST, RESUME, TARGET, Planned
from course.text import dutch_date
from course.web.mails import OptOut


def subject(mail: Planned) -> str:
    """The subject line: says what the mail is about without opening it."""
    if mail.kind == TARGET:
        offset, when = mail.data["offset"], _date(mail.data["target_date"])
        if offset < 0:
            return f"Herinnering: rond de cursus Veilige Gehechtheid af vóór {when}"
        if offset == 0:
            return "Vandaag is de streefdatum voor de cursus Veilige Gehechtheid"
        return f"De streefdatum voor de cursus Veilige Gehechtheid was {when}"
    if mail.kind == RESUME:
        return "Ga verder waar je gebleven was: Veilige Gehechtheid"
    return "Weekoverzicht van je team: Veilige Gehechtheid"


@lru_cache(maxsize=64)
def _date(value) -> str:
    return dutch_date(value)  # the same few target dates in thousands of mails


class _Renderer:
    """What every mail of a run shares, looked up once: the URL builder, the templates, the fixed links."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.urls = app.url_map.bind("localhost")
        self.base = app.config["BASE_URL"]
        self._built: dict[tuple, str] = {}
        self.opt_out = OptOut(app)
        self.templates = {(kind, ext): app.jinja_env.get_template(f"mail/{kind}.{ext}")
                          for kind in (TARGET, RESUME, DIGEST) for ext in ("txt", "html")}

    def url(self, endpoint: str, values: tuple = ()) -> str:
        """An absolute link; the same next steps and team pages recur in thousands of mails."""
        url = self._built.get((endpoint, values))
        if url is None:
            url = self._built[endpoint, values] = self.base + self.urls.build(endpoint, dict(values))
        return url

    def message(self, mail: Planned) -> RawMail:
        app = self.app
        opt_out = self.opt_out.link(mail.user_id, mail.kind)
        context = {**self.opt_out.context(opt_out, mail.kind), "mail": mail, "data": mail.data,
                   "TARGET": TARGET, "RESUME": RESUME}
        step = mail.data.get("step")
        if mail.kind in (TARGET, RESUME):
            endpoint, values = step.endpoint if step else ("learn.overview", {})
            context["next_url"] = self.url(endpoint, tuple(sorted(values.items())))
            context["next_title"] = (step.lesson.title if step and step.lesson else
                                     f"de quiz van module {step.module.number}" if step else "het cursusoverzicht")
            setting = mail.data.get("setting")
            context["setting_line"] = (
                f"Je praktijkopdrachten passen bij je werk: {workplace.label(setting).lower()}." if setting else
                "Vertel op je accountpagina waar je werkt (kinderdagverblijf, bso of gastouder). Dan passen je "
                "praktijkopdrachten bij je werk.")
            context["account_url"] = self.url("account.settings")
        else:
            context["team_urls"] = {s["team_id"]: self.url("manage.team", (("team_id", s["team_id"]),))
                                    for s in mail.data["sections"]}
        # No app context needed (nor pushed per mail): the mail templates use only what is passed in.
        text = self.templates[mail.kind, "txt"].render(context)
        html = self.templates[mail.kind, "html"].render(context)
        return compose_raw(app.config, to=mail.email, subject=subject(mail), body=text, html=html,
                           headers=OptOut.headers(opt_out))


def message(app: Flask, mail: Planned) -> RawMail:
    """Render one planned mail (a run renders through its Sender, which looks things up once)."""
    return _Renderer(app).message(mail)


class Sender:
    """send(mail): render one planned mail and send it; each thread that calls it has its own SMTP connection.

    The reminder run sends over MAIL_CONNECTIONS connections at once (see course/reminders/deliver.py). Use it
    as a context manager: leaving it closes every connection.
    """

    def __init__(self, app: Flask) -> None:
        self.connections = app.config["MAIL_CONNECTIONS"] if app.config.get("MAIL_SERVER") else 1
        self._renderer = _Renderer(app)
        self._send = queue.Connections(app.config)

    def __call__(self, mail: Planned) -> None:
        self._send(self._renderer.message(mail))

    def close(self) -> None:
        self._send.close()

    def __enter__(self) -> "Sender":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
