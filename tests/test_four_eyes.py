"""Four eyes (issue 22, M2): nobody signs off their own hand-in, whatever roles they hold."""
import pytest
from sqlalchemy import func, select

from course import practice, teams
from course.errors import NotFound
from course.extensions import db
from course.models import AuditEvent, Certificate, PracticeSubmission, Team, User

from conftest import csrf_token, post_form

MODULE = "eerste-module"
ANSWERS = {"momenten": "Kind A viel en kwam naar mij toe.", "leerpunt": "Ik ga eerder door de knieën."}


def _hand_in_on_the_web(client) -> None:
    assert post_form(client, f"/cursus/{MODULE}/praktijkopdracht", ANSWERS).status_code == 302


def _try_to_sign_off(client, app, user_id: int) -> None:
    """Every way in for the user to review their own hand-in: the list, the page, the form, the domain call."""
    with app.app_context():
        submission = db.session.scalar(select(PracticeSubmission.id).where(PracticeSubmission.user_id == user_id))
    overview = client.get("/coach/")
    assert f"/coach/inleveringen/{submission}" not in overview.get_data(as_text=True)
    if overview.status_code == 200:  # a coach-member sees the hand-in as their own work, not as work to review
        assert "Je eigen inleveringen" in overview.get_data(as_text=True)
    assert client.get(f"/coach/inleveringen/{submission}").status_code == 404
    refused = client.post(f"/coach/inleveringen/{submission}", data={
        "csrf_token": csrf_token(client.get(f"/cursus/{MODULE}/praktijkopdracht").get_data(as_text=True)),
        "feedback": "Prima gedaan.", "sign_off": "Aftekenen"})
    assert 400 <= refused.status_code < 500
    with app.app_context():
        user = db.session.get(User, user_id)
        with pytest.raises(NotFound):
            practice.review(db.session, user, app.extensions["course"].module(MODULE), submission, sign_off=True,
                            feedback="Prima.", issuer="Test")
        assert teams.coach_of_member(db.session, user, user_id) is None
        assert db.session.get(PracticeSubmission, submission).status == practice.WAITING
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def test_a_coach_who_is_a_member_cannot_sign_off_their_own_hand_in(client, auth, app, make_user, make_team):
    both = make_user(name="Coach en Cursist", email="beide@voorbeeld.nl")
    other = make_user(name="Coach Carla", email="coach@voorbeeld.nl")
    team_id = make_team("Team A", members=[both])
    with app.app_context():
        team = db.session.get(Team, team_id)
        teams.appoint_coach(db.session, None, team, db.session.get(User, both))
        assert not teams.has_coach(db.session, db.session.get(User, both))  # only themself: nobody to sign off
        teams.appoint_coach(db.session, None, team, db.session.get(User, other))
        db.session.remove()
    auth.login("beide@voorbeeld.nl")
    _hand_in_on_the_web(client)
    _try_to_sign_off(client, app, both)
    auth.logout()
    auth.login("coach@voorbeeld.nl")  # the other coach of the team still can
    assert "Coach en Cursist" in client.get("/coach/").get_data(as_text=True)
    with app.app_context():
        submission = db.session.scalar(select(PracticeSubmission.id))
    page = client.get(f"/coach/inleveringen/{submission}").get_data(as_text=True)
    marked = {f"oordeel-{c.id}": "voldoende" for c in app.extensions["course"].module(MODULE).assignment.criteria}
    signed = client.post(f"/coach/inleveringen/{submission}", data={
        "csrf_token": csrf_token(page), "feedback": "Mooi beschreven.", "sign_off": "Aftekenen", **marked})
    assert signed.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Certificate.signer)) == "Coach Carla, pedagogisch coach"


@pytest.mark.parametrize("admin", [False, True], ids=["manager", "administrator"])
def test_a_manager_alone_cannot_appoint_join_hand_in_and_sign_off(client, auth, app, make_user, make_team, admin):
    boss = make_user(name="Leiding Lies", email="lies@voorbeeld.nl", is_admin=admin)
    colleague = make_user(name="Leiding Kees", email="kees@voorbeeld.nl")
    team_id = make_team("Team A", manager_id=colleague)
    with app.app_context():
        team = db.session.get(Team, team_id)
        if not admin:
            teams.appoint_manager(db.session, None, team, db.session.get(User, boss))
        token = team.invite_token
        db.session.remove()
    auth.login("lies@voorbeeld.nl")
    appointed = post_form(client, f"/teams/{team_id}/coaches", {"email": "lies@voorbeeld.nl",
                                                                 "role": teams.COACH_ROLES[0]})
    assert appointed.status_code == 302
    joined = post_form(client, f"/teams/uitnodiging/{token}", {})
    assert joined.status_code == 302
    _hand_in_on_the_web(client)
    _try_to_sign_off(client, app, boss)
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.actor_id == boss,
                                                                 AuditEvent.subject_id == boss)) == \
            "zichzelf als coach benoemd"
    auth.logout()
    auth.login("kees@voorbeeld.nl")  # the team's other manager sees it on the team page
    html = client.get(f"/teams/{team_id}/").get_data(as_text=True)
    assert "Zelf benoemd" in html and "Leiding Lies heeft zichzelf als coach benoemd" in html
