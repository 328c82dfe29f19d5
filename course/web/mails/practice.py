"""The short mail a coach gets when a hand-in arrives: a link to it, never the text."""
from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from course import practice
from course.catalog import Module
from course.extensions import db
from course.mail import queue
from course.models import PracticeSubmission, SentMail, User
from course.reminders import HANDIN
from course.reminders.preferences import preferences
from course.text import utcnow
from course.web.mails import OptOut

SUBJECT = "Een praktijkopdracht wacht op je feedback: Veilige Gehechtheid"


def notify_coaches(app: Flask, learner: User, module: Module, submission_id: int) -> int:
    """Store one mail per coach of the learner's teams (the sender thread delivers them); returns how many.

    A coach whose address was refused for good, or who switched these mails off, gets none.
    """
    coaches = practice.coaches_of_learner(db.session, learner)
    opt_out, urls, now = OptOut(app), app.url_map.bind("localhost"), utcnow()
    link = app.config["BASE_URL"] + urls.build("coach.review", {"submission_id": submission_id})
    template = app.jinja_env.get_template("mail/inlevering.txt")
    seen: set[int] = set()
    for coach, team in coaches:  # one mail per coach, also for a coach of two of the learner's teams
        if coach.id in seen or coach.mail_refused_at is not None or not preferences(db.session, coach).handins:
            continue
        seen.add(coach.id)
        unsubscribe = opt_out.link(coach.id, HANDIN)
        body = template.render(coach=coach, team=team.name, module=module, link=link, **opt_out.context(unsubscribe))
        queue.store(db.session, now, kind=HANDIN, to=coach.email, subject=SUBJECT, body=body,
                    headers=OptOut.headers(unsubscribe), user_id=coach.id, due_key=str(submission_id))
    db.session.commit()
    return len(coaches)


def still_waiting(session: Session, row: SentMail) -> bool:
    """Send the notice only while the hand-in waits and the coach wants these mails (checked again when sending)."""
    submission = session.get(PracticeSubmission, int(row.due_key)) if row.due_key.isdigit() else None
    coach = session.get(User, row.user_id) if row.user_id is not None else None
    return (submission is not None and submission.status == practice.WAITING and coach is not None
            and preferences(session, coach).handins)
