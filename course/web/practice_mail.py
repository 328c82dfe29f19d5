"""The short mail a coach gets when a hand-in arrives: a link to it, never the text."""
from __future__ import annotations

from flask import Flask

from course import practice
from course.catalog import Module
from course.extensions import db
from course.mail import outbox, send_mail
from course.models import PracticeSubmission, User

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
    path = app.url_map.bind("localhost").build("coach.review", {"submission_id": submission_id})
    body = app.jinja_env.get_template("mail/inlevering.txt").render(
        coach=coach, team=team, module=module, link=app.config["BASE_URL"] + path)
    send_mail(app.config, to=coach.email, subject=SUBJECT, body=body)
