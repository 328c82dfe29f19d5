"""Property tests generated from the app itself (issue 22): every route of the URL map, every query value the
views read through course/web/inputs.py, every field of every form a page shows and every JSON endpoint, as
every role. A new route, filter or form field is covered without a new test.

Values: Unicode digits (², ١٢, full-width), NUL and control characters, lone surrogates (JSON only: a form
cannot carry them), deeply nested and huge JSON, extreme dates and numbers. The assertion: never a 500, and
nothing stored that breaks a rule. A fixed, modest number of derandomized examples keeps it fast.
"""
import ast
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from course import teams, text
from course.extensions import db
from course.models import Organisation, PracticeSubmission, Reflection, Team, User
from course.web import inputs

from conftest import AuthActions

SETTINGS = settings(max_examples=3, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
VIEWS = Path(__file__).parent.parent / "course" / "web" / "views"
ROLES = ("anoniem", "cursist", "leiding", "coach", "beheerder")
SKIP = {"auth.logout", "static"}  # logging the role's own client out would turn the rest into "anoniem"

DIGITS = st.sampled_from(["²", "١٢", "１２", "0" * 30, "9" * 5000, "-1", "2147483648", "9223372036854775808", "3.5",
                          "1e9", " 7", "٣", "𝟙"])
DATES = st.sampled_from(["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01", "２０２６-01-01", "2026-02-30",
                         "31-12-9999", "2026-1-1", "+2026-01-01"])
TEXT = st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
                 st.text(st.sampled_from("\x00\x01\x1b\x7f\u200b\u202e\ufeff\u2028 aé&<#;"), max_size=12),
                 st.builds(lambda c, n: c * n, st.sampled_from("a\x00é"), st.integers(3000, 6000)))
VALUE = st.one_of(DIGITS, DATES, TEXT)
JSON_BODY = st.one_of(
    st.builds(lambda n: b"[" * n, st.integers(100, 5000)),
    st.builds(lambda n: b'{"text": ' + b"[" * n + b"]" * n + b"}", st.integers(10, 3000)),
    st.builds(lambda s: ('{"text": "%s"}' % s).encode(), st.sampled_from(["\\ud800", "\\udfff", "a\\u0000b", "\\ud83d"])),
    st.builds(lambda n: json.dumps({"text": "a" * n}).encode(), st.integers(4000, 200_000)),
    st.builds(lambda v: json.dumps({"text": v}).encode(), st.one_of(st.integers(-2**70, 2**70), st.none(),
                                                                     st.lists(st.integers(), max_size=3))),
    st.binary(max_size=40),
)


def _query_names() -> dict[str, set[str]]:
    """views module -> the query values its views (or their helpers) read through inputs.arg_*, from the sources."""
    found: dict[str, set[str]] = {}
    for path in VIEWS.glob("*.py"):
        for call in (n for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, ast.Call)):
            if (isinstance(call.func, ast.Attribute) and call.func.attr.startswith("arg_")
                    and call.args and isinstance(call.args[0], ast.Constant)):
                found.setdefault(f"course.web.views.{path.stem}", set()).add(call.args[0].value)
    return found


def _json_endpoints() -> set[str]:
    found = set()
    for path in VIEWS.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            if any(isinstance(n, ast.Attribute) and n.attr == "json_body" for n in ast.walk(function)):
                found.add(f"{path.stem}.{function.name}")
    return found


@pytest.fixture
def world(app, make_user, make_team):
    """One of each: a learner with a hand-in, a manager, a coach, an administrator, a team and its organisation."""
    ids = {"cursist": make_user(name="Cursist Cas", email="cursist@voorbeeld.nl"),
           "leiding": make_user(name="Leiding Lies", email="leiding@voorbeeld.nl"),
           "coach": make_user(name="Coach Carla", email="coach@voorbeeld.nl"),
           "beheerder": make_user(name="Bram Beheer", email="beheerder@voorbeeld.nl", is_admin=True)}
    team_id = make_team("De Regenboog", manager_id=ids["leiding"], members=[ids["cursist"]])
    with app.app_context():
        team = db.session.get(Team, team_id)
        teams.appoint_coach(db.session, None, team, db.session.get(User, ids["coach"]))
        module = app.extensions["course"].module("eerste-module")
        from course import practice
        submission = practice.hand_in(db.session, db.session.get(User, ids["cursist"]), module,
                                      {f.id: "Kind A zocht troost." for f in module.assignment.fields}).id
        real = {"team_id": team_id, "user_id": ids["cursist"], "submission_id": submission,
                "organisation_id": team.organisation_id, "module_slug": "eerste-module", "lesson_slug": "les-1",
                "token": team.invite_token}
        db.session.remove()
    return real


def _client(app, role):
    client = app.test_client()
    if role != "anoniem":
        assert AuthActions(client).login(f"{role}@voorbeeld.nl").status_code == 302
    return client


def _path(rule, real: dict, value: str, number: int, use_real: bool) -> str:
    path = rule.rule
    for name in rule.arguments:
        numeric = re.search(rf"<int:{name}>", rule.rule) is not None  # the int converter (DatabaseId)
        if use_real and name in real:
            replacement = str(real[name])
        else:
            replacement = str(abs(number)) if numeric else quote(value, safe="") or "x"
        path = re.sub(r"<(?:[^:<>]+:)?" + name + ">", lambda _: replacement, path)
    return path


def _form_fields(html: str) -> list[list[str]]:
    """The field names of each POST form on a page (the CSRF token left out)."""
    forms = re.findall(r'<form[^>]*method="post"[^>]*>(.*?)</form>', html, re.S | re.I)
    return [[n for n in re.findall(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"', body) if "csrf_token" not in n]
            for body in forms]


def _token(html: str) -> str | None:
    match = re.search(r'name="(?:[a-z]+-)?csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', html)
    return (match[1] or match[2]) if match else None


def assert_sane(response, what) -> None:
    response.get_data()  # a streamed download (ZIP) keeps its app context until it is read and closed
    response.close()
    assert response.status_code < 500, (what, response.status_code)


def assert_rules_hold(app) -> None:
    with app.app_context():
        for name in db.session.scalars(select(User.name)):
            assert text.name_problem(name) is None, repr(name)
        for name in [*db.session.scalars(select(Organisation.name)), *db.session.scalars(select(Team.name))]:
            assert text.name_problem(name, group=True) is None, repr(name)
        for target in db.session.scalars(select(Team.target_date)):
            assert target is None or inputs.FIRST_DAY <= target <= inputs.LAST_DAY, target
        for row in db.session.scalars(select(Reflection.text)):
            assert text.text_problem(row) is None, repr(row[:40])
        for answers, feedback in db.session.execute(select(PracticeSubmission.answers, PracticeSubmission.feedback)):
            for value in [*answers.values(), feedback or ""]:
                assert text.text_problem(value) is None, repr(value[:40])


@pytest.mark.parametrize("role", ROLES)
def test_every_route_query_form_and_json_body_as_every_role(app, world, role):
    client = _client(app, role)
    queries, json_views = _query_names(), _json_endpoints()
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in SKIP]
    # The generators found what they look for: the record's filters, the audit log's page, the reflection JSON.
    assert len(rules) > 50 and {"jaar", "van", "tot", "team", "locatie"} <= queries["course.web.views.records"]
    assert "pagina" in queries["course.web.views.admin"] and "practice.save_reflection" in json_views

    @SETTINGS
    @given(value=VALUE, number=st.one_of(st.integers(0, 2**70), st.sampled_from([0, 2**31, 2**63])),
           use_real=st.booleans(), body=JSON_BODY)
    def check(value, number, use_real, body):
        token = _token(client.get("/account/" if role != "anoniem" else "/inloggen").get_data(as_text=True)) or ""
        for rule in rules:
            path = _path(rule, world, value, number, use_real)
            names = queries.get(app.view_functions[rule.endpoint].__module__, set())
            if "GET" in rule.methods:
                query = "&".join(f"{n}={quote(value, safe='')}" for n in sorted(names))
                response = client.get(path + ("?" + query if query else ""))
                html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
                assert_sane(response, ("GET", rule.rule, value[:20]))
                fields = _form_fields(html) if response.status_code == 200 else []
            else:
                fields = [[]]
            if "POST" in rule.methods:
                page_token = _token(html) if "GET" in rule.methods else None
                for names_in_form in fields or [[]]:
                    data = {n: value for n in names_in_form}
                    data.update({"csrf_token": page_token or token})
                    for prefix in {n.split("-")[0] for n in names_in_form if "-" in n}:
                        data[f"{prefix}-csrf_token"] = page_token or token
                    assert_sane(client.post(path, data=data), ("POST", rule.rule, sorted(data)))
            if rule.endpoint in json_views:
                response = client.post(path, data=body, headers={"Content-Type": "application/json",
                                                                 "X-CSRFToken": token})
                assert_sane(response, ("JSON", rule.rule, body[:40]))
        assert_rules_hold(app)
    check()
