"""A learner's data: download it all, delete the account, and what happens to certificates."""
import json

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import AuditEvent, Certificate, LessonProgress, QuizAttempt, TeamMembership, User

from conftest import NAME, PASSWORD, complete_module, only_certificate, post_form


@pytest.fixture
def anouk(make_user, auth):
    user_id = make_user(name=NAME, email="anouk@voorbeeld.nl")
    auth.login("anouk@voorbeeld.nl")
    return user_id


def test_privacy_page_is_public_and_linked(client):
    assert 'href="/privacy"' in client.get("/").get_data(as_text=True)
    html = client.get("/privacy").get_data(as_text=True)
    for words in ("Wat we bewaren", "Hoe lang", "Wie ziet het", "nooit je antwoorden"):
        assert words in html


def test_download_all_my_data(client, app, anouk):
    complete_module(app, anouk)
    response = client.get("/account/mijn-gegevens.json")
    assert response.mimetype == "application/json" and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["account"]["naam"] == NAME and data["account"]["e-mailadres"] == "anouk@voorbeeld.nl"
    assert len(data["lessen_afgerond"]) == 3
    assert data["quizpogingen"][0]["antwoorden"] and data["quizpogingen"][0]["geslaagd"] is True
    assert data["certificaten"][0]["code"] == only_certificate(app).code
    assert "password_hash" not in response.get_data(as_text=True)


def table_counts(app, user_id):
    with app.app_context():
        return {model.__name__: db.session.scalar(select(func.count(model.id)).where(model.user_id == user_id))
                for model in (LessonProgress, QuizAttempt, TeamMembership)}


@pytest.mark.parametrize("keep", [False, True])
def test_delete_account(client, app, anouk, keep):
    complete_module(app, anouk)
    code = only_certificate(app).code
    page = client.get("/account/verwijderen").get_data(as_text=True)
    assert "Dit kun je niet ongedaan maken" in page
    wrong = post_form(client, "/account/verwijderen", {"password": "fout-fout-fout", "keep_name": "y" if keep else ""})
    assert wrong.status_code == 422 and "niet verwijderd" in wrong.get_data(as_text=True)
    data = {"password": PASSWORD}
    if keep:
        data["keep_name"] = "y"
    response = post_form(client, "/account/verwijderen", data)
    assert response.status_code == 302
    assert client.get("/cursus/").status_code == 302  # logged out
    with app.app_context():
        assert db.session.get(User, anouk) is None
        certificate = db.session.scalar(select(Certificate).where(Certificate.code == code))
        assert certificate.user_id is None and certificate.is_valid
        assert certificate.name == (NAME if keep else "")
        assert db.session.scalar(select(AuditEvent.action)) == "account verwijderd"
    assert set(table_counts(app, anouk).values()) == {0}
    html = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Geldig certificaat" in html
    assert (NAME in html) == keep
    assert ("verwijderd op verzoek van de cursist" in html) != keep


def test_delete_requires_csrf(client, app, anouk):
    response = client.post("/account/verwijderen", data={"password": PASSWORD})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, anouk) is not None
