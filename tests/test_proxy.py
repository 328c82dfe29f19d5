"""Behind a TLS proxy: PROXY_COUNT says how many proxies in front of the app may be believed."""
import pytest
from flask import request

from course.config import ConfigError, from_environment

from conftest import make_app, post_form


@pytest.fixture
def proxied_app(app, tmp_path):
    """make(count): an app on the suite's database with PROXY_COUNT=count and a low login limit."""
    from course.extensions import db, limiter
    made = []

    def make(count: int):
        new = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], PROXY_COUNT=count,
                       LOGIN_RATE_LIMIT="2 per minute")
        new.add_url_rule("/_wie", "wie", lambda: f"{request.remote_addr} {request.scheme} {request.is_secure} {request.host}")
        made.append(new)
        return new
    yield make
    limiter.reset()
    for new in made:  # close this app's own database connections
        with new.app_context():
            db.engine.dispose()


def failed_logins(app, forwarded_for: str, times: int) -> list[int]:
    client = app.test_client()
    headers = {"X-Forwarded-For": forwarded_for}
    return [post_form(client, "/inloggen", {"email": "niemand@voorbeeld.nl", "password": "fout-wachtwoord"},
                      headers=headers).status_code for _ in range(times)]


def test_without_proxy_setting_forwarded_headers_are_ignored(proxied_app):
    """PROXY_COUNT=0 (the default): anyone could send X-Forwarded-For, so it must not count."""
    app = proxied_app(0)
    assert failed_logins(app, "203.0.113.1", 2) == [422, 422]
    assert failed_logins(app, "203.0.113.2", 1) == [429]  # the same client as far as the app knows
    client = app.test_client()
    answer = client.get("/_wie", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
                                          "X-Forwarded-Host": "cursus.example.nl"}).get_data(as_text=True)
    assert answer == "127.0.0.1 http False localhost"


def test_behind_one_proxy_each_client_has_its_own_address_and_scheme(proxied_app):
    app = proxied_app(1)
    assert failed_logins(app, "203.0.113.1", 2) == [422, 422]
    assert failed_logins(app, "203.0.113.1", 1) == [429]
    assert failed_logins(app, "203.0.113.2", 2) == [422, 422]  # a colleague is not locked out
    client = app.test_client()
    answer = client.get("/_wie", headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9", "X-Forwarded-Proto": "https",
                                          "X-Forwarded-Host": "cursus.example.nl"}).get_data(as_text=True)
    # Only the last address was added by our proxy; the one before it is the client's own claim.
    assert answer == "203.0.113.9 https True cursus.example.nl"


def test_proxy_count_setting(tmp_path):
    assert from_environment(str(tmp_path), {})["PROXY_COUNT"] == 0
    assert from_environment(str(tmp_path), {"PROXY_COUNT": "2"})["PROXY_COUNT"] == 2
    for wrong in ("-1", "twee"):
        with pytest.raises(ConfigError, match="PROXY_COUNT"):
            from_environment(str(tmp_path), {"PROXY_COUNT": wrong})
