"""The one durable mail path (issue 21 point 3): a mail is a row before it is sent, and a restart loses nothing.

Over real SMTP servers on loopback: a process that stops after answering, a sender that dies after
claiming, two senders at once, retries, a permanent refusal, and the secret of a reset link.
"""
import asyncio
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from course.extensions import db
from course.mail import queue
from course.models import SentMail, User
from course.text import utcnow

from conftest import Inbox, at_once, make_app, post_form, smtp_on_loopback

# Results here depend on dates: run at one fixed moment (conftest.PINNED).
pytestmark = pytest.mark.usefixtures("pinned_clock")


def rows(app):
    with app.app_context():
        found = [(r.kind, r.status, r.user_id, r.recipient, r.body) for r in db.session.scalars(
            select(SentMail).order_by(SentMail.id))]
        db.session.remove()
        return found


def send(runner, *extra):
    result = runner.invoke(args=["mail", "send", *extra])
    assert result.exit_code == 0, result.output
    return result.output


def ask_reset(client, email):
    response = post_form(client, "/wachtwoord-vergeten", {"email": email}, follow_redirects=True)
    assert "Als dit e-mailadres bij ons bekend is" in response.get_data(as_text=True)


def test_a_mail_asked_for_before_a_restart_goes_out_after_it_exactly_once(app, client, make_user, smtp_server,
                                                                          tmp_path):
    """The request is answered and the process stops before sending: a new process sends the mail, once."""
    make_user(name="Zoë Brûlé", email="zoe@voorbeeld.nl")
    ask_reset(client, "zoe@voorbeeld.nl")  # the sender thread is off (TESTING): as if the process stopped now
    assert smtp_server.messages == []
    assert rows(app) == [("wachtwoord", "wacht", None, "zoe@voorbeeld.nl", None)]  # no link stored, not even later
    restarted = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         MAIL_SERVER="127.0.0.1", MAIL_PORT=app.config["MAIL_PORT"])
    postman = restarted.extensions["postman"]
    postman.start()  # the new process's sender picks up what the old one left
    try:
        assert postman.wait_idle(10)
    finally:
        assert postman.stop()
        with restarted.app_context():
            db.engine.dispose()
    assert [rcpt for rcpt, _ in smtp_server.messages] == [["zoe@voorbeeld.nl"]]
    assert "Verstuurd: 0;" in send(app.test_cli_runner())
    assert len(smtp_server.messages) == 1
    (kind, status, user_id, recipient, body), = rows(app)
    assert (kind, status, recipient, body) == ("wachtwoord", "verstuurd", "zoe@voorbeeld.nl", None)
    assert user_id is not None


def test_a_sender_that_dies_after_claiming_is_replaced_after_the_timeout(app, client, runner, make_user,
                                                                         smtp_server):
    """Rows claimed by a sender that died stay untouched while it might still be sending, then go out once."""
    for name in ("a", "b"):
        make_user(name=f"Cursist {name.upper()}", email=f"{name}@voorbeeld.nl")
        ask_reset(client, f"{name}@voorbeeld.nl")
    timeout = timedelta(seconds=app.config["MAIL_CLAIM_TIMEOUT"])
    with app.app_context():
        claimed = queue.claim(db.session, utcnow(), timeout)  # ... and the process is killed here
        assert [row.status for row in claimed] == ["bezig", "bezig"]
        db.session.remove()
    assert "Verstuurd: 0;" in send(runner)  # another sender leaves them: the first may still be at it
    assert smtp_server.messages == []
    later = (utcnow() + timeout + timedelta(seconds=1)).isoformat()
    assert "Verstuurd: 2;" in send(runner, "--now", later)
    assert "Verstuurd: 0;" in send(runner, "--now", later)
    assert sorted(rcpt[0] for rcpt, _ in smtp_server.messages) == ["a@voorbeeld.nl", "b@voorbeeld.nl"]


def test_two_senders_at_once_send_every_mail_once(app, client, make_user):
    """Two processes' senders (or a sender and `flask mail send`) on the same rows, against a slow server."""
    class SlowInbox(Inbox):
        async def handle_DATA(self, server, session, envelope):
            await asyncio.sleep(0.02)
            return await super().handle_DATA(server, session, envelope)
    emails = [f"c{i}@voorbeeld.nl" for i in range(30)]
    with app.app_context():
        for email in emails:
            queue.store(db.session, utcnow(), kind="test", to=email, subject="Hallo", body="Een mail.")
        db.session.commit()
        db.session.remove()
    with smtp_on_loopback(app, SlowInbox()) as inbox:
        from course.web.mails import postman
        reports = at_once(app, lambda: (), lambda: postman.send_due(app), times=3)
    assert sorted(rcpt[0] for rcpt, _ in inbox.messages) == sorted(emails)
    assert sum(report.sent for report in reports) == 30
    assert {status for _, status, *_ in rows(app)} == {"verstuurd"}


def test_retries_on_a_busy_server_then_gives_up_and_the_text_is_erased(app, runner):
    class BusyInbox(Inbox):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "451 4.3.0 Probeer het later"
    with app.app_context():
        queue.store(db.session, utcnow(), kind="test", to="a@voorbeeld.nl", subject="Hallo", body="Geheim 123")
        db.session.commit()
        db.session.remove()
    delays = app.config["MAIL_RETRY_DELAYS"]
    with smtp_on_loopback(app, BusyInbox()):
        moment = utcnow()
        outputs = []
        for _ in range(len(delays) + 1):
            outputs.append(send(runner, "--now", moment.isoformat()))
            moment += timedelta(seconds=max(delays) + 1)
            assert rows(app)[0][4] == ("Geheim 123" if len(outputs) <= len(delays) else None)
    assert all("later opnieuw: 1;" in output for output in outputs[:-1]) and "opgegeven: 1;" in outputs[-1]
    with app.app_context():
        row = db.session.scalar(select(SentMail))
        assert (row.status, row.attempts, row.body, row.recipient) == ("mislukt", len(delays) + 1, None,
                                                                       "a@voorbeeld.nl")


def test_the_reset_mail_reaches_a_refused_address_and_clears_the_mark(app, client, runner, make_user,
                                                                      smtp_server):
    """The user asked for it: a reset goes even to a refused address; when it arrives, the mark is gone."""
    user_id = make_user(name="Zoë", email="zoe@voorbeeld.nl")
    with app.app_context():
        db.session.get(User, user_id).mail_refused_at = utcnow()
        queue.store(db.session, utcnow(), kind="test", to="zoe@voorbeeld.nl", subject="Iets", body="x", user_id=user_id)
        db.session.commit()
        db.session.remove()
    assert "niet (meer) nodig: 1;" in send(runner)  # any other mail to the refused address is skipped
    ask_reset(client, "zoe@voorbeeld.nl")
    assert "Verstuurd: 1;" in send(runner)
    (rcpt, message), = smtp_server.messages
    assert rcpt == ["zoe@voorbeeld.nl"] and message["Subject"] == "Nieuw wachtwoord voor Veilige Gehechtheid"
    with app.app_context():
        assert db.session.get(User, user_id).mail_refused_at is None


def test_a_refused_reset_mail_marks_the_address_and_an_unknown_address_leaves_no_row(app, client, runner,
                                                                                    make_user, smtp_server):
    make_user(name="Zoë", email="zoe@voorbeeld.nl")
    smtp_server.refuse.add("zoe@voorbeeld.nl")
    ask_reset(client, "zoe@voorbeeld.nl")
    ask_reset(client, "niemand@voorbeeld.nl")
    output = send(runner)
    assert "adres geweigerd: 1;" in output and "niet (meer) nodig: 1;" in output
    with app.app_context():
        assert db.session.scalar(select(User.mail_refused_at).where(User.email == "zoe@voorbeeld.nl")) is not None
    assert rows(app) == [("wachtwoord", "geweigerd", rows(app)[0][2], "zoe@voorbeeld.nl", None)]
    assert "niemand" not in str(rows(app))


def test_the_sender_thread_sends_at_once_and_the_secret_never_reaches_the_database(app, client, make_user,
                                                                                     smtp_server, outbox):
    make_user(name="Zoë", email="zoe@voorbeeld.nl")
    ask_reset(client, "zoe@voorbeeld.nl")
    assert outbox.wait_idle(5)
    (_, message), = smtp_server.messages
    token = re.search(r"/wachtwoord-herstellen/(\S+)", message.get_content())[1]
    with app.app_context():  # the whole row, every column, as text
        stored = [str(value) for value in db.session.execute(select(SentMail.__table__)).one()]
    assert not any(token in value for value in stored)
    assert client.get(f"/wachtwoord-herstellen/{token}").status_code == 200


def test_a_stopped_sender_sends_nothing_and_its_successor_everything_once(app, client, make_user, smtp_server,
                                                                           outbox):
    """Stop the sender thread (a worker shut down between mails): what was asked meanwhile waits, then goes."""
    make_user(name="Zoë", email="zoe@voorbeeld.nl")
    assert outbox.stop()
    ask_reset(client, "zoe@voorbeeld.nl")
    threading.Event().wait(0.3)
    assert smtp_server.messages == [] and rows(app)[0][1] == "wacht"
    outbox.start()
    assert outbox.wait_idle(5)
    assert [rcpt for rcpt, _ in smtp_server.messages] == [["zoe@voorbeeld.nl"]]


def test_of_two_senders_that_chose_the_same_mails_only_one_takes_each(app):
    """The race, step by step: both choose the same rows, then both claim them; the second gets none."""
    with app.app_context():
        for email in ("a@voorbeeld.nl", "b@voorbeeld.nl"):
            queue.store(db.session, utcnow(), kind="test", to=email, subject="Hallo", body="Een mail.")
        db.session.commit()
        now, timeout = utcnow(), timedelta(seconds=app.config["MAIL_CLAIM_TIMEOUT"])
        first, second = queue.candidates(db.session, now, timeout), queue.candidates(db.session, now, timeout)
        assert first == second and len(first) == 2
        assert len(queue.take(db.session, first, now, timeout)) == 2
        assert queue.take(db.session, second, now, timeout) == []
        # ... and a stale claim is taken back by one sender only, too.
        later = now + timeout + timedelta(seconds=1)
        first, second = queue.candidates(db.session, later, timeout), queue.candidates(db.session, later, timeout)
        assert first == second and len(first) == 2
        assert len(queue.take(db.session, first, later, timeout)) == 2
        assert queue.take(db.session, second, later, timeout) == []
        db.session.remove()


def test_a_reminder_run_that_died_after_claiming_is_sent_by_a_later_run(app, runner, make_user, make_team,
                                                                        smtp_server):
    """Reminder rows left "bezig" are not resent while their run may still be going, and are after the timeout."""
    from datetime import datetime

    from course import reminders, teams
    from course.models import Team
    from course.reminders import deliver
    learner = make_user(name="Cursist A", email="a@voorbeeld.nl")
    team_id = make_team(members=[learner])
    now = datetime.combine(utcnow().date(), datetime.min.time()).replace(hour=7)
    with app.app_context():
        teams.set_target_date(db.session, None, db.session.get(Team, team_id), now.date())
        planned = reminders.plan(db.session, app.extensions["course"], now)
        assert [row_id for _, row_id in deliver.claim(db.session, planned, now)]  # ... and the run is killed here
        db.session.remove()

    def run(moment):
        result = runner.invoke(args=["reminders", "send", "--now", moment.isoformat()])
        assert result.exit_code == 0, result.output
        return result.output
    assert "Verstuurd: 0;" in run(now + timedelta(minutes=1)) and smtp_server.messages == []
    later = now + timedelta(seconds=app.config["MAIL_CLAIM_TIMEOUT"] + 60)
    assert "Verstuurd: 1;" in run(later)
    assert "Verstuurd: 0;" in run(later + timedelta(minutes=1))
    assert [rcpt for rcpt, _ in smtp_server.messages] == [["a@voorbeeld.nl"]]


def test_a_bug_in_one_mail_stops_no_other_and_it_is_tried_again(app, smtp_server, caplog):
    import logging

    from course.web.mails import postman, render
    with app.app_context():
        for email in ("a@voorbeeld.nl", "kapot@voorbeeld.nl", "b@voorbeeld.nl"):
            queue.store(db.session, utcnow(), kind="test", to=email, subject="Hallo", body="Een mail.")
        db.session.commit()
        normal = render.renderer(app)

        def buggy(session, row):
            if row.recipient.startswith("kapot"):
                raise KeyError("a bug")
            return normal(session, row)
        caplog.set_level(logging.WARNING, logger="course.mail")
        report = queue.send_due(db.session, app.config, buggy, utcnow, **postman.settings(app))
        assert (report.sent, report.retried) == (2, 1)
        assert any("KeyError" in r.getMessage() and "kapot" not in r.getMessage() for r in caplog.records)
        row = db.session.scalar(select(SentMail).where(SentMail.recipient == "kapot@voorbeeld.nl"))
        assert (row.status, row.attempts, row.body) == ("wacht", 1, "Een mail.")
        db.session.remove()
    assert sorted(rcpt[0] for rcpt, _ in smtp_server.messages) == ["a@voorbeeld.nl", "b@voorbeeld.nl"]
