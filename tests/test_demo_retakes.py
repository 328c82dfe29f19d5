"""The demo data shows the retake states of issue 23: a learner waiting for a retake, one stuck on a module."""
import pytest
from sqlalchemy import select

from course import attempts
from course.accounts import find_user_by_email
from course.demo import DEMO_PASSWORD, DEMO_TEAM, create_demo_data
from course.extensions import db
from course.models import Team
from course.progress import progress_for

from conftest import PINNED

# Results here depend on dates: run at one fixed moment (conftest.PINNED).
pytestmark = pytest.mark.usefixtures("pinned_clock")


def test_demo_has_a_learner_waiting_for_a_retake_and_one_stuck(app, client, auth):
    with app.app_context():
        course = app.extensions["course"]
        create_demo_data(db.session, course)
        module = course.modules[0]
        daan = find_user_by_email(db.session, "daan@voorbeeld.nl")
        noor = find_user_by_email(db.session, "noor@voorbeeld.nl")
        rule = attempts.retake_rule(db.session, daan, module)
        assert rule.failures == 2 and rule.reread and not rule.is_open(PINNED)
        progress = progress_for(db.session, course, [daan.id, noor.id])
        assert progress[noor.id].for_module(module.slug).stuck
        assert not progress[daan.id].for_module(module.slug).stuck
        team_id = db.session.scalar(select(Team.id).where(Team.name == DEMO_TEAM))
        db.session.remove()
    auth.login("leiding@voorbeeld.nl", DEMO_PASSWORD)
    table = client.get(f"/teams/{team_id}/").get_data(as_text=True)
    assert table.count("Loopt vast op module 1") == 1
    auth.logout()
    auth.login("daan@voorbeeld.nl", DEMO_PASSWORD)
    page = client.get(f"/cursus/{module.slug}/quiz/").get_data(as_text=True)
    assert "Je volgende poging is nog niet open" in page
