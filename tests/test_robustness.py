"""Hostile and odd input: every answer is a Dutch 4xx or a normal page, never a 500, and nothing is lost."""
import io
import logging
import sqlite3

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from course import accounts, certificates, text
from course.extensions import db
from course.models import AuditEvent, Certificate, Organisation, Team, User

from conftest import PASSWORD, at_once, complete_module, csrf_token, post_form

ANON_FORMS = [("/inloggen", {"email": "a@b.nl", "password": "iets-langs-genoeg"}),
              ("/registreren", {"name": "Anna", "email": "a@b.nl", "password": "x", "confirm": "x"}),
              ("/wachtwoord-vergeten", {"email": "a@b.nl"})]


def multipart_with_file_in(field: str, url: str, data: dict, client):
    token = csrf_token(client.get(url).get_data(as_text=True))
    form = {**data, "csrf_token": token}
    form[field] = (io.BytesIO(b"dit is een bestand"), "naam.txt")
    return client.post(url, data=form, content_type="multipart/form-data")


@pytest.mark.parametrize("url, data", ANON_FORMS)
def test_a_file_in_any_text_field_is_a_dutch_422(client, url, data):
    for field in data:
        response = multipart_with_file_in(field, url, data, client)
        assert response.status_code in (400, 422), (field, response.status_code)
        assert "<html lang=\"nl\"" in response.get_data(as_text=True)


def test_a_file_in_the_account_forms_is_a_dutch_422(client, learner):
    token = csrf_token(client.get("/account/").get_data(as_text=True))
    for data in ({"naam-name": (io.BytesIO(b"x"), "x.txt"), "naam-submit": "1"},
                 {"ww-current": (io.BytesIO(b"x"), "x.txt"), "ww-password": "x", "ww-confirm": "x", "ww-submit": "1"}):
        response = client.post("/account/", data={**data, "naam-csrf_token": token, "ww-csrf_token": token},
                               content_type="multipart/form-data")
        assert response.status_code == 422
        assert "Vul" in response.get_data(as_text=True)


def test_a_json_body_is_not_read_as_a_form(client):
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    response = client.post("/inloggen", json={"email": {"x": 1}, "password": [1, 2], "csrf_token": token})
    assert response.status_code in (400, 422)


@pytest.mark.parametrize("name", ["Anouk van der Meer-Çelik", "Ĳsbrand IJzerman", "Zoë d'Hondt", "Jan-Willem O’Brien",
                                  "Łukasz Wałęsa", "Søren Øst", "Nguyễn Thị Minh Khai", "J.P. de Vries"])
def test_names_with_any_diacritic_apostrophe_or_hyphen_are_accepted(name):
    assert text.name_problem(text.normalise(name)) is None


@pytest.mark.parametrize("name", ["Anna\x01", "Anna\x02Bel", "An\x0bna", "An\x00na", "Anna\u200b", "Anna\u202eleB",
                                  "Anna\u2066x\u2069", "Anna\ufeff", "Anna\u2028", "<script>", "Anna 2", "123", "---"])
def test_names_with_control_zero_width_bidi_or_odd_signs_are_refused(name):
    assert text.name_problem(text.normalise(name)) is not None


@pytest.mark.parametrize("name", ["Anna\x01", "An\x00na", "Anna\u200bBel", "Anna\u202eleB"])
def test_registration_and_account_refuse_such_names_on_both_databases(client, app, name, make_user, auth):
    response = post_form(client, "/registreren", {"name": name, "email": "nieuw@voorbeeld.nl",
                                                  "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 422
    assert "teken" in response.get_data(as_text=True)
    make_user(name="Anna Bel", email="anna@voorbeeld.nl")
    auth.login("anna@voorbeeld.nl")
    response = post_form(client, "/account/", {"naam-name": name, "naam-submit": "1"}, prefix="naam")
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(User.name).where(User.email == "anna@voorbeeld.nl")) == "Anna Bel"
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_names_are_stored_normalised(client, app):
    response = post_form(client, "/registreren", {"name": "  Zoe\u0308   de  Vries ", "email": "zoe@voorbeeld.nl",
                                                  "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.name)) == "Zoë de Vries"  # NFC, single spaces


@pytest.mark.parametrize("name", ["Team\x00", "Locatie\u200b", "Groep\x07"])
def test_organisation_and_team_names_follow_the_rule(client, app, make_user, auth, name):
    make_user(email="beheer@voorbeeld.nl", is_admin=True)
    auth.login("beheer@voorbeeld.nl")
    response = post_form(client, "/beheer/", {"name": name, "kind": "kinderopvang"})
    assert response.status_code == 422
    response = post_form(client, "/beheer/", {"name": "Kinderopvang 't Kasteel & Co (2)", "kind": "kinderopvang"})
    assert response.status_code == 302
    organisation_url = response.headers["Location"]
    assert post_form(client, organisation_url, {"name": name}).status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Team)) == 0
        assert db.session.scalar(select(Organisation.name)) == "Kinderopvang 't Kasteel & Co (2)"


def test_exports_survive_names_stored_before_the_rule(client, app, make_user, make_team, auth, store_name):
    manager = make_user(email="leiding@voorbeeld.nl")
    member = make_user(name="Oud Lid")
    store_name(member, "Oud\x01 Lid\x0b\u200b")
    team_id = make_team(manager_id=manager, members=[member])
    auth.login("leiding@voorbeeld.nl")
    response = client.get(f"/teams/{team_id}/export.xlsx")
    assert response.status_code == 200
    values = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert values[1][0] == "Oud Lid"
    assert client.get(f"/teams/{team_id}/export.csv").status_code == 200


@pytest.mark.parametrize("number", [2**31, 2**31 + 5, 2**63, 2**64 + 1, 10**40])
def test_huge_ids_are_404s(client, app, make_user, auth, number):
    make_user(email="beheer@voorbeeld.nl", is_admin=True)
    auth.login("beheer@voorbeeld.nl")
    urls = [f"/teams/{number}/", f"/teams/{number}/export.csv", f"/teams/{number}/leden/{number}",
            f"/beheer/organisaties/{number}", f"/beheer/teams/{number}",
            f"/beheer/teams/1/leidinggevenden/{number}/intrekken", f"/quiz/poging/{number}",
            f"/quiz/poging/{number}/uitslag", f"/teams/{number}/certificaten.zip"]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in (f"/teams/{number}/streefdatum", f"/teams/{number}/uitnodiging-vernieuwen",
                f"/teams/{number}/leden/{number}/verwijderen"):
        assert client.post(url).status_code == 404, url


def test_two_reissues_at_once_get_the_same_outcome(app, make_user):
    user_id = make_user(name="Anouk van der Meer")
    complete_module(app, user_id)
    with app.app_context():
        user = db.session.get(User, user_id)
        user.name = "Anouk van der Meer-Çelik"
        db.session.commit()
        old_id = db.session.scalar(select(Certificate.id))
        db.session.remove()
    results = at_once(app, lambda: (db.session.get(User, user_id), db.session.get(Certificate, old_id)),
                      lambda user, old: certificates.reissue_with_current_name(db.session, user, old).code)
    assert len(results) == 2 and results[0] == results[1]
    with app.app_context():
        valid = db.session.scalars(select(Certificate).where(Certificate.revoked_at.is_(None))).all()
        assert [c.code for c in valid] == results[:1] and valid[0].name == "Anouk van der Meer-Çelik"


def test_a_huge_body_is_refused_with_a_dutch_413(client):
    response = client.post("/inloggen", data={"email": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Te veel gegevens" in response.get_data(as_text=True)


def test_audit_log_pages_and_filters(client, app, make_user, auth):
    admin = make_user(name="Beheer Der", email="beheer@voorbeeld.nl", is_admin=True)
    manager = make_user(name="Lea Leiding", email="leiding@voorbeeld.nl")
    with app.app_context():
        for i in range(120):
            db.session.add(AuditEvent(actor_id=manager, action="voortgang lid bekeken", detail=f"view {i}"))
        db.session.add(AuditEvent(actor_id=manager, action="team geëxporteerd (csv)", detail="de export"))
        for i in range(3):
            db.session.add(AuditEvent(actor_id=admin, action="team aangemaakt", detail=f"team {i}"))
        db.session.commit()
    auth.login("beheer@voorbeeld.nl")
    first = client.get("/beheer/logboek").get_data(as_text=True)
    assert "124 gebeurtenissen" in first and "pagina 1 van 3" in first
    assert first.count("<tr>") == 51  # header + 50 rows
    last = client.get("/beheer/logboek?pagina=3").get_data(as_text=True)
    assert last.count("<tr>") == 25
    exports = client.get("/beheer/logboek?actie=team+ge%C3%ABxporteerd+%28csv%29").get_data(as_text=True)
    assert "de export" in exports and "1 gebeurtenis " in exports
    by_person = client.get("/beheer/logboek?persoon=beheer%40voorbeeld").get_data(as_text=True)
    assert "3 gebeurtenissen" in by_person and "team 2" in by_person and "view 1" not in by_person
    for odd in ("?pagina=99999999999999999999", "?pagina=-3", "?pagina=abc", "?persoon=%25_%5C", "?actie=x%01"):
        assert client.get("/beheer/logboek" + odd).status_code == 200, odd
    response = client.get("/beheer/logboek?persoon=%00")  # NUL in a query string: a Dutch 400 on both databases
    assert response.status_code == 400 and "Dat ging niet goed" in response.get_data(as_text=True)


@pytest.mark.parametrize("password", ["leerling@voorbeeld.nl", "Test Cursist", "wachtwoord123", "qwertyuiop12"])
def test_one_password_rule_for_change_and_reset(client, app, learner, password):
    response = post_form(client, "/account/", {"ww-current": PASSWORD, "ww-password": password,
                                               "ww-confirm": password, "ww-submit": "1"}, prefix="ww")
    assert response.status_code == 422
    with app.app_context():
        user = db.session.get(User, learner)
        assert accounts.check_password(user, PASSWORD)
        token = accounts.make_reset_token(app.config["SECRET_KEY"], user)
    response = post_form(client, f"/wachtwoord-herstellen/{token}", {"password": password, "confirm": password})
    assert response.status_code == 422
    with app.app_context():
        assert accounts.check_password(db.session.get(User, learner), PASSWORD)


def test_error_log_has_no_path_or_exception_text(app, client, caplog, monkeypatch):
    from course.web.views import main
    caplog.set_level(logging.ERROR)

    def broken(*args, **kwargs):
        raise ValueError("Anouk van der Meer, anouk@voorbeeld.nl, code K7QX-3MZD-9TRH")
    monkeypatch.setattr(main, "render_template", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.testing = False
    try:
        response = client.get("/verify/K7QX-3MZD-9TRH?x=geheim")
        response = client.get("/privacy")
    finally:
        app.testing = True
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "ValueError" in logged and "/privacy" in logged
    for secret in ("Anouk", "anouk@", "K7QX", "geheim"):
        assert secret not in logged


def test_backup_gives_clear_dutch_messages(tmp_path):
    from course import create_app

    from conftest import FIXTURES
    live = tmp_path / "live.sqlite"
    sqlite3.connect(live).execute("CREATE TABLE users (id INTEGER)").connection.commit()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{live}", "SECRET_KEY": "x", "TESTING": True,
                      "CONTENT_DIR": str(FIXTURES / "content"), "QUIZ_DIR": str(FIXTURES / "quizzes"),
                      "QUIZ_MIN_ITEMS_PER_LESSON": 1})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", "create", str(live)])
    assert result.exit_code == 1 and "de database zelf" in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    not_a_db = tmp_path / "notities.txt"
    not_a_db.write_text("Dit is geen database maar een boodschappenlijst. " * 200)
    result = runner.invoke(args=["backup", "restore", "--yes", str(not_a_db)])
    assert result.exit_code == 1 and "geen SQLite-database" in result.output, result.output
    assert isinstance(result.exception, SystemExit)
    with app.app_context():
        db.engine.dispose()
