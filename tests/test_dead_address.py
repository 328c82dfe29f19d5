"""Mail that stops at a dead address (issue 22): a 5xx marks it, nothing more goes to it until the user confirms."""
from datetime import date, datetime, time, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from course import practice, teams
from course.extensions import db
from course.models import AuditEvent, SentMail, Team, User

from conftest import PASSWORD, Inbox, post_form, smtp_on_loopback

# A Wednesday, with the clock pinned to its morning: the weekly digest is keyed by ISO week, so the runs this
# file makes a week apart fall in the weeks they mean whatever day the suite runs.
TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 12, 2, 6, 0, tzinfo=timezone.utc), tick=True):
        yield
BANNER = "We kunnen je niet mailen op"


def run(runner, day):
    # At midnight: whoever joined today joined within the week before a run a week later too, so the digest is due.
    result = runner.invoke(args=["reminders", "send", "--now", datetime.combine(day, time(0)).isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def refused_at(app, email):
    with app.app_context():
        return db.session.scalar(select(User.mail_refused_at).where(User.email == email))


def world(app, make_user, make_team):
    manager = make_user(name="Leiding Lies", email="leiding@voorbeeld.nl")
    learners = [make_user(name=f"Cursist {c}", email=f"{c.lower()}@voorbeeld.nl") for c in "AB"]
    team_id = make_team(manager_id=manager, members=learners)
    with app.app_context():
        teams.set_target_date(db.session, None, db.session.get(Team, team_id), TODAY)
        db.session.remove()
    return manager, learners, team_id


def test_a_refused_digest_address_is_marked_and_not_mailed_the_next_week(app, runner, make_user, make_team,
                                                                         smtp_server):
    world(app, make_user, make_team)
    smtp_server.refuse.add("leiding@voorbeeld.nl")
    assert "adres geweigerd: 1;" in run(runner, TODAY)
    assert refused_at(app, "leiding@voorbeeld.nl") is not None
    assert refused_at(app, "a@voorbeeld.nl") is None
    smtp_server.refuse.clear()  # even a server that would take it now gets nothing: the address is not tried
    output = run(runner, TODAY + timedelta(days=7))
    assert "adres geweigerd: 0;" in output
    assert "leiding@voorbeeld.nl" not in [rcpt[0] for rcpt, _ in smtp_server.messages]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SentMail).where(SentMail.kind == "overzicht")) == 1
        user = db.session.scalar(select(User).where(User.email == "leiding@voorbeeld.nl"))
        user.mail_refused_at = None  # had the address been confirmed, this week's digest was due: the check can fail
        db.session.commit()
    run(runner, TODAY + timedelta(days=7))
    assert "leiding@voorbeeld.nl" in [rcpt[0] for rcpt, _ in smtp_server.messages]


class BusyInbox(Inbox):
    """Answers 450 (mailbox busy, try later) at RCPT for the addresses in `refuse`."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "450 4.2.1 Mailbox busy"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_temporary_refusal_marks_nothing_and_is_tried_again(app, runner, make_user, make_team):
    world(app, make_user, make_team)
    with smtp_on_loopback(app, BusyInbox(refuse={"leiding@voorbeeld.nl"})) as inbox:
        run(runner, TODAY)
        assert refused_at(app, "leiding@voorbeeld.nl") is None
        inbox.refuse.clear()
        run(runner, TODAY + timedelta(days=1))
        assert "leiding@voorbeeld.nl" in [rcpt[0] for rcpt, _ in inbox.messages]


def test_banner_confirm_and_who_sees_it(app, client, auth, runner, make_user, make_team, smtp_server):
    manager, learners, team_id = world(app, make_user, make_team)
    make_user(name="Bram Beheer", email="beheer@voorbeeld.nl", is_admin=True)
    smtp_server.refuse.add("a@voorbeeld.nl")
    run(runner, TODAY)  # the target-date reminder to Cursist A is refused for good
    assert refused_at(app, "a@voorbeeld.nl") is not None
    auth.login("b@voorbeeld.nl")  # someone else: no banner, also not on the shared lesson page
    for url in ("/cursus/", "/cursus/eerste-module/les-1"):
        assert BANNER not in client.get(url).get_data(as_text=True)
    auth.logout()
    auth.login("leiding@voorbeeld.nl")
    team_page = client.get(f"/teams/{team_id}/").get_data(as_text=True)
    assert "Mail komt niet aan" in team_page and "Cursist A" in team_page.split("Mail komt niet aan")[1][:400]
    assert "Mail komt niet aan" in client.get(f"/teams/{team_id}/leden/{learners[0]}").get_data(as_text=True)
    assert "Mail komt niet aan" not in client.get(f"/teams/{team_id}/leden/{learners[1]}").get_data(as_text=True)
    auth.logout()
    auth.login("beheer@voorbeeld.nl")
    assert "a@voorbeeld.nl" in client.get("/beheer/").get_data(as_text=True).split("Mail komt niet aan")[1]
    auth.logout()
    auth.login("a@voorbeeld.nl")
    for url in ("/cursus/", "/cursus/eerste-module/les-1", "/account/"):
        assert f"{BANNER} <strong>a@voorbeeld.nl</strong>" in client.get(url).get_data(as_text=True), url
    confirmed = post_form(client, "/account/mailadres-bevestigen", {}, page="/account/", follow_redirects=True)
    assert "We mailen je weer op a@voorbeeld.nl" in confirmed.get_data(as_text=True)
    assert BANNER not in client.get("/cursus/").get_data(as_text=True)
    assert refused_at(app, "a@voorbeeld.nl") is None
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.actor_id == learners[0])) == \
            "e-mailadres bevestigd na weigering"


def test_a_refused_coach_gets_no_more_hand_in_mails(app, client, auth, make_user, make_team, smtp_server, outbox):
    learners = [make_user(name=f"Cursist {c}", email=f"{c.lower()}@voorbeeld.nl") for c in "AB"]
    coach = make_user(name="Coach Carla", email="coach@voorbeeld.nl")
    team_id = make_team("Team A", members=learners)
    with app.app_context():
        teams.appoint_coach(db.session, None, db.session.get(Team, team_id), db.session.get(User, coach))
        db.session.remove()
    smtp_server.refuse.add("coach@voorbeeld.nl")
    answers = {"momenten": "Kind A viel en kwam naar mij toe.", "leerpunt": "Eerder door de knieën."}
    for email in ("a@voorbeeld.nl", "b@voorbeeld.nl"):
        auth.login(email)
        assert post_form(client, "/cursus/eerste-module/praktijkopdracht", answers).status_code == 302
        assert outbox.wait_idle(10)
        auth.logout()
        assert refused_at(app, "coach@voorbeeld.nl") is not None
    assert smtp_server.messages == []
    with app.app_context():
        assert len(practice.waiting_for(db.session, db.session.get(User, coach))) == 2  # the work still waits


def change_address(client, email, password=PASSWORD):
    return post_form(client, "/account/", {"adres-email": email, "adres-current": password, "adres-submit": "1"},
                     prefix="adres")


def test_a_user_changes_their_own_address_and_the_mark_goes(app, client, auth, runner, make_user, make_team,
                                                            smtp_server):
    manager, learners, team_id = world(app, make_user, make_team)
    make_user(name="Ander", email="ander@voorbeeld.nl")
    auth.login("leiding@voorbeeld.nl")
    assert "a@voorbeeld.nl" in client.get(f"/teams/{team_id}/export.csv").get_data(as_text=True)  # cached now
    auth.logout()
    smtp_server.refuse.add("a@voorbeeld.nl")
    run(runner, TODAY)
    assert refused_at(app, "a@voorbeeld.nl") is not None
    auth.login("a@voorbeeld.nl")
    for email, password, problem in [("nieuw@voorbeeld.nl", "fout-wachtwoord-123", "Dit wachtwoord klopt niet"),
                                     ("geen adres", PASSWORD, "geen geldig e-mailadres"),
                                     ("ANDER@voorbeeld.nl", PASSWORD, "Er bestaat al een account met dit e-mailadres"),
                                     ("nieuw\x00@voorbeeld.nl", PASSWORD, None),
                                     ("a@voorbeeld.nl", PASSWORD, "Dit is al je e-mailadres")]:
        response = change_address(client, email, password)
        assert response.status_code == 422, email
        if problem:
            assert problem in response.get_data(as_text=True), email
    assert refused_at(app, "a@voorbeeld.nl") is not None  # nothing changed
    response = change_address(client, "Nieuw@Voorbeeld.nl")
    assert response.status_code == 302
    page = client.get("/account/").get_data(as_text=True)
    assert "Je e-mailadres is nu nieuw@voorbeeld.nl" in page and BANNER not in page
    assert refused_at(app, "nieuw@voorbeeld.nl") is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.email == "a@voorbeeld.nl")) == 0
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.actor_id == learners[0])) == \
            "e-mailadres gewijzigd"
        # The old address was refused: no notice to it (it would only bounce and mark the new one).
        assert db.session.scalar(select(func.count()).select_from(SentMail).where(
            SentMail.kind == "adreswijziging")) == 0
    auth.logout()
    assert auth.login("nieuw@voorbeeld.nl").status_code == 302
    auth.logout()
    auth.login("leiding@voorbeeld.nl")
    export = client.get(f"/teams/{team_id}/export.csv").get_data(as_text=True)
    assert "nieuw@voorbeeld.nl" in export and "a@voorbeeld.nl" not in export
    smtp_server.refuse.clear()
    run(runner, TODAY + timedelta(days=7))  # the reminders reach the new address
    assert "nieuw@voorbeeld.nl" in [rcpt[0] for rcpt, _ in smtp_server.messages]


def test_the_old_address_hears_of_the_change(app, client, auth, runner, make_user, smtp_server):
    make_user(name="Zoë Brûlé", email="zoe@voorbeeld.nl")
    auth.login("zoe@voorbeeld.nl")
    assert change_address(client, "zoe@elders.nl").status_code == 302
    assert "Verstuurd: 1;" in runner.invoke(args=["mail", "send"]).output
    (rcpt, message), = smtp_server.messages
    assert rcpt == ["zoe@voorbeeld.nl"] and message["Subject"] == "Je e-mailadres is gewijzigd: Veilige Gehechtheid"
    body = message.get_content()
    assert "Hallo Zoë Brûlé" in body and "zoe@elders.nl" not in body  # the new address is not told to the old one
    mails = client.get("/account/mijn-gegevens.json").get_json()["mails"]  # in the data export, without the text
    assert mails == [{"soort": "adreswijziging", "onderwerp": "Je e-mailadres is gewijzigd: Veilige Gehechtheid",
                      "aan": "zoe@voorbeeld.nl", "status": "verstuurd", "verstuurd": mails[0]["verstuurd"]}]
    assert mails[0]["verstuurd"]
