"""Reminder mails over a real SMTP server on loopback, with the clock moved forward."""
import logging
import re
import threading
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from course import accounts, reminders, teams
from course.extensions import db
from course.mail import Batch
from course.models import MailPreference, SentMail, Team, User
from course.reminders import deliver as reminders_send
from course.reminders import preferences as optout
from course.text import utcnow
from course.web.mails.reminders import Sender

from conftest import Inbox, complete_module, free_port, post_form, smtp_on_loopback

# A Wednesday, with the clock pinned to its early morning: the weekly digest is keyed by ISO week, so a run
# "tomorrow" stays in the same week whatever day the suite runs (with the real day it failed on Sundays).
TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 12, 2, 6, 0, tzinfo=timezone.utc), tick=True):
        yield


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
        from course.web.mails.reminders import message
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
        token = optout.make_opt_out_token(app.config["SECRET_KEY"], world["nog"], reminders.TARGET)
        other = optout.make_opt_out_token("een-andere-sleutel", world["nog"], reminders.TARGET)
        gone = optout.make_opt_out_token(app.config["SECRET_KEY"], world["gewist"], reminders.TARGET)
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
        optout.set_preferences(db.session, db.session.get(User, world["nog"]), utcnow(), digest=False)
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


def test_no_separate_pick_up_mail_while_target_reminders_run(app, runner, make_user, make_team, smtp_server):
    # Halfway and idle for three weeks, in a team whose target date is near: the target-date reminder
    # already links to the next step, so no "Ga verder" mail comes on top of it, then or the day after.
    learner = make_user(name="Halverwege", email="half@voorbeeld.nl")
    team_id = make_team(members=[learner])
    with app.app_context():
        from course.progress import mark_lesson_done
        mark_lesson_done(db.session, db.session.get(User, learner), app.extensions["course"].lessons[0])
        teams.set_target_date(db.session, None, db.session.get(Team, team_id), TODAY + timedelta(days=30))
        db.session.remove()
    for day in (22, 23, 24):
        run(runner, TODAY + timedelta(days=day))
    subjects = [m["Subject"] for _, m in smtp_server.messages]
    assert len(subjects) == 1 and not subjects[0].startswith("Ga verder"), subjects
    assert "/cursus/eerste-module/les-2" in text_of(smtp_server.messages[0][1])
    # Who switched the target-date reminders off still gets the one pick-up mail.
    with app.app_context():
        optout.set_preferences(db.session, db.session.get(User, learner), utcnow(), reminders=False)
        db.session.remove()
    run(runner, TODAY + timedelta(days=25))
    assert len(smtp_server.messages) == 2 and smtp_server.messages[1][1]["Subject"].startswith("Ga verder")


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


# ----- one schedule per person, whatever the number of teams -----

def _target_mails(messages, to):
    return [m for rcpt, m in messages if rcpt == [to] and not m["Subject"].startswith(("Weekoverzicht", "Ga verder"))]


def test_a_learner_in_two_teams_with_the_same_date_gets_one_mail_naming_both(app, runner, make_user, make_team,
                                                                            smtp_server):
    learner = make_user(name="Twee Teams", email="twee@voorbeeld.nl")
    target = TODAY + timedelta(days=20)
    with app.app_context():
        for name in ("Locatie Noord", "Locatie Zuid"):
            teams.set_target_date(db.session, None, db.session.get(Team, make_team(name, members=[learner])), target)
        db.session.remove()
    for day in (target - timedelta(days=14), target - timedelta(days=10), target, target + timedelta(days=7)):
        assert run(runner, day).exit_code == 0
    mails = _target_mails(smtp_server.messages, "twee@voorbeeld.nl")
    assert len(mails) == 3  # two weeks before, on the day, a week late: once each, not once per team
    assert "Je teams Locatie Noord en Locatie Zuid willen de cursus Veilige Gehechtheid af hebben" in text_of(mails[0])
    assert "Dat is over twee weken." in text_of(mails[0])
    with app.app_context():
        keys = sorted(db.session.scalars(select(SentMail.due_key).where(SentMail.kind == reminders.TARGET)))
    assert keys == [f"{target.isoformat()}:{o}" for o in ("+0", "+7", "-14")]


def test_different_target_dates_follow_the_earliest_and_never_two_a_day(app, runner, make_user, make_team,
                                                                        smtp_server):
    """Teams with dates D and D+3: D's schedule runs; D+3's last point follows when D's four weeks are over."""
    learner = make_user(name="Twee Data", email="data@voorbeeld.nl")
    first = TODAY + timedelta(days=20)
    with app.app_context():
        for name, target in (("Vroeg", first), ("Later", first + timedelta(days=3))):
            teams.set_target_date(db.session, None, db.session.get(Team, make_team(name, members=[learner])), target)
        db.session.remove()
    per_day = {}
    for offset in range(-15, 45):
        before = len(smtp_server.messages)
        assert run(runner, first + timedelta(days=offset)).exit_code == 0
        per_day[offset] = len(_target_mails(smtp_server.messages[before:], "data@voorbeeld.nl"))
    assert max(per_day.values()) == 1
    assert [o for o, n in per_day.items() if n] == [-14, 0, 7, 14, 21, 28, 35]
    last = _target_mails(smtp_server.messages, "data@voorbeeld.nl")[-1]
    assert "De streefdatum van je team Later was" in text_of(last)


def test_a_second_run_on_the_same_day_sends_no_second_target_reminder(app, runner, make_user, make_team, smtp_server):
    learner = make_user(name="Zelfde Dag", email="dag@voorbeeld.nl")
    first, second = make_team("Eerste", members=[learner]), make_team("Tweede", members=[learner])
    with app.app_context():
        teams.set_target_date(db.session, None, db.session.get(Team, first), TODAY)
        db.session.remove()
    assert run(runner, TODAY).exit_code == 0
    with app.app_context():  # later that day the other team gets an earlier date: its overdue point is due
        teams.set_target_date(db.session, None, db.session.get(Team, second), TODAY - timedelta(days=7))
        db.session.remove()
    assert run(runner, TODAY, "--dry-run").output.startswith("0 mail(s)")
    assert run(runner, TODAY).exit_code == 0
    assert len(_target_mails(smtp_server.messages, "dag@voorbeeld.nl")) == 1
    assert run(runner, TODAY + timedelta(days=1)).exit_code == 0  # the next day it goes out
    mails = _target_mails(smtp_server.messages, "dag@voorbeeld.nl")
    assert len(mails) == 2 and "De streefdatum van je team Tweede was" in text_of(mails[1])


def test_the_first_reminder_counts_the_days_left(app, runner, make_user, make_team, smtp_server):
    learner = make_user(name="Laat Begonnen", email="laat@voorbeeld.nl")
    with app.app_context():
        team = db.session.get(Team, make_team("Laat", members=[learner]))
        teams.set_target_date(db.session, None, team, TODAY + timedelta(days=10))
        db.session.remove()
    run(runner, TODAY)
    assert "Je team Laat wil de cursus" in text_of(smtp_server.messages[0][1])
    assert "Dat is over 10 dagen." in text_of(smtp_server.messages[0][1])


# ----- teams without a manager, bouncing addresses, failures in the middle of a run -----

def test_a_team_without_a_manager_still_reminds_its_members_and_logs_no_personal_data(app, runner, make_user,
                                                                                      make_team, smtp_server,
                                                                                      caplog):
    members = [make_user(name=f"Lid {chr(65 + i)}", email=f"lid{i}@voorbeeld.nl") for i in range(2)]
    team_id = make_team("Zonder leiding", members=members)
    with app.app_context():
        teams.set_target_date(db.session, None, db.session.get(Team, team_id), TODAY + timedelta(days=14))
        db.session.remove()
    caplog.set_level(logging.INFO, logger="course.reminders")
    result = run(runner, TODAY)
    assert result.exit_code == 0 and "Verstuurd: 2;" in result.output
    assert sorted(recipients(smtp_server)) == ["lid0@voorbeeld.nl", "lid1@voorbeeld.nl"]
    lines = [r.getMessage() for r in caplog.records]
    assert f"Team {team_id} heeft geen leidinggevende: er gaat geen weekoverzicht uit." in lines
    assert not any("@" in line or "Lid " in line or "Zonder leiding" in line for line in lines)


def test_a_bouncing_manager_address_does_not_stop_the_others(app, runner, make_user, make_team, smtp_server, caplog):
    """550 for the manager (and for more addresses than the server-down limit): the rest of the run goes on."""
    manager = make_user(name="Leiding", email="leiding@voorbeeld.nl")
    learners = [make_user(name=f"Cursist {chr(65 + i)}", email=f"c{i}@voorbeeld.nl") for i in range(6)]
    team_id = make_team(manager_id=manager, members=learners)
    with app.app_context():
        teams.set_target_date(db.session, None, db.session.get(Team, team_id), TODAY)
        db.session.remove()
    smtp_server.refuse.update({"leiding@voorbeeld.nl", "c0@voorbeeld.nl", "c1@voorbeeld.nl", "c2@voorbeeld.nl"})
    caplog.set_level(logging.INFO, logger="course.reminders")
    result = run(runner, TODAY)
    assert result.exit_code == 0, result.output
    assert "Verstuurd: 3;" in result.output and "adres geweigerd: 4;" in result.output
    assert "blijven staan: 0." in result.output
    assert sorted(recipients(smtp_server)) == ["c3@voorbeeld.nl", "c4@voorbeeld.nl", "c5@voorbeeld.nl"]
    refused = [r.getMessage() for r in caplog.records if "geweigerd" in r.getMessage()]
    assert len(refused) == 4 and f"account {manager}:" in " ".join(refused)
    assert not any("@" in r.getMessage() for r in caplog.records)  # the account number, never the address
    assert run(runner, TODAY + timedelta(days=1)).output.count("Verstuurd: 0;") == 1  # and not tried again
    with app.app_context():
        assert dict(db.session.execute(select(SentMail.status, func.count()).group_by(SentMail.status)).all()) == {
            "verstuurd": 3, "geweigerd": 4}


class FlakyInbox(Inbox):
    """Answers 451 (try again later) to the mail of the addresses in `fail`."""

    def __init__(self, fail=()):
        super().__init__()
        self.fail = set(fail)

    async def handle_DATA(self, server, session, envelope):
        if set(envelope.rcpt_tos) & self.fail:
            return "451 4.3.0 Probeer het later nog eens"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def flaky_server(app):
    with smtp_on_loopback(app, FlakyInbox()) as inbox:
        yield inbox


def test_a_failed_mail_in_the_middle_of_batches_is_not_marked_sent_and_goes_next_run(app, runner, make_user,
                                                                                    make_team, flaky_server,
                                                                                    monkeypatch):
    monkeypatch.setattr(reminders_send, "BATCH", 3)  # several batches with a handful of learners
    learners = [make_user(name=f"Cursist {chr(65 + i)}", email=f"f{i}@voorbeeld.nl") for i in range(8)]
    team_id = make_team(members=learners)
    with app.app_context():
        teams.set_target_date(db.session, None, db.session.get(Team, team_id), TODAY)
        db.session.remove()
    flaky_server.fail.add("f4@voorbeeld.nl")
    result = run(runner, TODAY)
    assert result.exit_code == 0 and "Verstuurd: 7;" in result.output
    assert "mislukt (volgende run opnieuw): 1;" in result.output
    assert sorted(recipients(flaky_server)) == sorted(f"f{i}@voorbeeld.nl" for i in range(8) if i != 4)
    with app.app_context():
        failed = db.session.scalar(select(SentMail).where(SentMail.status != "verstuurd"))
        assert (failed.user_id, failed.status, failed.attempts, failed.sent_at) == (learners[4], "mislukt", 1, None)
    flaky_server.fail.clear()
    assert "Verstuurd: 1;" in run(runner, TODAY + timedelta(days=1)).output
    assert sorted(recipients(flaky_server)) == sorted(f"f{i}@voorbeeld.nl" for i in range(8))
    with app.app_context():
        assert set(db.session.scalars(select(SentMail.status))) == {"verstuurd"}


@pytest.mark.parametrize("connections", [1, 3])
def test_a_server_going_down_mid_run_leaves_nothing_claimed_and_loses_nothing(app, runner, make_user, make_team,
                                                                              flaky_server, monkeypatch, connections):
    """After three failures in a row the run stops: the rest of its batch is freed, later batches untouched.

    Over one connection the counts are exact; over three, mails already on their way when the third
    failure comes in fail too, so only the totals are fixed.
    """
    monkeypatch.setattr(reminders_send, "BATCH", 4)
    monkeypatch.setitem(app.config, "MAIL_CONNECTIONS", connections)
    learners = [make_user(name=f"Cursist {chr(65 + i)}", email=f"s{i}@voorbeeld.nl") for i in range(10)]
    team_id = make_team(members=learners)
    with app.app_context():
        teams.set_target_date(db.session, None, db.session.get(Team, team_id), TODAY)
        db.session.remove()
    flaky_server.fail.update(f"s{i}@voorbeeld.nl" for i in range(2, 10))  # from the third mail on: "try later"
    result = run(runner, TODAY)
    assert result.exit_code == 1 and "Verstuurd: 2;" in result.output
    failed, left = (int(n) for n in re.search(r"mislukt \(volgende run opnieuw\): (\d+);.*blijven staan: (\d+)\.",
                                                result.output).groups())
    assert failed + left == 8 and failed >= 3
    if connections == 1:
        assert (failed, left) == (3, 5)
    with app.app_context():
        rows = db.session.execute(select(SentMail.status, SentMail.attempts)).all()
    # Two batches claimed (8 rows): tried and failed, one attempt; freed without a try, none. The third
    # batch (2 mails) was never claimed.
    assert sorted(rows) == sorted([("verstuurd", 1)] * 2 + [("mislukt", 1)] * failed + [("mislukt", 0)] * (6 - failed))
    flaky_server.fail.clear()
    assert run(runner, TODAY).exit_code == 0
    assert sorted(recipients(flaky_server)) == sorted(f"s{i}@voorbeeld.nl" for i in range(10))  # each once


def test_a_learner_deleted_between_planning_and_sending_is_skipped(app, make_user, make_team, smtp_server):
    learners = [make_user(name=f"Cursist {chr(65 + i)}", email=f"x{i}@voorbeeld.nl") for i in range(3)]
    team_id = make_team(members=learners)
    now = datetime.combine(TODAY, datetime.min.time())
    with app.app_context():
        teams.set_target_date(db.session, None, db.session.get(Team, team_id), TODAY)
        planned = reminders.plan(db.session, app.extensions["course"], now)
        accounts.delete_account(db.session, db.session.get(User, learners[1]), keep_name_on_certificates=False)
        with Sender(app) as send:
            report = reminders_send.deliver(db.session, planned, send, now, connections=send.connections)
        db.session.remove()
    assert (len(report.sent), report.skipped) == (2, 1)
    assert sorted(recipients(smtp_server)) == ["x0@voorbeeld.nl", "x2@voorbeeld.nl"]


def test_a_bug_while_rendering_stops_the_run_but_leaves_no_mail_claimed(app, make_user, make_team, smtp_server):
    learners = [make_user(name=f"Cursist {chr(65 + i)}", email=f"b{i}@voorbeeld.nl") for i in range(3)]
    team_id = make_team(members=learners)
    now = datetime.combine(TODAY, datetime.min.time())

    def send(mail):
        if mail.user_id == learners[1]:
            raise KeyError("een fout in een sjabloon")
        batch.send(_message(app, mail))
    with app.app_context():
        teams.set_target_date(db.session, None, db.session.get(Team, team_id), TODAY)
        planned = reminders.plan(db.session, app.extensions["course"], now)
        with Batch(app.config) as batch, pytest.raises(KeyError):
            reminders_send.deliver(db.session, planned, send, now)
        statuses = dict(db.session.execute(select(SentMail.user_id, SentMail.status)).all())
        db.session.remove()
    assert statuses[learners[1]] == "mislukt" and "bezig" not in statuses.values()


def test_two_parallel_runs_over_several_connections_send_each_mail_once(app, make_user, make_team, monkeypatch):
    import asyncio

    class SlowInbox(Inbox):
        async def handle_DATA(self, server, session, envelope):
            await asyncio.sleep(0.01)
            return await super().handle_DATA(server, session, envelope)
    monkeypatch.setattr(reminders_send, "BATCH", 5)
    learners = [make_user(name=f"Cursist {chr(65 + i)}", email=f"p{i}@voorbeeld.nl") for i in range(20)]
    team_id = make_team(members=learners)
    inbox = SlowInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    old = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_CONNECTIONS")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_CONNECTIONS=3)
    now = datetime.combine(TODAY, datetime.min.time())
    with app.app_context():
        teams.set_target_date(db.session, None, db.session.get(Team, team_id), TODAY)
        db.session.remove()
    results = []

    def one_run():
        with app.app_context():
            planned = reminders.plan(db.session, app.extensions["course"], now)
            with Sender(app) as send:
                results.append(reminders_send.deliver(db.session, planned, send, now, connections=send.connections))
            db.session.remove()
    try:
        threads = [threading.Thread(target=one_run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        app.config.update(old)
        controller.stop()
    assert sorted(recipients(inbox)) == sorted(f"p{i}@voorbeeld.nl" for i in range(20))
    assert sum(len(r.sent) for r in results) == 20 and sum(r.skipped for r in results) <= 20
    with app.app_context():
        assert set(db.session.scalars(select(SentMail.status))) == {"verstuurd"}
