"""The short mail a coach gets when a hand-in arrives: a link to it, never the text."""
from __future__ import annotations

from flask import Flask

from course import addresses, practice
from course.catalog import Module
from course.extensions import db
from course.mail import outbox, send_mail
from course.models import PracticeSubmission, User
from course.reminders import HANDIN
from course.reminders.deliver import make_opt_out_token, preferences
from course.text import utcnow

SUBJECT = "Een praktijkopdracht wacht op je feedback: Veilige Gehechtheid"


def notify_coaches(app: Flask, learner: User, module: Module, submission_id: int) -> int:
    """Queue one mail per coach of the learner's teams (sent on the outbox thread); returns how many."""
    coaches = practice.coaches_of_learner(db.session, learner)
    for coach, team in coaches:
        outbox.submit(app, "inlevering voor coach",
                      lambda c=coach.id, t=team.name: _send(app, c, t, module, submission_id))
    return len(coaches)


def _send(app: Flask, coach_id: int, team: str, module: Module, submission_id: int) -> None:
    """Mail one coach (on the outbox thread); nothing when the hand-in no longer waits or the coach is gone."""
    coach = db.session.get(User, coach_id)
    submission = db.session.get(PracticeSubmission, submission_id)
    if coach is None or submission is None or submission.status != practice.WAITING:
        return  # reviewed, expired or deleted before a retry got through: nothing to ask any more
    if coach.mail_refused_at is not None:
        return  # the server refused this address for good; nothing until the coach confirms it
    if not preferences(db.session, coach).handins:
        return  # switched off in the mail settings or with the link in an earlier one
    urls = app.url_map.bind("localhost")
    opt_out = app.config["BASE_URL"] + urls.build(
        "reminders.opt_out", {"token": make_opt_out_token(app.config["SECRET_KEY"], coach.id, HANDIN)})
    body = app.jinja_env.get_template("mail/inlevering.txt").render(
        coach=coach, team=team, module=module, opt_out=opt_out,
        link=app.config["BASE_URL"] + urls.build("coach.review", {"submission_id": submission_id}),
        settings=app.config["BASE_URL"] + urls.build("reminders.settings"))
    # RFC 8058, as the reminders: a mail program's "afmelden" button POSTs to this address.
    try:
        send_mail(app.config, to=coach.email, subject=SUBJECT, body=body,
                  headers={"List-Unsubscribe": f"<{opt_out}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    except Exception as error:
        if not addresses.is_permanent_refusal(error):
            raise  # temporary: the outbox tries again
        addresses.mark_refused(db.session, [coach.id], utcnow())
        db.session.commit()
