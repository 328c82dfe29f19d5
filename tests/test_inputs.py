"""The one input boundary (issue 22): each finding of the probe round, then the rule that no view reads raw input."""
import ast
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update

from course import practice, teams
from course.extensions import db
from course.models import Organisation, PracticeSubmission, QuizAttempt, Reflection, Team, User
from course.reminders.preferences import make_opt_out_token

from conftest import complete_module, csrf_token, post_form

MODULE = "eerste-module"
NUL_TEXT = "Kind A\x00 viel"
DUTCH_TEXT_PROBLEM = "onzichtbaar teken of stuurteken"
VIEWS = Path(__file__).parent.parent / "course" / "web" / "views"


@pytest.fixture
def org_world(app, make_user, make_team, auth):
    """A manager of two teams; Anouk in the first, with module 1 done."""
    manager = make_user(name="Marieke Leiding", email="leiding@voorbeeld.nl")
    anouk = make_user(name="Anouk Jansen", email="anouk@voorbeeld.nl")
    complete_module(app, anouk)
    a = make_team("De Regenboog", manager_id=manager, members=[anouk])
    make_team("Het Klavertje", manager_id=manager)
    auth.login("leiding@voorbeeld.nl")
    return {"anouk": anouk, "a": a}


def _start_quiz(client) -> str:
    for lesson in ("les-1", "les-2", "les-3"):
        token = csrf_token(client.get(f"/cursus/{MODULE}/{lesson}").get_data(as_text=True))
        client.post(f"/cursus/{MODULE}/{lesson}/afgerond", data={"csrf_token": token})
    token = csrf_token(client.get(f"/cursus/{MODULE}/quiz/").get_data(as_text=True))
    response = client.post(f"/cursus/{MODULE}/quiz/start", data={"csrf_token": token})
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.fixture
def coached(app, make_user, make_team, auth):
    learner = make_user(name="Zoë Brûlé", email="leerling@voorbeeld.nl")
    coach = make_user(name="Coach Carla", email="coach@voorbeeld.nl")
    team_id = make_team("Team A", members=[learner])
    with app.app_context():
        teams.appoint_coach(db.session, None, db.session.get(Team, team_id), db.session.get(User, coach))
        db.session.remove()
    auth.login("leerling@voorbeeld.nl")
    return {"learner": learner, "coach": coach}


def _reflection_json(client, body: bytes):
    token = csrf_token(client.get(f"/cursus/{MODULE}/les-3").get_data(as_text=True))
    return client.post(f"/cursus/{MODULE}/les-3/reflectie", data=body,
                       headers={"X-CSRFToken": token, "Content-Type": "application/json"})


def _stored(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# M1 - NUL in a reflection (JSON and form), a hand-in, a coach's feedback: a Dutch 4xx, nothing stored.
def test_m1_nul_in_a_reflection_is_refused_with_a_dutch_message(client, app, coached):
    response = _reflection_json(client, json.dumps({"text": NUL_TEXT}).encode())
    assert response.status_code == 400 and DUTCH_TEXT_PROBLEM in response.get_json()["message"]
    form = post_form(client, f"/cursus/{MODULE}/les-3/reflectie", {"text": NUL_TEXT}, page=f"/cursus/{MODULE}/les-3")
    assert form.status_code == 422 and DUTCH_TEXT_PROBLEM in form.get_data(as_text=True)
    assert _stored(app, Reflection) == 0


def test_m1_nul_in_a_hand_in_and_in_feedback_is_refused(client, app, auth, coached):
    url = f"/cursus/{MODULE}/praktijkopdracht"
    refused = post_form(client, url, {"momenten": NUL_TEXT, "leerpunt": "Eerder door de knieën."})
    assert refused.status_code == 422 and DUTCH_TEXT_PROBLEM in refused.get_data(as_text=True)
    assert _stored(app, PracticeSubmission) == 0
    assert post_form(client, url, {"momenten": "Kind A viel.", "leerpunt": "Eerder door de knieën."}).status_code == 302
    auth.logout()
    auth.login("coach@voorbeeld.nl")
    with app.app_context():
        submission = db.session.scalar(select(PracticeSubmission.id))
    page = f"/coach/inleveringen/{submission}"
    feedback = post_form(client, page, {"feedback": NUL_TEXT, "sign_off": "Aftekenen"})
    assert feedback.status_code == 422 and DUTCH_TEXT_PROBLEM in feedback.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(PracticeSubmission, submission).status == practice.WAITING
        with pytest.raises(Exception, match=DUTCH_TEXT_PROBLEM):  # the domain refuses it too
            practice.review(db.session, db.session.get(User, coached["coach"]), app.extensions["course"].module(MODULE),
                            submission, sign_off=True, feedback=NUL_TEXT, issuer="Test")


# L1 - a lone surrogate; L2 - deep nesting; and the rest of what a JSON body can be: a Dutch 400.
@pytest.mark.parametrize("body", [
    b'{"text": "\\ud800"}', b"[" * 5000, b"{" * 3000, b'{"text": ' + b"[" * 40 + b"]" * 40 + b"}",
    b"\xff\xfe", b'{"text": "a"', b'"alleen tekst"', b'{"text": 12}', b'{"text": "' + b"a" * 70_000 + b'"}',
], ids=["surrogate", "nested-arrays", "nested-objects", "nested-in-text", "not-utf8", "cut-off", "not-object",
        "number", "huge"])
def test_l1_l2_a_reflection_body_that_breaks_a_rule_is_a_dutch_400(client, app, coached, body):
    response = _reflection_json(client, body)
    assert response.status_code in (400, 413) and response.status_code < 500
    if response.status_code == 400:
        assert response.get_json()["ok"] is False and "opnieuw" in response.get_json()["message"]
    assert _stored(app, Reflection) == 0


# L3 - an order question's position of ², of Arabic-Indic or full-width digits, or of 5,000 digits.
@pytest.mark.parametrize("position", ["²", "١٢", "１", "9" * 5000, "-1", "0"])
def test_l3_odd_positions_in_an_order_question_are_refused(client, app, learner, position):
    url = _start_quiz(client)
    with app.app_context():  # make sure the order question is among the drawn ones
        attempt = db.session.scalar(select(QuizAttempt))
        draw = [d for d in attempt.draw if d["q"] not in ("volgorde", "extra")]
        db.session.execute(update(QuizAttempt).values(draw=[*draw, {"q": "volgorde", "order": ["een", "twee", "drie"]}]))
        db.session.commit()
    token = csrf_token(client.get(url).get_data(as_text=True))
    data = {"q-volgorde-een": position, "q-volgorde-twee": "2", "q-volgorde-drie": "3", "csrf_token": token}
    assert client.post(url + "/opslaan", data=data).status_code == 400
    assert client.post(url, data={**data, "actie": "bewaren"}).status_code == 422
    with app.app_context():
        assert not db.session.scalar(select(QuizAttempt.answers))


# L4 - Unicode digits in the filters of the training record, its downloads and the audit log; L5 - year 9999.
@pytest.mark.parametrize("query", ["jaar=²", "organisatie=²", "team=¹", "locatie=³", "jaar=" + "9" * 5000,
                                   "team=99999999999999999999", "van=2026-01-01&tot=9999-12-31",
                                   "van=0001-01-01&tot=2026-01-01", "van=２０２６-01-01&tot=2026-02-01"])
@pytest.mark.parametrize("path", ["/opleidingsoverzicht/", "/opleidingsoverzicht/export.csv",
                                  "/opleidingsoverzicht/export.xlsx", "/opleidingsoverzicht/overzicht-scholing.pdf",
                                  "/opleidingsoverzicht/certificaten.zip"])
def test_l4_l5_odd_filters_on_the_training_record(client, org_world, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    if path == "/opleidingsoverzicht/" and "tot=" in query:
        assert "tussen 2000 en 2100" in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["²", "١٢", "１", "9" * 5000])
def test_l4_odd_page_numbers_on_the_audit_log(client, make_user, auth, page):
    make_user(name="Bram Beheer", email="beheer@voorbeeld.nl", is_admin=True)
    auth.login("beheer@voorbeeld.nl")
    assert client.get(f"/beheer/logboek?pagina={page}").status_code == 200


# L6 - names go into the PDF's paragraph markup as text, not as markup.
@pytest.mark.parametrize("name", ["Opvang &#; Noord", "Jip &amp; Janneke", "De <b>Vlinder</b>"])
def test_l6_names_print_as_typed_in_the_pdfs(client, app, org_world, name):
    with app.app_context():
        db.session.execute(update(Organisation).values(name=name))
        db.session.execute(update(Team).where(Team.id == org_world["a"]).values(name=name))
        db.session.commit()
    for url in ("/opleidingsoverzicht/overzicht-scholing.pdf", f"/opleidingsoverzicht/medewerkers/{org_world['anouk']}.pdf"):
        response = client.get(url)
        assert response.status_code == 200, url
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
        assert name in text, (url, text[:300])


# I1 - an opt-out token whose signed user id does not fit the id column.
@pytest.mark.parametrize("user_id", [2**63, 2**64, 2**31, -1])
def test_i1_an_opt_out_token_with_an_id_out_of_range_is_a_dutch_400(client, app, user_id):
    token = make_opt_out_token(app.config["SECRET_KEY"], user_id, "reminders")
    for method in (client.get, client.post):
        response = method(f"/afmelden/{token}")
        assert response.status_code == 400 and "afmeldlink" in response.get_data(as_text=True)


def test_a_target_date_far_away_is_refused_with_a_dutch_message(client, app, make_user, make_team, auth):
    manager = make_user(name="Marieke Leiding", email="leiding@voorbeeld.nl")
    team_id = make_team("De Regenboog", manager_id=manager)
    auth.login("leiding@voorbeeld.nl")
    response = post_form(client, f"/teams/{team_id}/streefdatum", {"target_date": "9999-12-31"}, page=f"/teams/{team_id}/")
    assert response.status_code == 302
    assert "tussen 2000 en 2100" in client.get(f"/teams/{team_id}/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Team, team_id).target_date is None


# The rule itself: no view reads raw input; every value goes through course/web/inputs.py.
RAW_READS = {"args", "form", "values", "files", "get_json", "json", "data", "get_data", "cookies", "stream", "headers"}


def _raw_reads(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr in RAW_READS and isinstance(node.value, ast.Name)
                and node.value.id == "request"):
            found.append(f"line {node.lineno}: request.{node.attr}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("int", "float") \
                and node.args and not isinstance(node.args[0], ast.Constant):
            found.append(f"line {node.lineno}: {node.func.id}(...)")
        if isinstance(node, ast.Attribute) and node.attr in ("isdigit", "isdecimal", "isnumeric", "fromisoformat"):
            found.append(f"line {node.lineno}: .{node.attr}")
    return found


def test_no_view_reads_raw_input(app):
    modules = {path.stem: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(VIEWS.glob("*.py"))}
    problems = [f"{name}.py {hit}" for name, tree in modules.items() for hit in _raw_reads(tree)]
    assert not problems, "read these through course/web/inputs.py:\n" + "\n".join(problems)
    # Every route of the app is served by a view in those modules, so the rule covers the whole URL map.
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            module = app.view_functions[rule.endpoint].__module__
            assert module.startswith("course.web.views."), (rule.rule, module)


def test_the_raw_read_check_finds_what_it_looks_for():
    caught = _raw_reads(ast.parse("def v():\n    a = request.args.get('x')\n    b = int(a)\n    c = request.get_json()\n"
                                  "    d = request.form['y']\n    return a.isdigit()\n"))
    assert sorted(hit.split(": ")[1] for hit in caught) == sorted(
        ["request.args", "int(...)", "request.get_json", "request.form", ".isdigit"]), caught
