"""Registration, login, logout, account changes and password reset."""
import os
import re

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import User

from conftest import PASSWORD, csrf_token, post_form

GOOD = {"name": "Anouk van der Meer-Çelik", "email": "Anouk@Voorbeeld.nl", "password": "een-lang-wachtwoord"}


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_register_logs_in_and_stores_lowercased_email(client, app):
    response = post_form(client, "/registreren", GOOD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/cursus/")
    assert "Welkom, Anouk van der Meer-Çelik" in client.get("/cursus/").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "anouk@voorbeeld.nl"
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
        assert PASSWORD not in user.password_hash


@pytest.mark.parametrize("change, field_message", [
    ({"name": ""}, "Vul je volledige naam in."),
    ({"email": ""}, "Vul je e-mailadres in."),
    ({"email": "geen-adres"}, "Dit is geen geldig e-mailadres."),
    ({"password": "kort"}, "minstens 10 tekens"),
    ({"password": "wachtwoord123"}, "te makkelijk te raden"),
    ({"name": "x" * 121}, "hoogstens 120 tekens"),
    ({"email": "a" * 250 + "@x.nl"}, "te lang"),
])
def test_register_rejects_bad_input_with_field_messages(client, app, change, field_message):
    response = post_form(client, "/registreren", {**GOOD, **change})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_message in html
    assert 'aria-invalid="true"' in html
    assert count_users(app) == 0


def test_register_asks_the_password_once(client):
    html = client.get("/registreren").get_data(as_text=True)
    assert len(re.findall(r'<input[^>]*type="password"', html)) == 1
    assert "Herhaal" not in html
    assert re.search(r'<input[^>]*data-reveal[^>]*type="password"|<input[^>]*type="password"[^>]*data-reveal', html)


@pytest.mark.parametrize("change, kept", [
    ({"email": "anouk@voorbeeld"}, ('value="Anouk van der Meer-Çelik"', 'value="anouk@voorbeeld"')),
    ({"name": ""}, ('value="Anouk@Voorbeeld.nl"',)),
])
def test_register_keeps_what_was_typed_and_says_why_the_password_is_empty(client, change, kept):
    """After an e-mail typo (or a missing name) the rest stays; the password, which was fine, is asked again
    with the reason, and never sent back in the page."""
    html = post_form(client, "/registreren", {**GOOD, **change}).get_data(as_text=True)
    for value in kept:
        assert value in html
    assert GOOD["password"] not in html
    assert "Je wachtwoord was goed, maar we sturen het niet terug" in html


def test_register_with_a_weak_password_does_not_say_it_was_good(client):
    html = post_form(client, "/registreren", {**GOOD, "password": "kort"}).get_data(as_text=True)
    assert 'value="Anouk van der Meer-Çelik"' in html and 'value="Anouk@Voorbeeld.nl"' in html
    assert "Je wachtwoord was goed" not in html


def test_register_duplicate_email_case_insensitive(client, app, make_user):
    make_user(email="anouk@voorbeeld.nl")
    response = post_form(client, "/registreren", GOOD)
    assert response.status_code == 422
    assert "Er bestaat al een account met dit e-mailadres" in response.get_data(as_text=True)
    assert count_users(app) == 1


def test_missing_csrf_token_keeps_the_form(client, app):
    response = client.post("/registreren", data=GOOD)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Dit formulier was verlopen" in html
    assert 'value="Anouk van der Meer-Çelik"' in html
    assert count_users(app) == 0


def test_stale_csrf_token_keeps_the_form(client):
    response = client.post("/registreren", data={**GOOD, "csrf_token": "verlopen.token.waarde"})
    assert response.status_code == 422 and "Dit formulier was verlopen" in response.get_data(as_text=True)


def test_login_and_logout(client, auth, make_user):
    make_user(email="leerling@voorbeeld.nl")
    assert auth.login("LEERLING@voorbeeld.nl").status_code == 302
    assert client.get("/cursus/").status_code == 200
    assert auth.logout().status_code == 302
    assert client.get("/cursus/").status_code == 302


@pytest.mark.parametrize("email, password", [("leerling@voorbeeld.nl", "fout-wachtwoord"),
                                             ("onbekend@voorbeeld.nl", PASSWORD)])
def test_login_failure_is_one_generic_message(client, auth, make_user, email, password):
    make_user(email="leerling@voorbeeld.nl")
    response = auth.login(email, password)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Deze combinatie van e-mailadres en wachtwoord kennen we niet." in html
    assert "bestaat niet" not in html and "onbekend e-mailadres" not in html.lower()


def test_logout_requires_csrf(client, learner):
    client.post("/uitloggen", data={})
    assert client.get("/cursus/").status_code == 200  # still logged in


@pytest.mark.parametrize("target, allowed", [
    ("/cursus/eerste-module/les-2", True),
    ("https://evil.example/", False),
    ("//evil.example/pad", False),
    ("/\\evil.example", False),
    ("javascript:alert(1)", False),
    ("http:///evil.example", False),
])
def test_login_next_never_leaves_the_site(client, make_user, target, allowed):
    make_user(email="leerling@voorbeeld.nl")
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    response = client.post("/inloggen", query_string={"next": target},
                           data={"email": "leerling@voorbeeld.nl", "password": PASSWORD, "csrf_token": token})
    location = response.headers["Location"]
    assert location == (target if allowed else "/cursus/")


def test_login_required_redirects_with_next(client):
    response = client.get("/cursus/eerste-module/les-2")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inloggen?next=")


def test_change_name(client, app, learner):
    response = post_form(client, "/account/", {"naam-name": "Zoë Brûlé", "naam-submit": "1"}, prefix="naam")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, learner).name == "Zoë Brûlé"


def test_change_password_needs_current_password(client, auth, learner):
    data = {"ww-current": "fout-fout-fout", "ww-password": "nieuw-en-lang-genoeg", "ww-confirm": "nieuw-en-lang-genoeg",
            "ww-submit": "1"}
    response = post_form(client, "/account/", data, prefix="ww")
    assert response.status_code == 422 and "Je huidige wachtwoord klopt niet." in response.get_data(as_text=True)
    response = post_form(client, "/account/", {**data, "ww-current": PASSWORD}, prefix="ww")
    assert response.status_code == 302
    auth.logout()
    assert auth.login("leerling@voorbeeld.nl", "nieuw-en-lang-genoeg").status_code == 302


def reset_link_from(text: str) -> str:
    match = re.search(r"https?://[^/\s]+(/wachtwoord-herstellen/\S+)", text)
    assert match, text
    return match[1]


def test_password_reset_prints_mail_without_smtp_and_link_works_once(client, auth, make_user, capsys, outbox):
    make_user(email="leerling@voorbeeld.nl")
    response = post_form(client, "/wachtwoord-vergeten", {"email": "Leerling@voorbeeld.nl"})
    assert response.status_code == 302
    assert outbox.wait_idle()
    link = reset_link_from(capsys.readouterr().err)
    new = {"password": "mijn-nieuwe-zin-hier", "confirm": "mijn-nieuwe-zin-hier"}
    assert post_form(client, link, new).status_code == 302
    auth.logout()
    assert auth.login("leerling@voorbeeld.nl", "mijn-nieuwe-zin-hier").status_code == 302
    auth.logout()
    # The same link a second time: refused, with a Dutch explanation.
    response = client.get(link, follow_redirects=True)
    assert "verlopen of al gebruikt" in response.get_data(as_text=True)


def test_password_reset_for_unknown_address_says_the_same(client, capsys, outbox):
    response = post_form(client, "/wachtwoord-vergeten", {"email": "niemand@voorbeeld.nl"}, follow_redirects=True)
    assert outbox.wait_idle()
    assert "Als dit e-mailadres bij ons bekend is" in response.get_data(as_text=True)
    assert "wachtwoord-herstellen" not in capsys.readouterr().err


def test_expired_reset_link_is_refused(client, app, make_user):
    from course import accounts
    user_id = make_user(email="leerling@voorbeeld.nl")
    with app.app_context():
        token = accounts.make_reset_token(app.config["SECRET_KEY"], db.session.get(User, user_id))
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        response = client.get(f"/wachtwoord-herstellen/{token}", follow_redirects=True)
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 3600
    assert "verlopen of al gebruikt" in response.get_data(as_text=True)


def test_tampered_reset_link_is_refused(client):
    response = client.get("/wachtwoord-herstellen/nep.token", follow_redirects=True)
    assert response.status_code == 200 and "verlopen of al gebruikt" in response.get_data(as_text=True)


def test_production_hashes_passwords_with_scrypt(tmp_path):
    # The suite runs with a cheap hash (conftest); without the setting every new password gets scrypt.
    from course import accounts
    from course.config import from_environment
    config = from_environment(str(tmp_path), {"SECRET_KEY": "x" * 40})
    assert config["PASSWORD_HASH_METHOD"] == "scrypt"
    accounts.use_hash_method(config["PASSWORD_HASH_METHOD"])
    try:
        assert accounts.hash_password("een-lang-wachtwoord").startswith("scrypt:")
    finally:
        accounts.use_hash_method(os.environ["PASSWORD_HASH_METHOD"])
