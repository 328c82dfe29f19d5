"""Practice: reflections, hand-ins, coach review, praktijkverklaring, retention and deletion."""
import io
import json
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update

from course import practice, teams
from course.errors import PracticeProblem
from course.extensions import db
from course.models import AuditEvent, Certificate, PracticeSubmission, Reflection, Team, User
from course.text import dutch_date

from conftest import PINNED, AuthActions, at_once, csrf_token, post_form

# Results here depend on dates: run at one fixed moment (conftest.PINNED).
pytestmark = pytest.mark.usefixtures("pinned_clock")

MODULE = "eerste-module"
ANSWERS = {"momenten": "Kind A viel en kwam naar mij toe.", "leerpunt": "Ik ga eerder door de knieën."}


@pytest.fixture
def setup(app, make_user, make_team):
    """A learner in team A with a coach; a coach of team B."""
    learner = make_user(name="Zoë Brûlé", email="leerling@voorbeeld.nl")
    coach = make_user(name="Coach Carla", email="coach@voorbeeld.nl")
    other_coach = make_user(name="Coach Bert", email="coach-b@voorbeeld.nl")
    team_a = make_team("Team A", members=[learner])
    team_b = make_team("Team B")
    with app.app_context():
        teams.appoint_coach(db.session, None, db.session.get(Team, team_a), db.session.get(User, coach))
        teams.appoint_coach(db.session, None, db.session.get(Team, team_b), db.session.get(User, other_coach))
        db.session.remove()
    return {"learner": learner, "coach": coach, "other_coach": other_coach, "team_a": team_a}


def hand_in(app, user_id, answers=ANSWERS):
    with app.app_context():
        module = app.extensions["course"].module(MODULE)
        submission_id = practice.hand_in(db.session, db.session.get(User, user_id), module, answers).id
        db.session.remove()
    return submission_id


CRITERIA = ("feiten", "signaal", "voornemen")
ALL_MET = {c: {"ok": True, "note": ""} for c in CRITERIA}
ONE_NOT_YET = {**ALL_MET, "signaal": {"ok": False, "note": "Welk signaal gaf het kind?"}}
# The review form's fields: every criterion voldoende.
MARKED = {f"oordeel-{c}": "voldoende" for c in CRITERIA}


def review(app, coach_id, submission_id, sign_off, feedback="Mooi beschreven, in feiten.", marks=None):
    with app.app_context():
        module = app.extensions["course"].module(MODULE)
        issued = practice.review(db.session, db.session.get(User, coach_id), module, submission_id, sign_off=sign_off,
                                 feedback=feedback, issuer="Test",
                                 marks=marks or (ALL_MET if sign_off else ONE_NOT_YET))
        code = issued.code if issued else None
        db.session.remove()
    return code


def test_reflection_saves_as_json_and_shows_again_only_to_the_learner(client, auth, app, setup):
    auth.login("leerling@voorbeeld.nl")
    html = client.get(f"/cursus/{MODULE}/les-3").get_data(as_text=True)
    assert 'id="reflectie-tekst"' in html and "autosave.js" in html
    token = csrf_token(html)
    url = f"/cursus/{MODULE}/les-3/reflectie"
    assert client.post(url, json={"text": "Ik zwaai te snel."}).status_code == 400  # no CSRF header
    response = client.post(url, json={"text": "Ik zwaai te snel."}, headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.get_json()["ok"] is True
    too_long = client.post(url, json={"text": "x" * 5001}, headers={"X-CSRFToken": token})
    assert too_long.status_code == 422 and "te lang" in too_long.get_json()["message"]
    assert "Ik zwaai te snel." in client.get(f"/cursus/{MODULE}/les-3").get_data(as_text=True)
    assert "Ik zwaai te snel." in client.get("/reflecties").get_data(as_text=True)
    assert "Ik zwaai te snel." not in client.get(f"/cursus/{MODULE}/les-2").get_data(as_text=True)
    auth.logout()
    auth.login("coach@voorbeeld.nl")
    assert "Ik zwaai te snel." not in client.get("/reflecties").get_data(as_text=True)
    assert "Ik zwaai te snel." not in client.get(f"/cursus/{MODULE}/les-3").get_data(as_text=True)


def test_reflection_without_javascript_keeps_the_text_when_too_long(client, auth, setup):
    auth.login("leerling@voorbeeld.nl")
    url = f"/cursus/{MODULE}/les-1/reflectie"
    ok = post_form(client, url, {"text": "Zonder script."}, page=f"/cursus/{MODULE}/les-1")
    assert ok.status_code == 302 and ok.headers["Location"].endswith("#reflectie")
    bad = post_form(client, url, {"text": "y" * 5001}, page=f"/cursus/{MODULE}/les-1")
    assert bad.status_code == 422 and "y" * 5001 in bad.get_data(as_text=True)


def test_hand_in_form_repeats_the_privacy_reminder_and_refuses_empty_and_long(client, auth, app, setup):
    auth.login("leerling@voorbeeld.nl")
    url = f"/cursus/{MODULE}/praktijkopdracht"
    html = client.get(url).get_data(as_text=True)
    assert html.count("Geen namen of andere herkenbare gegevens van kinderen") == 2  # once per text field
    assert html.count("geen groepsnaam, diagnose of geboortedatum") == 2
    assert "kind A" in html
    empty = post_form(client, url, {"momenten": "  ", "leerpunt": "iets"})
    assert empty.status_code == 422 and "Vul dit antwoord in" in empty.get_data(as_text=True)
    long = post_form(client, url, {"momenten": "z" * 3001, "leerpunt": "Mijn leerpunt"})
    assert long.status_code == 422 and "Mijn leerpunt" in long.get_data(as_text=True)
    assert "hoogstens 3000" in long.get_data(as_text=True)
    assert post_form(client, url, ANSWERS).status_code == 302
    second = post_form(client, url, {"momenten": "Nog een keer", "leerpunt": "Tweede"})
    assert second.status_code == 422 and "wacht nog op je coach" in second.get_data(as_text=True)
    assert "Nog een keer" in second.get_data(as_text=True)  # the text is not lost
    with app.app_context():
        assert db.session.scalar(select(PracticeSubmission.status)) == "ingeleverd"


def test_revision_then_sign_off_once_and_pdf_reads_back(client, auth, app, setup):
    first = hand_in(app, setup["learner"])
    assert review(app, setup["coach"], first, sign_off=False, feedback="Schrijf meer feiten.") is None
    with pytest.raises(PracticeProblem, match="al beoordeeld"):
        review(app, setup["coach"], first, sign_off=True)
    second = hand_in(app, setup["learner"])
    code = review(app, setup["coach"], second, sign_off=True)
    with pytest.raises(PracticeProblem, match="al beoordeeld"):  # the second coach's click, a moment later
        review(app, setup["coach"], second, sign_off=True)
    with pytest.raises(PracticeProblem, match="al afgetekend"):
        hand_in(app, setup["learner"])
    with app.app_context():
        assert db.session.scalar(select(Certificate).where(Certificate.scope == "praktijk-" + MODULE)).code == code
        assert len(db.session.scalars(select(Certificate)).all()) == 1
    auth.login("leerling@voorbeeld.nl")
    page = client.get(f"/cursus/{MODULE}/praktijkopdracht").get_data(as_text=True)
    assert "Schrijf meer feiten." in page and "Download je praktijkverklaring" in page
    pdf = client.get(f"/certificaten/{code}.pdf")
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Praktijkverklaring" in text and "Zoë Brûlé" in text and "Coach Carla, pedagogisch coach" in text
    assert code in text and "waarvan 1 uur in de praktijk" in text
    verify = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Geldige praktijkverklaring" in verify and "Coach Carla" in verify


def test_two_coaches_signing_off_at_the_same_moment_sign_off_once(app, setup, make_user):
    second = make_user(name="Coach Dirk", email="coach-2@voorbeeld.nl")
    with app.app_context():
        teams.appoint_coach(db.session, None, db.session.get(Team, setup["team_a"]), db.session.get(User, second))
    submission = hand_in(app, setup["learner"])
    opened = []
    for email in ("coach@voorbeeld.nl", "coach-2@voorbeeld.nl"):  # each coach on their own client, the form open
        client = app.test_client()
        AuthActions(client).login(email)
        opened.append((client, email, csrf_token(client.get(f"/coach/inleveringen/{submission}").get_data(as_text=True))))
    forms = iter(opened)

    def sign_off(client, email, token):
        response = client.post(f"/coach/inleveringen/{submission}", data={
            "csrf_token": token, "feedback": f"Feedback van {email}", "sign_off": "Aftekenen", **MARKED})
        return email, response.status_code, response.get_data(as_text=True)

    results = at_once(app, lambda: next(forms), sign_off)
    assert sorted(status for _, status, _ in results) == [302, 422]
    [(winner, _, _)] = [r for r in results if r[1] == 302]
    [(loser, _, html)] = [r for r in results if r[1] == 422]
    assert "Deze inlevering is al beoordeeld, misschien door een andere coach" in html
    assert f"Feedback van {loser}" in html  # the loser's text is not lost
    with app.app_context():
        assert len(db.session.scalars(select(Certificate).where(Certificate.signer.is_not(None))).all()) == 1
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("praktijkopdracht%"))).all()
        assert sorted(actions) == ["praktijkopdracht afgetekend", "praktijkopdracht ingeleverd"]
        row = db.session.get(PracticeSubmission, submission)
        assert row.status == "afgetekend" and row.feedback == f"Feedback van {winner}"
        # The praktijkverklaring's Open Badge is signed at sign-off, once, and names how it was assessed.
        from course.credentials.credential import payload_of
        from course.models import OpenBadge
        [badge] = db.session.scalars(select(OpenBadge)).all()
        achievement = payload_of(badge.jwt)["credentialSubject"]["achievement"]
        assert achievement["achievementType"] == "Assignment"
        assert "afgetekend" in achievement["criteria"]["narrative"] and "Coach" in achievement["criteria"]["narrative"]


def test_coaches_of_the_learners_team_get_a_mail_with_a_link_and_no_text(client, auth, app, setup, make_user,
                                                                          smtp_server, outbox):
    second = make_user(name="Coach Dirk", email="coach-2@voorbeeld.nl")
    with app.app_context():
        teams.appoint_coach(db.session, None, db.session.get(Team, setup["team_a"]), db.session.get(User, second))
    auth.login("leerling@voorbeeld.nl")
    response = post_form(client, f"/cursus/{MODULE}/praktijkopdracht", ANSWERS, follow_redirects=True)
    assert "een mail met een link (zonder je tekst)" in response.get_data(as_text=True)
    assert outbox.wait_idle()
    with app.app_context():
        submission = db.session.scalar(select(PracticeSubmission.id))
    # Both coaches of team A; not the coach of team B.
    assert sorted(r for rcpt, _ in smtp_server.messages for r in rcpt) == ["coach-2@voorbeeld.nl", "coach@voorbeeld.nl"]
    for _, message in smtp_server.messages:
        assert message["Subject"] == "Een praktijkopdracht wacht op je feedback: Veilige Gehechtheid"
        body = message.get_content()
        assert "Een lid van team Team A heeft de praktijkopdracht van module 1 ingeleverd" in body
        assert f"{app.config['BASE_URL']}/coach/inleveringen/{submission}" in body
        assert not any(text in body for text in ANSWERS.values()) and "Zoë" not in body  # no text, no name
    auth.logout()
    auth.login("coach-2@voorbeeld.nl")
    assert ANSWERS["momenten"] in client.get(f"/coach/inleveringen/{submission}").get_data(as_text=True)


def test_a_coach_switches_the_hand_in_mail_off_from_the_mail_and_on_again(client, auth, app, setup, smtp_server,
                                                                           outbox):
    import re
    auth.login("leerling@voorbeeld.nl")
    post_form(client, f"/cursus/{MODULE}/praktijkopdracht", ANSWERS)
    assert outbox.wait_idle()
    (_, message), = smtp_server.messages
    body = message.get_content()
    link = re.search(r"Meld je af met één klik:\s+(\S+)", body).group(1)
    assert message["List-Unsubscribe"] == f"<{link}>" and f"{app.config['BASE_URL']}/account/meldingen" in body
    auth.logout()
    path = link.removeprefix(app.config["BASE_URL"])
    assert "voor coaches" in client.get(path).get_data(as_text=True)  # no login needed; asks first
    assert client.post(path).status_code == 200  # one click, as a mail program's button does
    with app.app_context():  # the next hand-in waits without a mail to this coach
        db.session.execute(update(PracticeSubmission).values(status="herzien"))
        db.session.commit()
    auth.login("leerling@voorbeeld.nl")
    post_form(client, f"/cursus/{MODULE}/praktijkopdracht", ANSWERS)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PracticeSubmission)) == 2
    assert outbox.wait_idle() and len(smtp_server.messages) == 1
    auth.logout()
    auth.login("coach@voorbeeld.nl")
    page = client.get("/account/meldingen").get_data(as_text=True)
    assert 'id="handins"' in page and not re.search(r'<input[^>]*checked[^>]*id="handins"', page)
    post_form(client, "/account/meldingen", {"reminders": "y", "resume": "y", "digest": "y", "handins": "y"})
    assert re.search(r'<input[^>]*checked[^>]*id="handins"', client.get("/account/meldingen").get_data(as_text=True))


def test_no_mail_without_a_coach_and_none_once_reviewed(client, auth, app, make_user, smtp_server, outbox):
    from course.mail import queue
    from course.models import SentMail
    from course.reminders import HANDIN
    coach = make_user(name="Coach Carla", email="coach@voorbeeld.nl")
    make_user(name="Alleen", email="alleen@voorbeeld.nl")
    auth.login("alleen@voorbeeld.nl")
    response = post_form(client, f"/cursus/{MODULE}/praktijkopdracht", ANSWERS, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Je opdracht is ingeleverd." in html and "een mail met een link" not in html
    assert outbox.wait_idle() and smtp_server.messages == []
    with app.app_context():  # a notice still waiting when the hand-in is reviewed is not sent any more
        row = db.session.scalar(select(PracticeSubmission))
        queue.store(db.session, PINNED, kind=HANDIN, to="coach@voorbeeld.nl", subject="Wacht", body="Wacht op je",
                    user_id=coach, due_key=str(row.id))
        row.status = "herzien"
        db.session.commit()
    assert outbox.wait_idle() and smtp_server.messages == []
    with app.app_context():
        notice = db.session.scalar(select(SentMail).where(SentMail.kind == HANDIN))
        assert (notice.status, notice.body, notice.recipient) == ("overgeslagen", None, "coach@voorbeeld.nl")


def test_cli_appoints_a_coach_with_a_role(runner, app, make_user, make_team):
    coach = make_user(name="Coach Eva", email="eva@voorbeeld.nl")
    team_id = str(make_team("Locatie Noord"))
    result = runner.invoke(args=["org", "appoint-coach", team_id, "Eva@Voorbeeld.nl", "--role",
                                 "pedagogisch beleidsmedewerker"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Coach Eva is coach (pedagogisch beleidsmedewerker) van Locatie Noord."
    again = runner.invoke(args=["org", "appoint-coach", team_id, "eva@voorbeeld.nl", "--role",
                                "Pedagogisch beleidsmedewerker"])
    assert again.exit_code == 0 and "was al coach" in again.output
    default = runner.invoke(args=["org", "appoint-coach", team_id, "eva@voorbeeld.nl"])  # changes the role
    assert "is coach (pedagogisch coach)" in default.output
    with app.app_context():
        team, user = db.session.get(Team, int(team_id)), db.session.get(User, coach)
        assert teams.coaches_of(db.session, team) == [(user, "Pedagogisch coach")]
        assert db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "coach benoemd")).all() == [
            "Pedagogisch beleidsmedewerker", "Pedagogisch coach"]
    for args in (["999", "eva@voorbeeld.nl"], [team_id, "niemand@voorbeeld.nl"]):
        failed = runner.invoke(args=["org", "appoint-coach", *args])
        assert failed.exit_code == 1 and "Team of account niet gevonden." in failed.output
    bad_role = runner.invoke(args=["org", "appoint-coach", team_id, "eva@voorbeeld.nl", "--role", "Directeur"])
    assert bad_role.exit_code == 1 and "Onbekende rol. Kies uit: Pedagogisch coach, Pedagogisch" in bad_role.output


def test_coach_of_another_team_and_manager_and_admin_get_404(client, auth, app, setup, make_user):
    submission = hand_in(app, setup["learner"])
    make_user(name="Beheer", email="beheer@voorbeeld.nl", is_admin=True)
    for email in ("coach-b@voorbeeld.nl", "beheer@voorbeeld.nl"):
        auth.login(email)
        assert client.get(f"/coach/inleveringen/{submission}").status_code == 404
        auth.logout()
    with pytest.raises(Exception):
        review(app, setup["other_coach"], submission, sign_off=True)
    auth.login("coach@voorbeeld.nl")
    html = client.get(f"/coach/inleveringen/{submission}").get_data(as_text=True)
    assert ANSWERS["momenten"] in html
    assert "Zoë Brûlé" in client.get("/coach/").get_data(as_text=True)


def test_coach_removed_mid_review_keeps_the_feedback_text(client, auth, app, setup):
    submission = hand_in(app, setup["learner"])
    auth.login("coach@voorbeeld.nl")
    page = client.get(f"/coach/inleveringen/{submission}").get_data(as_text=True)
    with app.app_context():
        teams.revoke_coach(db.session, None, db.session.get(Team, setup["team_a"]), db.session.get(User, setup["coach"]))
    response = client.post(f"/coach/inleveringen/{submission}", data={
        "csrf_token": csrf_token(page), "feedback": "Mijn lange feedback", "sign_off": "Aftekenen", **MARKED})
    assert response.status_code == 403 and "Mijn lange feedback" in response.get_data(as_text=True)
    assert ANSWERS["momenten"] not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(PracticeSubmission, submission).status == "ingeleverd"


def test_manager_sees_the_state_never_the_text(client, auth, app, setup, make_user):
    manager = make_user(name="Leiding", email="leiding@voorbeeld.nl")
    with app.app_context():
        teams.appoint_manager(db.session, None, db.session.get(Team, setup["team_a"]), db.session.get(User, manager))
    review(app, setup["coach"], hand_in(app, setup["learner"]), sign_off=True)
    auth.login("leiding@voorbeeld.nl")
    team = setup["team_a"]
    for url in (f"/teams/{team}/", f"/teams/{team}/leden/{setup['learner']}"):
        html = client.get(url).get_data(as_text=True)
        assert "afgetekend" in html and ANSWERS["momenten"] not in html and "Mooi beschreven" not in html
    csv = client.get(f"/teams/{team}/export.csv").data.decode("utf-8-sig")
    assert "Praktijk module 1" in csv and "afgetekend" in csv and ANSWERS["momenten"] not in csv


def test_team_xlsx_reads_back_with_the_practice_state_per_module(client, auth, app, setup, make_user):
    from openpyxl import load_workbook
    manager = make_user(name="Leiding", email="leiding@voorbeeld.nl")
    revised, waiting = make_user(name="Bas"), make_user(name="Cas")
    with app.app_context():
        team = db.session.get(Team, setup["team_a"])
        teams.appoint_manager(db.session, None, team, db.session.get(User, manager))
        for user in (revised, waiting, manager):
            teams.join(db.session, team, db.session.get(User, user))
    review(app, setup["coach"], hand_in(app, setup["learner"]), sign_off=True)
    review(app, setup["coach"], hand_in(app, revised), sign_off=False)
    hand_in(app, waiting)
    auth.login("leiding@voorbeeld.nl")
    response = client.get(f"/teams/{setup['team_a']}/export.xlsx")
    header, *rows = load_workbook(io.BytesIO(response.data)).active.values
    column = header.index("Praktijk module 1")
    assert "Praktijk module 2" not in header  # the fixture's module 2 has no assignment
    states = {row[0]: row[column] for row in rows}
    assert states == {"Zoë Brûlé": "afgetekend", "Bas": "herziening gevraagd", "Cas": "ingeleverd", "Leiding": None}
    assert not any(ANSWERS["momenten"] in str(value) for row in rows for value in row)


def age(app, submission_id, days, reviewed=False):
    """Move a hand-in (or its review) `days` into the past."""
    with app.app_context():
        row = db.session.get(PracticeSubmission, submission_id)
        if reviewed:
            row.reviewed_at = PINNED - timedelta(days=days)
        else:
            row.submitted_at = PINNED - timedelta(days=days)
        db.session.commit()
        db.session.remove()


def test_retention_erases_old_texts_but_keeps_the_state(app, setup, runner):
    old = hand_in(app, setup["learner"])
    review(app, setup["coach"], old, sign_off=False)
    age(app, old, 91, reviewed=True)
    fresh = hand_in(app, setup["learner"])
    result = runner.invoke(args=["practice", "purge"])
    assert result.exit_code == 0 and "1 beoordeelde inlevering(en) gewist" in result.output
    assert "0 nooit beoordeelde" in result.output
    again = runner.invoke(args=["practice", "purge"]).output  # idempotent
    assert "0 beoordeelde inlevering(en) gewist" in again and "0 nooit beoordeelde" in again
    with app.app_context():
        purged, waiting = db.session.get(PracticeSubmission, old), db.session.get(PracticeSubmission, fresh)
        assert purged.answers == {} and purged.feedback == "" and purged.status == "herzien"
        assert waiting.answers == ANSWERS and waiting.status == "ingeleverd"


def test_retention_covers_hand_ins_never_reviewed_and_learners_who_left(app, setup, runner, client, auth, make_user):
    """Waiting: erased 90 days after the hand-in and no longer waiting. Leaving the team changes no clock."""
    team = setup["team_a"]
    stayed, left, left_signed, recent = (make_user(name=n, email=f"{n.lower()}@voorbeeld.nl")
                                         for n in ("Sanne", "Lotte", "Fleur", "Iris"))
    with app.app_context():
        for user in (stayed, left, left_signed, recent):
            teams.join(db.session, db.session.get(Team, team), db.session.get(User, user))
    waiting, left_waiting = hand_in(app, stayed), hand_in(app, left)
    signed, still = hand_in(app, left_signed), hand_in(app, recent)
    code = review(app, setup["coach"], signed, sign_off=True)
    for submission, days, reviewed in ((waiting, 91, False), (left_waiting, 91, False), (signed, 91, True),
                                       (still, 89, False)):
        age(app, submission, days, reviewed)
    with app.app_context():
        for user in (left, left_signed):
            teams.remove_member(db.session, None, db.session.get(Team, team), db.session.get(User, user))
    result = runner.invoke(args=["practice", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 beoordeelde inlevering(en) gewist" in result.output
    assert "2 nooit beoordeelde inlevering(en) verlopen en gewist" in result.output
    with app.app_context():
        rows = {s: db.session.get(PracticeSubmission, s) for s in (waiting, left_waiting, signed, still)}
        assert [(rows[s].status, rows[s].answers) for s in (waiting, left_waiting, signed)] == [
            ("verlopen", {}), ("verlopen", {}), ("afgetekend", {})]
        assert all(rows[s].purged_at for s in (waiting, left_waiting, signed))
        assert rows[still].status == "ingeleverd" and rows[still].answers == ANSWERS and rows[still].purged_at is None
        assert db.session.scalar(select(Certificate.revoked_at).where(Certificate.code == code)) is None
        assert [w.learner.name for w in practice.waiting_for(db.session, db.session.get(User, setup["coach"]))] == ["Iris"]
    with pytest.raises(PracticeProblem, match="wachtte langer dan de bewaartermijn"):
        review(app, setup["coach"], waiting, sign_off=True)
    auth.login("coach@voorbeeld.nl")
    page = client.get(f"/coach/inleveringen/{waiting}").get_data(as_text=True)
    assert "wachtte langer dan de bewaartermijn" in page and ANSWERS["momenten"] not in page
    auth.logout()
    auth.login("sanne@voorbeeld.nl")
    page = client.get(f"/cursus/{MODULE}/praktijkopdracht").get_data(as_text=True)
    assert "Verlopen" in page and "opnieuw inleveren" in page and ANSWERS["momenten"] not in page
    assert post_form(client, f"/cursus/{MODULE}/praktijkopdracht", ANSWERS).status_code == 302  # may hand in again
    auth.logout()
    auth.login("iris@voorbeeld.nl")
    page = client.get(f"/cursus/{MODULE}/praktijkopdracht").get_data(as_text=True)
    expires = dutch_date((PINNED - timedelta(days=89) + timedelta(days=90)).date())
    assert f"Wordt hij niet vóór {expires} beoordeeld (90 dagen na het inleveren)" in page


def test_privacy_page_states_what_retention_does(client):
    html = " ".join(client.get("/privacy").get_data(as_text=True).split())
    assert "wissen we 90 dagen nadat je coach je inlevering heeft beoordeeld" in html
    assert "binnen 90 dagen na het inleveren, dan wissen we de teksten ook" in html
    assert "uit een team gaan verandert de termijn niet" in html


def test_deleting_the_account_removes_reflections_and_hand_ins_and_keeps_the_verklaring(client, auth, app, setup):
    code = review(app, setup["coach"], hand_in(app, setup["learner"]), sign_off=True)
    auth.login("leerling@voorbeeld.nl")
    page = client.get(f"/cursus/{MODULE}/les-1").get_data(as_text=True)
    client.post(f"/cursus/{MODULE}/les-1/reflectie", json={"text": "Privé"}, headers={"X-CSRFToken": csrf_token(page)})
    data = json.loads(client.get("/account/mijn-gegevens.json").data)
    assert data["reflecties"][0]["tekst"] == "Privé" and data["praktijkopdrachten"][0]["status"] == "afgetekend"
    post_form(client, "/account/verwijderen", {"password": "een-lang-wachtwoord"})
    with app.app_context():
        assert db.session.scalar(select(Reflection)) is None and db.session.scalar(select(PracticeSubmission)) is None
        assert db.session.scalar(select(Certificate.user_id).where(Certificate.code == code)) is None
    assert client.get(f"/verify/{code}").status_code == 200


def test_learner_who_leaves_the_team_while_waiting(client, auth, app, setup):
    submission = hand_in(app, setup["learner"])
    with app.app_context():
        teams.remove_member(db.session, None, db.session.get(Team, setup["team_a"]),
                            db.session.get(User, setup["learner"]))
    auth.login("coach@voorbeeld.nl")
    assert client.get(f"/coach/inleveringen/{submission}").status_code == 404
    auth.logout()
    auth.login("leerling@voorbeeld.nl")
    html = client.get(f"/cursus/{MODULE}/praktijkopdracht").get_data(as_text=True)
    assert "wacht op je coach" in html and "Vraag je leidinggevende of gastouderbureau om een uitnodiging" in html
    assert 'name="code-code"' in html  # the code field is offered right there


def test_every_real_module_has_an_assignment_with_a_privacy_box():
    from course.catalog import load_catalog
    from course.config import ROOT
    course = load_catalog(ROOT / "content", ROOT / "quizzes")
    assert all(m.assignment for m in course.modules)
    assert "waarvan" in course.study_text


def test_an_assignment_without_privacy_box_fails_at_start(tmp_path):
    import shutil

    from course.catalog import ContentError, load_catalog

    from conftest import FIXTURES
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    path = tmp_path / "content" / "01-eerste-module" / "opdracht.md"
    path.write_text(path.read_text(encoding="utf-8").replace("!!! letop", "!!! tip"), encoding="utf-8")
    with pytest.raises(ContentError, match="opdracht.md: de opdracht mist een kader"):
        load_catalog(tmp_path / "content", FIXTURES / "quizzes", min_items_per_lesson=1)
