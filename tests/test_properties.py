"""Property-based: any text, control characters, NUL, huge or negative numbers, files in text fields.

Whatever arrives, on any route parameter and in any form field, the answer is a 2xx, a 3xx or a
Dutch 4xx page, never a 500, and nothing half-written stays behind.
"""
import io
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from course import text
from course.extensions import db
from course.models import Organisation, Team, User

from conftest import PASSWORD, csrf_token

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Text a person or a tool might send: any Unicode (surrogates cannot be encoded), control
# characters and NUL in particular, and now and then something very long.
NASTY = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.text(st.sampled_from("\x00\x01\x02\x0b\x1f\x7f\u200b\u202e\u2066\ufeff\u2028 aé'-"), max_size=20),
    st.builds(lambda c, n: c * n, st.sampled_from("aé\x00"), st.integers(300, 5000)),
)
NUMBERS = st.one_of(st.integers(-2**70, 2**70), st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64]))


def assert_sane(response) -> None:
    assert response.status_code < 500, response.status_code
    if response.status_code >= 400 and response.mimetype == "text/html":
        assert '<html lang="nl"' in response.get_data(as_text=True)


@pytest.fixture
def admin_client(app, make_user, auth, client):
    make_user(name="Bram Beheer", email="beheer@voorbeeld.nl", is_admin=True)
    auth.login("beheer@voorbeeld.nl")
    return client


def parameter_routes(app):
    """Every GET route with parameters, as (rule, names of its int and string parameters)."""
    for rule in app.url_map.iter_rules():
        if rule.arguments and "GET" in rule.methods and rule.endpoint != "static":
            yield rule


@SETTINGS
@given(value=NASTY, number=NUMBERS)
def test_any_route_parameter_is_answered_sanely(app, admin_client, value, number):
    for rule in parameter_routes(app):
        path = rule.rule
        for name in rule.arguments:
            numeric = re.search(rf"<int:{name}>", rule.rule) is not None  # the int converter (DatabaseId)
            replacement = str(number) if numeric else quote(value, safe="") or "x"
            path = re.sub(r"<(?:[^:<>]+:)?" + name + ">", lambda _: replacement, path)
        assert_sane(admin_client.get(path))
    for query in ("/verify?code=", "/teams/1/?zoek=", "/teams/1/?status=", "/teams/1/?sorteer=",
                  "/beheer/logboek?persoon=", "/beheer/logboek?pagina=", "/beheer/vragen?module=",
                  "/inloggen?next=", "/registreren?next="):
        assert_sane(admin_client.get(query + quote(value, safe="")))
        assert_sane(admin_client.get(query + str(number)))


ANONYMOUS_FORMS = {
    "/inloggen": ("email", "password"),
    "/registreren": ("name", "email", "password"),
    "/wachtwoord-vergeten": ("email",),
}


def field_values(draw_value, as_file: bool):
    return (io.BytesIO(draw_value.encode("utf-8", "replace")), "x.txt") if as_file else draw_value


@SETTINGS
@given(values=st.lists(NASTY, min_size=4, max_size=4), files=st.lists(st.booleans(), min_size=4, max_size=4))
def test_anonymous_forms_never_fail(app, client, values, files):
    for url, names in ANONYMOUS_FORMS.items():
        token = csrf_token(client.get(url).get_data(as_text=True))
        data = {"csrf_token": token}
        for name, value, as_file in zip(names, values, files):
            data[name] = field_values(value, as_file)
        response = client.post(url, data=data, content_type="multipart/form-data" if any(files) else None)
        assert_sane(response)
        if response.status_code == 302 and url == "/registreren":
            client.post("/uitloggen", data={"csrf_token": csrf_token(client.get("/cursus/").get_data(as_text=True))})
    with app.app_context():
        for name in db.session.scalars(select(User.name)):
            assert text.name_problem(name) is None, repr(name)  # nothing that breaks the name rule was stored


@SETTINGS
@given(name=NASTY, number=NUMBERS, as_file=st.booleans())
def test_logged_in_forms_never_fail(app, admin_client, name, number, as_file):
    client = admin_client
    with app.app_context():
        before = (db.session.scalar(select(func.count()).select_from(Organisation)),
                  db.session.scalar(select(func.count()).select_from(Team)))
    posts = [
        ("/account/", {"naam-name": field_values(name, as_file), "naam-submit": "1"}, "naam-csrf_token"),
        ("/account/", {"ww-current": field_values(name, as_file), "ww-password": name, "ww-confirm": name,
                       "ww-submit": "1"}, "ww-csrf_token"),
        ("/beheer/", {"name": field_values(name, as_file), "kind": name}, "csrf_token"),
        ("/account/verwijderen", {"password": field_values(name, as_file), "keep_name": name}, "csrf_token"),
        (f"/teams/{number}/streefdatum", {"target_date": name}, "csrf_token"),
        (f"/cursus/eerste-module/quiz/poging/{number}", {"actie": name, f"q-{name}": name}, "csrf_token"),
    ]
    for url, data, token_field in posts:
        page = url if not url.startswith(("/teams/", "/cursus/")) else "/account/"
        token = csrf_token(client.get(page).get_data(as_text=True))
        response = client.post(url, data={**data, token_field: token},
                               content_type="multipart/form-data" if as_file else None)
        assert_sane(response)
    with app.app_context():
        for stored in db.session.scalars(select(User.name)):
            assert text.name_problem(stored) is None, repr(stored)
        for stored in db.session.scalars(select(Organisation.name)):
            assert text.name_problem(stored, group=True) is None, repr(stored)
        after = (db.session.scalar(select(func.count()).select_from(Organisation)),
                 db.session.scalar(select(func.count()).select_from(Team)))
        assert after[1] == before[1] and after[0] - before[0] in (0, 1)
        # The password is unchanged unless the (random) current password was right, which it never is.
        from course import accounts
        assert accounts.check_password(db.session.scalar(select(User).where(User.email == "beheer@voorbeeld.nl")),
                                       PASSWORD)
