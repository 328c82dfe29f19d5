"""Headers, cookies, sessions, rate limits and escaping."""
import io
import logging

import pytest
from pypdf import PdfReader

from course.config import ConfigError, from_environment

from conftest import PASSWORD, csrf_token, post_form


@pytest.mark.parametrize("url", ["/", "/inloggen", "/verify", "/bestaat-niet"])
def test_security_headers(client, url):
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_styles(client, learner):
    for url in ["/", "/cursus/", "/cursus/eerste-module/les-1", "/signalenlijst", "/account/"]:
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html and "<style" not in html
        assert " onclick=" not in html


def test_session_cookie_flags(client, make_user):
    make_user(email="leerling@voorbeeld.nl")
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    response = client.post("/inloggen", data={"email": "leerling@voorbeeld.nl", "password": PASSWORD,
                                              "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure_and_secret_key_is_required(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        from_environment(str(tmp_path), {"FLASK_ENV": "production"})
    config = from_environment(str(tmp_path), {"FLASK_ENV": "production", "SECRET_KEY": "x" * 40})
    assert config["SESSION_COOKIE_SECURE"] is True and config["SESSION_COOKIE_HTTPONLY"] is True


def test_login_starts_a_fresh_session(client, make_user):
    make_user(email="leerling@voorbeeld.nl")
    with client.session_transaction() as session:
        session["van-voor-het-inloggen"] = "x"
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    client.post("/inloggen", data={"email": "leerling@voorbeeld.nl", "password": PASSWORD, "csrf_token": token})
    with client.session_transaction() as session:
        assert "van-voor-het-inloggen" not in session and "_user_id" in session


def test_logout_ends_the_session_even_for_a_copied_cookie(app, client, auth, learner):
    with client.session_transaction() as session:
        stolen = dict(session)
    auth.logout()
    other = app.test_client()
    with other.session_transaction() as session:
        session.update(stolen)
    assert other.get("/cursus/").status_code == 302


def test_new_password_logs_out_other_devices(app, client, auth, learner):
    other = app.test_client()
    token = csrf_token(other.get("/inloggen").get_data(as_text=True))
    other.post("/inloggen", data={"email": "leerling@voorbeeld.nl", "password": PASSWORD, "csrf_token": token})
    assert other.get("/cursus/").status_code == 200
    post_form(client, "/account/", {"ww-current": PASSWORD, "ww-password": "nieuw-en-lang-genoeg",
                                    "ww-confirm": "nieuw-en-lang-genoeg", "ww-submit": "1"}, prefix="ww")
    assert client.get("/cursus/").status_code == 200  # this device stays logged in
    assert other.get("/cursus/").status_code == 302


@pytest.mark.parametrize("setting, url, data", [
    ("LOGIN_RATE_LIMIT", "/inloggen", {"email": "a@b.nl", "password": "fout-fout-fout"}),
    ("REGISTER_RATE_LIMIT", "/registreren", {"name": "x"}),
    ("RESET_RATE_LIMIT", "/wachtwoord-vergeten", {"email": "a@b.nl"}),
])
def test_rate_limits_answer_in_dutch(client, rate_limit, setting, url, data):
    rate_limit(setting, "2 per minute")
    token = csrf_token(client.get(url).get_data(as_text=True))
    responses = [client.post(url, data={**data, "csrf_token": token}) for _ in range(3)]
    assert [r.status_code for r in responses][-1] == 429
    assert "Even rustig aan" in responses[-1].get_data(as_text=True)
    assert client.get(url).status_code == 200  # reading the form is never limited


def test_join_is_rate_limited(client, rate_limit):
    rate_limit("JOIN_RATE_LIMIT", "2 per minute")
    statuses = [client.get("/teams/uitnodiging/raden-maar").status_code for _ in range(3)]
    response = client.get("/teams/uitnodiging/raden-maar")
    assert statuses == [404, 404, 429] and "Even rustig aan" in response.get_data(as_text=True)


NASTY = '<script>alert("x")</script> =cmd|'


def test_user_text_is_escaped_in_pages_and_pdf(client, app, make_user, auth, store_name):
    from conftest import complete_module, only_certificate
    # The name rule refuses such a name now; a row stored before the rule must still be harmless.
    user_id = make_user(email="nasty@voorbeeld.nl")
    store_name(user_id, NASTY)
    auth.login("nasty@voorbeeld.nl")
    complete_module(app, user_id)
    html = client.get("/account/").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    code = only_certificate(app).code
    assert "<script>alert" not in client.get(f"/verify/{code}").get_data(as_text=True)
    text = PdfReader(io.BytesIO(client.get(f"/certificaten/{code}.pdf").data)).pages[0].extract_text()
    assert NASTY in text  # drawn as plain text, never interpreted


@pytest.mark.parametrize("value, expected", [("=1+1", "'=1+1"), ("+31 6", "'+31 6"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
                                             ("Anna", "Anna")])
def test_spreadsheet_cells_are_neutralised(value, expected):
    from course.teams import safe_cell
    assert safe_cell(value) == expected


def test_request_log_has_user_id_but_no_personal_data_or_tokens(app, client, learner, caplog):
    caplog.set_level(logging.INFO, logger="course.requests")
    client.get("/cursus/")
    client.get("/wachtwoord-herstellen/geheim-token-123")
    lines = [r.getMessage() for r in caplog.records if r.name == "course.requests"]
    assert any('"route": "/cursus/"' in line and f'"user": {learner}' in line for line in lines), lines
    joined = "\n".join(lines)
    assert "geheim-token-123" not in joined and "leerling@voorbeeld.nl" not in joined
    assert "Test Cursist" not in joined
