"""Reminder mails over a real SMTP server on loopback, with the clock moved forward."""
import logging
import re
import threading
from datetime import date, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from course import accounts, reminders, reminders_send, teams
from course.extensions import db
from course.mail import Batch
from course.models import Team, User, utcnow
from course.models_records import MailPreference, SentMail
from conftest import Inbox, complete_module, free_port, post_form

TODAY = utcnow().date()


def at(day: date, hour: int = 7) -> str:
    return datetime(day.year, day.month, day.day, hour).isoformat()


def run(runner, day: date, *extra):
    result = runner.invoke(args=["reminders", "send", "--now", at(day), *extra])
    return result


def recipients(inbox) -> list[str]:
    return [rcpt[0] for rcpt, _ in inbox.messages]


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


@pytest.fixture
def world(app, make_user, make_team):
    """A team with a target date in 30 days: a manager, a learner who has not started, one who finished,
    one who left the team and one who deleted the account."""
    ids = {name: make_user(name=name.capitalize(), email=f"{name}@voorbeeld.nl")
           for name in ("leiding", "nog", "klaar", "weg", "gewist")}
    complete_module(app, ids["klaar"], "eerste-module")
    complete_module(app, ids["klaar"], "tweede-module")
    team_id = make_team(manager_id=ids["leiding"], members=[ids[n] for n in ("nog", "klaar", "weg", "gewist")])
    target = TODAY + timedelta(days=30)
    with app.app_context():
        team = db.session.get(Team, team_id)
        teams.set_target_date(db.session, None, team, target)
        teams.remove_member(db.session, None, team, db.session.get(User, ids["weg"]))
        accounts.delete_account(db.session, db.session.get(User, ids["gewist"]), keep_name_on_certificates=False)
        db.session.remove()
    return {**ids, "team": team_id, "target": target}


@pytest.mark.parametrize("offset, expected", [
    (-20, None), (-14, -14), (-1, -14), (0, 0), (6, 0), (7, 7), (20, 14), (28, 28), (34, 28), (35, None), (400, None)])
def test_schedule(offset, expected):
    target = date(2026, 6, 1)
    assert reminders.reminder_offset(target, target + timedelta(days=offset)) == expected


def test_target_reminders_follow_the_schedule_and_stop_after_four_weeks(runner, world, smtp_server):
    target = world["target"]
    reminders_sent = lambda: [r for r, m in zip(recipients(smtp_server), smtp_server.messages)  # noqa: E731
                              if "streefdatum" in m[1]["Subject"].lower() or "Herinnering" in m[1]["Subject"]]
    for day, total in [(target - timedelta(days=15), 0), (target - timedelta(days=14), 1),
                       (target - timedelta(days=13), 1), (target, 2), (target + timedelta(days=3), 2),
                       (target + timedelta(days=7), 3), (target + timedelta(days=14), 4),
                       (target + timedelta(days=21), 5), (target + timedelta(days=28), 6),
                       (target + timedelta(days=35), 6), (target + timedelta(days=60), 6)]:
        result = run(runner, day)
        assert result.exit_code == 0, result.output
        assert len(reminders_sent()) == total, (day, result.output)
    # Only the one who has not finished, is still in the team and still has an account.
    assert set(reminders_sent()) == {"nog@voorbeeld.nl"}
    first = smtp_server.messages[0][1]
    assert first["Subject"].startswith("Herinnering: rond de cursus Veilige Gehechtheid af vóór")
    assert "Hallo Nog" in text_of(first) and "/cursus/eerste-module/les-1" in text_of(first)
    assert first.get_body(("html",)) is not None
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_running_twice_sends_once_and_dry_run_sends_nothing(runner, world, smtp_server):
    day = world["target"]
    dry = run(runner, day, "--dry-run")
    assert "nog@voorbeeld.nl" in dry.output and "proefdraai" in dry.output
    assert smtp_server.messages == []
    run(runner, day)
    first = len(smtp_server.messages)
    assert first >= 1
    assert "0 mail(s) zouden" in run(runner, day, "--dry-run").output
    run(runner, day)
    assert len(smtp_server.messages) == first


def test_two_parallel_runs_send_each_mail_once(app, make_user, make_team):
    """Two runs (two servers) at the same moment, against a slow mail server: every mail arrives once."""
    import asyncio

    class SlowInbox(Inbox):
        async def handle_DATA(self, server, session, envelope):
            await asyncio.sleep(0.02)
            return await super().handle_DATA(server, session, envelope)
    learners = [make_user(name=f"Cursist {chr(65 + i)}", email=f"c{i}@voorbeeld.nl") for i in range(12)]
    team_id = make_team(members=learners)
    inbox = SlowInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    config = {**app.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port}
    now = datetime.combine(TODAY, datetime.min.time())
    with app.app_context():
        teams.set_target_date(db.session, None, db.session.get(Team, team_id), TODAY)
        db.session.remove()

    def one_run(results):
        with app.app_context():
            planned = reminders.plan(db.session, app.extensions["course"], now)
            with Batch(config) as batch:
                results.append(reminders_send.deliver(db.session, planned, lambda m: batch.send(
                    _message(app, m)), now))
            db.session.remove()
    try:
        results = []
        threads = [threading.Thread(target=one_run, args=(results,)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        controller.stop()
    assert sorted(recipients(inbox)) == sorted(f"c{i}@voorbeeld.nl" for i in range(12))
    assert sum(len(r.sent) for r in results) == 12
    with app.app_context():
        assert set(db.session.scalars(select(SentMail.status))) == {"verstuurd"}


def _message(app, mail):
    with app.app_context():
        from course.web.reminder_mail import message
        return message(app, mail)


def test_opt_out_link_works_without_login_and_stops_that_kind(app, client, runner, world, smtp_server):
    run(runner, world["target"] - timedelta(days=14))
    body = text_of(smtp_server.messages[0][1])
    link = re.search(r"https?://[^/\s]+(/afmelden/\S+)", body)[1]
    page = client.get(link)
    assert page.status_code == 200 and "Ja, meld me af" in page.get_data(as_text=True)
    done = client.post(link)  # the button (and mail programs' one-click POST): no login, no CSRF token
    assert done.status_code == 200 and "Je bent afgemeld" in done.get_data(as_text=True)
    run(runner, world["target"])
    assert recipients(smtp_server).count("nog@voorbeeld.nl") == 1
    with app.app_context():
        pref = db.session.get(MailPreference, world["nog"])
        assert (pref.reminders, pref.resume, pref.digest) == (False, True, True)


def test_tampered_or_old_opt_out_links_change_nothing(app, client, world):
    with app.app_context():
        token = reminders_send.make_opt_out_token(app.config["SECRET_KEY"], world["nog"], reminders.TARGET)
        other = reminders_send.make_opt_out_token("een-andere-sleutel", world["nog"], reminders.TARGET)
        gone = reminders_send.make_opt_out_token(app.config["SECRET_KEY"], world["gewist"], reminders.TARGET)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), other, gone, "onzin"):
        response = client.post(f"/afmelden/{bad}")
        assert response.status_code == 400
        assert "Er is niets veranderd" in response.get_data(as_text=True)
    old = app.config["OPT_OUT_MAX_AGE"]
    app.config["OPT_OUT_MAX_AGE"] = -1
    try:
        response = client.post(f"/afmelden/{token}")
        assert response.status_code == 400 and "verlopen" in response.get_data(as_text=True)
    finally:
        app.config["OPT_OUT_MAX_AGE"] = old
    with app.app_context():
        assert db.session.get(MailPreference, world["nog"]) is None


def test_settings_page_turns_kinds_on_and_off(app, client, auth, make_user):
    make_user(email="zelf@voorbeeld.nl")
    auth.login("zelf@voorbeeld.nl")
    assert client.get("/account/meldingen").status_code == 200
    post_form(client, "/account/meldingen", {"reminders": "y", "digest": "y"})
    with app.app_context():
        pref = db.session.scalar(select(MailPreference))
        assert (pref.reminders, pref.resume, pref.digest) == (True, False, True)


def test_weekly_digest_to_the_manager_only_when_something_changed(app, runner, world, smtp_server, make_user,
                                                                  make_team, caplog):
    make_team("Zonder leiding", members=[make_user(email="alleen@voorbeeld.nl")])
    caplog.set_level(logging.WARNING, logger="course.reminders")
    run(runner, TODAY + timedelta(days=1))  # "klaar" finished and everyone joined this week
    digests = [m for rcpt, m in smtp_server.messages if m["Subject"].startswith("Weekoverzicht")]
    assert len(digests) == 1 and digests[0]["To"] == "leiding@voorbeeld.nl"
    body = text_of(digests[0])
    assert "Klaar sinds vorige week: Klaar" in body and "Nog niet begonnen: Nog" in body
    assert re.search(r"/teams/\d+/", body)
    assert any("geen leidinggevende" in r.getMessage() for r in caplog.records)
    # A team member opting out of their own reminders does not stop the manager's digest.
    with app.app_context():
        reminders_send.set_preferences(db.session, db.session.get(User, world["nog"]), utcnow(), digest=False)
    run(runner, TODAY + timedelta(days=8))  # a week later nobody did anything: no digest
    run(runner, TODAY + timedelta(days=9))
    assert len([m for _, m in smtp_server.messages if m["Subject"].startswith("Weekoverzicht")]) == 1


def test_pick_up_where_you_left_off_once(app, runner, make_user, smtp_server):
    learner = make_user(name="Halverwege", email="half@voorbeeld.nl")
    with app.app_context():
        from course.progress import mark_lesson_done
        mark_lesson_done(db.session, db.session.get(User, learner), app.extensions["course"].lessons[0])
        db.session.remove()
    run(runner, TODAY + timedelta(days=20))
    assert smtp_server.messages == []
    run(runner, TODAY + timedelta(days=22))
    run(runner, TODAY + timedelta(days=23))
    assert recipients(smtp_server) == ["half@voorbeeld.nl"]
    body = text_of(smtp_server.messages[0][1])
    assert "/cursus/eerste-module/les-2" in body and "maar één keer" in body, body


def test_mail_server_down_for_a_whole_run_loses_nothing(app, runner, make_user, make_team, caplog):
    learners = [make_user(email=f"d{i}@voorbeeld.nl") for i in range(5)]
    team_id = make_team(members=learners)
    with app.app_context():
        teams.set_target_date(db.session, None, db.session.get(Team, team_id), TODAY)
        db.session.remove()
    port = free_port()
    old = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    caplog.set_level(logging.WARNING, logger="course.reminders")
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    try:
        result = run(runner, TODAY)
        assert result.exit_code == 1 and "blijven staan: 2" in result.output
        assert any("Mailserver niet bereikbaar" in r.getMessage() for r in caplog.records)
        assert not any("@" in r.getMessage() for r in caplog.records)  # no addresses in the log
        with app.app_context():
            assert set(db.session.scalars(select(SentMail.status))) == {"mislukt"}
        controller.start()
        assert run(runner, TODAY).exit_code == 0
        assert run(runner, TODAY).exit_code == 0
        assert sorted(recipients(inbox)) == sorted(f"d{i}@voorbeeld.nl" for i in range(5))
    finally:
        app.config.update(old)
        controller.stop()


def test_a_refused_address_is_not_retried_and_the_others_are_sent(app, runner, world, smtp_server, caplog):
    smtp_server.refuse.add("leiding@voorbeeld.nl")
    caplog.set_level(logging.WARNING, logger="course.reminders")
    result = run(runner, TODAY + timedelta(days=1))
    assert "adres geweigerd: 1" in result.output
    assert "leiding@voorbeeld.nl" not in recipients(smtp_server)
    run(runner, TODAY + timedelta(days=2))
    with app.app_context():
        statuses = dict(db.session.execute(select(SentMail.kind, SentMail.status)
                                           .where(SentMail.user_id == world["leiding"])).all())
        assert statuses == {"overzicht": "geweigerd"}
    assert any("geweigerd" in r.getMessage() for r in caplog.records)


def test_a_past_target_date_sends_at_most_one_overdue_reminder(app, runner, world, smtp_server):
    with app.app_context():
        teams.set_target_date(db.session, None, db.session.get(Team, world["team"]), TODAY - timedelta(days=16))
    run(runner, TODAY)
    run(runner, TODAY + timedelta(days=1))
    overdue = [m for _, m in smtp_server.messages if "was" in m["Subject"]]
    assert len(overdue) == 1 and overdue[0]["To"] == "nog@voorbeeld.nl"
    with app.app_context():
        teams.set_target_date(db.session, None, db.session.get(Team, world["team"]), TODAY - timedelta(days=90))
    run(runner, TODAY + timedelta(days=2))
    assert len([m for _, m in smtp_server.messages if "was" in m["Subject"]]) == 1


def test_a_deleted_learner_gets_nothing_and_leaves_no_rows(app, runner, world, smtp_server):
    run(runner, world["target"])
    with app.app_context():
        user = db.session.get(User, world["nog"])
        accounts.delete_account(db.session, user, keep_name_on_certificates=False)
        assert db.session.scalar(select(SentMail).where(SentMail.user_id == world["nog"])) is None
    before = len(smtp_server.messages)
    run(runner, world["target"] + timedelta(days=7))
    assert "nog@voorbeeld.nl" not in recipients(smtp_server)[before:]
