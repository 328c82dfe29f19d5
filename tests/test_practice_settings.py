"""Practice for every setting (issue 24): the learner's setting, variants, rubrics, gastouderbureaus, the
privacy check, the coach's observation and overview, module 4 in two parts."""
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from course import certificates, practice, sensitive, teams
from course.catalog import load_catalog
from course.config import ROOT
from course.demo import create_demo_data
from course.errors import NotFound, PracticeProblem
from course.extensions import db
from course.models import (
    Certificate,
    CoachObservation,
    Organisation,
    PracticePlan,
    PracticeSubmission,
    Team,
    TeamMembership,
    User,
)
from course.text import utcnow

from conftest import PINNED, csrf_token, post_form

# Results here depend on dates: run at one fixed moment (conftest.PINNED).
pytestmark = pytest.mark.usefixtures("pinned_clock")

MODULE = "eerste-module"
URL = f"/cursus/{MODULE}/praktijkopdracht"
ANSWERS = {"momenten": "Kind A (2 jaar) viel en keek naar mij. Ik ging naast kind A zitten.",
           "leerpunt": "Ik ga eerder door de knieën."}
CRITERIA = ("feiten", "signaal", "voornemen")
ALL_MET = {f"oordeel-{c}": "voldoende" for c in CRITERIA}


def appoint(app, team_id, user_id, role=None):
    with app.app_context():
        teams.appoint_coach(db.session, None, db.session.get(Team, team_id), db.session.get(User, user_id), role)
        db.session.remove()


def set_setting(app, user_id, setting):
    with app.app_context():
        db.session.get(User, user_id).setting = setting
        db.session.commit()
        db.session.remove()


def count(app, model) -> int:
    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(model))
        db.session.remove()
    return n


def only_submission(app) -> PracticeSubmission:
    with app.app_context():
        row = db.session.scalars(select(PracticeSubmission).order_by(PracticeSubmission.id.desc())).first()
        db.session.expunge(row)
        db.session.remove()
    return row


# ----- the learner's setting -----

def test_the_setting_is_chosen_at_registration_and_changed_on_the_account_page(client, app):
    page = client.get("/registreren").get_data(as_text=True)
    assert "Waar werk je?" in page and "Gastouder" in page and "Dat kies ik later" in page
    response = client.post("/registreren", data={
        "csrf_token": csrf_token(page), "name": "Bo Bakker", "email": "bo@voorbeeld.nl",
        "password": "lange-zin-met-woorden-42", "confirm": "lange-zin-met-woorden-42", "setting": "bso"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.setting).where(User.email == "bo@voorbeeld.nl")) == "bso"
    assert "Buitenschoolse opvang (bso)" in client.get("/cursus/").get_data(as_text=True)
    bad = post_form(client, "/account/", {"werk-setting": "kantoor", "werk-submit": "Opslaan"}, page="/account/",
                    prefix="werk")
    assert bad.status_code == 422 and "Kies waar je werkt" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.setting).where(User.email == "bo@voorbeeld.nl")) == "bso"
    ok = post_form(client, "/account/", {"werk-setting": "gastouder", "werk-submit": "Opslaan"}, page="/account/",
                   prefix="werk")
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.setting).where(User.email == "bo@voorbeeld.nl")) == "gastouder"


def test_the_assignment_shows_the_variant_of_the_learners_setting(client, app, learner):
    html = client.get(URL).get_data(as_text=True)
    assert "Kies waar je werkt" in html and "Kies een gewone week." in html  # none chosen: the peutergroep's
    set_setting(app, learner, "bso")
    html = client.get(URL).get_data(as_text=True)
    assert "Kies een gewone week op de bso." in html and "Wat gebeurde er op de bso" in html
    set_setting(app, learner, "gastouder")
    html = client.get(URL).get_data(as_text=True)
    assert "bemiddelingsmedewerker" in html and "Wat neem je mee naar je eigen opvang?" in html
    other = client.get(URL + "?voor=bso").get_data(as_text=True)  # reading another setting's variant
    assert "Kies een gewone week op de bso." in other and 'id="inleveren"' not in other
    for criterion in ("Beschrijft de cursist feiten", "Eén ding dat de cursist morgen kan doen",
                      "Kind A was weer eens aanstellerig"):  # the rubric: voldoende and an example of both
        assert criterion in html


# ----- every setting: from assignment to praktijkverklaring over HTTP -----

@pytest.mark.parametrize("setting", ["kdv-baby", "kdv-peuter", "bso", "gastouder"])
def test_each_setting_from_assignment_to_praktijkverklaring(client, auth, app, make_user, make_team, setting):
    learner = make_user(name="Lotte Smit", email="lotte@voorbeeld.nl")
    coach = make_user(name="Coach Carla", email="coach@voorbeeld.nl")
    organisation = "Gastouderbureau Het Nest" if setting == "gastouder" else "Kinderopvang Zonnebloem"
    team = make_team("Regio Noord", members=[learner], organisation=organisation)
    with app.app_context():
        db.session.get(Team, team).organisation.kind = "gastouderbureau" if setting == "gastouder" else "kinderopvang"
        db.session.commit()
        db.session.remove()
    appoint(app, team, coach)
    set_setting(app, learner, setting)
    auth.login("lotte@voorbeeld.nl")
    assert post_form(client, URL, ANSWERS).status_code == 302
    submission = only_submission(app)
    assert submission.setting == setting and submission.status == "ingeleverd"
    auth.logout()
    auth.login("coach@voorbeeld.nl")
    review_url = f"/coach/inleveringen/{submission.id}"
    page = client.get(review_url).get_data(as_text=True)
    label = "Wat neem je mee naar je eigen opvang?" if setting == "gastouder" else "Wat neem je mee?"
    assert label in page and ANSWERS["momenten"] in page
    assert client.post(review_url, data={"csrf_token": csrf_token(page), "feedback": "Mooi in feiten.",
                                         "sign_off": "Aftekenen", **ALL_MET}).status_code == 302
    with app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.scope == "praktijk-" + MODULE))
        role = "bemiddelingsmedewerker gastouderbureau" if setting == "gastouder" else "pedagogisch coach"
        assert certificate.signer == f"Coach Carla, {role}"
        assert certificate.goals == ["Beschrijft de cursist feiten in plaats van oordelen?",
                                     "Noemt de cursist het signaal van het kind?", "Is het leerpunt klein en haalbaar?"]
        code = certificate.code
        db.session.remove()
    auth.logout()
    auth.login("lotte@voorbeeld.nl")
    pages = PdfReader(io.BytesIO(client.get(f"/certificaten/{code}.pdf").data)).pages
    assert "Praktijkverklaring" in pages[0].extract_text()
    assert "Beoordeeld als voldoende" in pages[1].extract_text() and "signaal van het kind" in pages[1].extract_text()


# ----- rubric: marks, revision names the criteria, bad input -----

def test_a_review_needs_a_mark_per_criterion_and_a_revision_names_what_to_work_on(client, auth, app, make_user,
                                                                                   make_team):
    learner = make_user(name="Lotte Smit", email="lotte@voorbeeld.nl")
    coach = make_user(name="Coach Carla", email="coach@voorbeeld.nl")
    appoint(app, make_team("Team A", members=[learner]), coach)
    auth.login("lotte@voorbeeld.nl")
    post_form(client, URL, ANSWERS)
    auth.logout()
    auth.login("coach@voorbeeld.nl")
    url = f"/coach/inleveringen/{only_submission(app).id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    cases = [({"oordeel-feiten": "voldoende"}, "Kies ‘voldoende’ of ‘nog niet’."),
             ({**ALL_MET, "oordeel-signaal": "nog-niet"}, "Aftekenen kan pas als elk criterium voldoende is"),
             ({**ALL_MET, "oordeel-signaal": "misschien"}, "Ongeldige keuze.")]
    for marks, message in cases:
        response = client.post(url, data={"csrf_token": token, "feedback": "Bijna.", "sign_off": "Aftekenen", **marks})
        assert response.status_code == 422 and message in response.get_data(as_text=True), message
        assert "Bijna." in response.get_data(as_text=True)  # the coach's text is kept
    all_met = client.post(url, data={"csrf_token": token, "feedback": "Bijna.", "revise": "Herziening", **ALL_MET})
    assert all_met.status_code == 422 and "alle criteria zijn voldoende" in all_met.get_data(as_text=True)
    assert only_submission(app).status == "ingeleverd" and count(app, Certificate) == 0
    revise = client.post(url, data={"csrf_token": token, "feedback": "Bijna.", "revise": "Herziening", **ALL_MET,
                                    "oordeel-signaal": "nog-niet", "toelichting-signaal": "Wat zag je aan kind A?"})
    assert revise.status_code == 302
    assert only_submission(app).marks["signaal"] == {"ok": False, "note": "Wat zag je aan kind A?"}
    auth.logout()
    auth.login("lotte@voorbeeld.nl")
    html = client.get(URL).get_data(as_text=True)
    assert "Werk aan: Noemt de cursist het signaal van het kind?" in html and "Wat zag je aan kind A?" in html
    assert ANSWERS["momenten"] in html  # the revision starts from the last version


def test_older_hand_ins_and_praktijkverklaringen_keep_what_they_said(client, auth, app, make_user, make_team):
    learner = make_user(name="Lotte Smit", email="lotte@voorbeeld.nl")
    coach = make_user(name="Coach Carla", email="coach@voorbeeld.nl")
    appoint(app, make_team("Team A", members=[learner]), coach)
    with app.app_context():  # as stored before the rubric: a field since renamed, no marks, no goals
        db.session.add(PracticeSubmission(user_id=learner, module_slug=MODULE, status="afgetekend",
                                          answers={"oude-vraag": "Mijn oude antwoord."}, reviewer_name="Coach Carla",
                                          feedback="Goed.", reviewed_at=utcnow()))
        code = certificates.new_code()
        db.session.add(Certificate(code=code, user_id=learner, scope="praktijk-" + MODULE, name="Lotte Smit",
                                   title="Praktijkopdracht module 1", hours=2, practice_hours=1, issuer="Test",
                                   signer="Coach Carla, pedagogisch coach"))
        db.session.commit()
        db.session.remove()
    auth.login("lotte@voorbeeld.nl")
    html = client.get(URL).get_data(as_text=True)
    assert "Oude vraag" in html and "Mijn oude antwoord." in html and "Werk aan" not in html
    pdf = PdfReader(io.BytesIO(client.get(f"/certificaten/{code}.pdf").data))
    assert len(pdf.pages) == 1 and "Beoordeeld als voldoende" not in pdf.pages[0].extract_text()


# ----- gastouderbureaus: joining by code, no dead end without a coach -----

def test_a_gastouder_hands_in_without_a_coach_then_joins_by_code_and_is_signed_off(client, auth, app, make_user):
    gastouder = make_user(name="Samira Yilmaz", email="gastouder@voorbeeld.nl")
    ingrid = make_user(name="Ingrid Bos", email="bemiddeling@voorbeeld.nl")
    with app.app_context():
        bureau = teams.create_organisation(db.session, None, "Gastouderbureau Het Nest", kind="gastouderbureau")
        team = teams.create_team(db.session, None, db.session.get(Organisation, bureau.id), "Regio Noord")
        teams.appoint_manager(db.session, None, team, db.session.get(User, ingrid))
        teams.appoint_coach(db.session, None, team, db.session.get(User, ingrid))
        code, team_id = team.join_code, team.id
        db.session.remove()
    set_setting(app, gastouder, "gastouder")
    auth.login("gastouder@voorbeeld.nl")
    html = client.get(URL).get_data(as_text=True)
    assert "Vraag je leidinggevende of gastouderbureau om een uitnodiging" in html and 'name="code-code"' in html
    assert post_form(client, URL, ANSWERS).status_code == 302  # handing in works: it waits for a coach
    assert "wacht op je coach" in client.get(URL).get_data(as_text=True)
    join = f"/account/code?next={URL}"
    for typed, message in (("", "Vul de code in"), ("ABC", "8 letters en cijfers"),
                           ("ZZZZZZZZ", "Deze code kennen we niet")):
        response = post_form(client, join, {"code-code": typed, "code-submit": "Word lid"}, page="/account/",
                             prefix="code")
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert count(app, TeamMembership) == 0
    typed = code[:4].lower() + " " + code[4:]  # as read from paper: lower case, a space
    response = post_form(client, join, {"code-code": typed, "code-submit": "Word lid"}, page="/account/",
                         prefix="code")
    assert response.status_code == 302 and response.headers["Location"].endswith(URL)
    auth.logout()
    auth.login("bemiddeling@voorbeeld.nl")
    overview = client.get("/coach/").get_data(as_text=True)
    assert "Samira Yilmaz" in overview and "Gastouder" in overview
    submission = only_submission(app)
    url = f"/coach/inleveringen/{submission.id}"
    page = client.get(url).get_data(as_text=True)
    assert client.post(url, data={"csrf_token": csrf_token(page), "feedback": "Goed gedaan.", "sign_off": "Aftekenen",
                                  **ALL_MET}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Certificate.signer)) == "Ingrid Bos, bemiddelingsmedewerker gastouderbureau"
        assert team_id in [t.id for t in teams.teams_of_member(db.session, db.session.get(User, gastouder))]


def test_a_renewed_invitation_renews_the_code(app, make_team, make_user):
    team_id = make_team("Regio Zuid")
    with app.app_context():
        team = db.session.get(Team, team_id)
        old = team.join_code
        assert len(old) == 8 and teams.team_for_code(db.session, old.lower()).id == team_id
        teams.renew_invitation(db.session, None, team)
        assert team.join_code != old
        with pytest.raises(Exception, match="kennen we niet"):
            teams.team_for_code(db.session, old)
        team.invite_expires_at = utcnow() - timedelta(days=1)
        db.session.commit()
        with pytest.raises(Exception, match="verlopen"):
            teams.team_for_code(db.session, team.join_code)


# ----- one privacy rule -----

def test_the_privacy_check_points_out_names_dates_bsn_phone_groups_and_diagnoses():
    text = ("Kind A (2 jaar) speelde met Anouk van der Meer-Çelik op de Vlindergroep. Geboren op 12-04-2022, "
            "bsn 111222333, moeder belt op 06-12345678. Kind B heeft ADHD.")
    kinds = {f.kind for f in sensitive.findings(text, ["Anouk van der Meer-Çelik"], ["Vlindergroep"])}
    assert kinds == {"naam", "groep", "datum", "bsn", "telefoon", "diagnose"}
    assert sensitive.findings("Anouk Meer-Çelik kwam binnen.", ["Anouk van der Meer-Çelik"])[0].kind == "naam"
    assert sensitive.passes_eleven_test("111222333") and not sensitive.passes_eleven_test("123456789")
    assert not sensitive.findings("bsn 123456789")  # nine digits that fail the 11-proef: not a BSN
    assert not sensitive.findings("Kind A (2 jaar en 3 maanden) huilde dinsdag 3 maart bij het afscheid.")
    assert str(sensitive.findings("Anouk van der Meer-Çelik", ["Anouk van der Meer-Çelik"])[0]).startswith(
        "Dit lijkt een naam: gebruik initialen")


def test_a_hand_in_with_a_teammates_name_is_pointed_out_and_the_learner_decides(client, auth, app, make_user,
                                                                                make_team):
    learner = make_user(name="Lotte Smit", email="lotte@voorbeeld.nl")
    mate = make_user(name="Jesse de Boer", email="jesse@voorbeeld.nl")
    make_team("Team A", members=[learner, mate])
    auth.login("lotte@voorbeeld.nl")
    answers = {**ANSWERS, "momenten": "Jesse de Boer troostte kind A; telefoon 06-12345678."}
    held = post_form(client, URL, answers)
    html = held.get_data(as_text=True)
    assert held.status_code == 422 and "Dit lijkt een naam: gebruik initialen" in html
    assert "Dit lijkt een telefoonnummer" in html and "Jesse de Boer troostte" in html  # the text stays
    assert count(app, PracticeSubmission) == 0
    edited = post_form(client, URL, {**ANSWERS, "momenten": "Collega J troostte kind A."})
    assert edited.status_code == 302 and only_submission(app).answers["momenten"] == "Collega J troostte kind A."


def test_save_anyway_after_the_privacy_check(client, auth, app, make_user, make_team):
    learner = make_user(name="Lotte Smit", email="lotte@voorbeeld.nl")
    make_team("Team A", members=[learner])
    auth.login("lotte@voorbeeld.nl")
    answers = {**ANSWERS, "momenten": "Op 1-2-2024 ging het beter."}  # a date, not a birthday: the learner decides
    assert post_form(client, URL, answers).status_code == 422
    assert post_form(client, URL, {**answers, "privacy": "toch"}).status_code == 302
    assert only_submission(app).answers["momenten"] == "Op 1-2-2024 ging het beter."


def test_a_reflection_is_checked_before_it_is_saved(client, auth, app, make_user, make_team):
    learner = make_user(name="Lotte Smit", email="lotte@voorbeeld.nl")
    make_user(name="Jesse de Boer", email="jesse@voorbeeld.nl")
    make_team("Team A", members=[learner])
    auth.login("lotte@voorbeeld.nl")
    token = csrf_token(client.get(f"/cursus/{MODULE}/les-1").get_data(as_text=True))
    url = f"/cursus/{MODULE}/les-1/reflectie"
    held = client.post(url, json={"text": "Kind A, bsn 111222333."}, headers={"X-CSRFToken": token})
    assert held.status_code == 409 and "burgerservicenummer" in held.get_json()["message"]
    assert "111222333" not in client.get(f"/cursus/{MODULE}/les-1").get_data(as_text=True)
    saved = client.post(url, json={"text": "Kind A, bsn 111222333.", "privacy": "toch"},
                        headers={"X-CSRFToken": token})
    assert saved.status_code == 200
    plain = post_form(client, url, {"text": "Geboren 3 mei 2021."}, page=f"/cursus/{MODULE}/les-1")
    assert plain.status_code == 422 and "geboortedatum" in plain.get_data(as_text=True)


def test_the_real_assignments_and_signal_list_state_one_privacy_rule():
    course = load_catalog(ROOT / "content", ROOT / "quizzes")
    for module in course.modules:
        assignment = module.assignment
        assert 3 <= len(assignment.criteria) <= 5 and all(c.example_not_yet for c in assignment.criteria)
        assert set(assignment.variants) == {"kdv-baby", "kdv-peuter", "bso", "gastouder"}
        gastouder = str(assignment.variants["gastouder"].steps)
        assert "bemiddelingsmedewerker" in gastouder and "rooster" not in gastouder and "collega's" not in gastouder
        assert "groepsnaam" in str(assignment.html) and "geboortedatum" in str(assignment.html)
    signals = course.module("signaleren").assignment.variants["bso"]
    assert "6 tot 12 jaar" in str(signals.steps) and "signalen-op-de-bso" in str(signals.steps)
    form = (ROOT / "content" / "pages" / "signalenlijst.md").read_text()
    assert "Groep of gastouderhuis" not in form and "geen groepsnaam" in form
    for lesson in (ROOT / "content" / "03-signaleren" / "05-observeren-en-beschrijven.md",
                   ROOT / "content" / "02-bouwstenen" / "07-grote-veranderingen-thuis.md"):
        text = lesson.read_text()
        assert "Pak de laatste notitie" not in text and "Denk aan een kind in je groep dat thuis" not in text


# ----- module 4 in two parts -----

def test_module_4_plan_first_then_what_happened(app, make_user):
    module = load_catalog(ROOT / "content", ROOT / "quizzes").module("praktische-handvatten")
    assignment = module.assignment
    assert assignment.two_parts and [f.id for f in assignment.fields if f.part == 2] == ["verloop", "anders"]
    learner = make_user(name="Lotte Smit", email="lotte@voorbeeld.nl")
    plan = {f.id: f"Plan: {f.label}" for f in assignment.fields if f.part == 1}
    after = {"verloop": "De ouder vertelde dat het thuis ook lang duurt.", "anders": "Ik wacht langer na een vraag."}
    with app.app_context():
        user = db.session.get(User, learner)
        with pytest.raises(PracticeProblem, match="Bewaar eerst je plan"):
            practice.hand_in(db.session, user, module, after)
        with pytest.raises(PracticeProblem, match="Nog leeg"):
            practice.save_plan(db.session, user, module, {**plan, "grens": ""})
        assert db.session.scalar(select(func.count()).select_from(PracticePlan)) == 0
        practice.save_plan(db.session, user, module, plan)
        with pytest.raises(PracticeProblem, match="Nog leeg"):
            practice.hand_in(db.session, user, module, {"verloop": after["verloop"]})
        submission = practice.hand_in(db.session, user, module, after)
        assert submission.answers == {**plan, **after}  # the coach sees the plan and what happened
        assert db.session.scalar(select(func.count()).select_from(PracticePlan)) == 0
        db.session.remove()


# ----- the coach's own observation -----

def test_a_coach_observation_counts_as_evidence(client, auth, app, make_user, make_team):
    learner = make_user(name="Lotte Smit", email="lotte@voorbeeld.nl")
    coach = make_user(name="Coach Carla", email="coach@voorbeeld.nl")
    appoint(app, make_team("Team A", members=[learner]), coach)
    auth.login("lotte@voorbeeld.nl")
    post_form(client, URL, ANSWERS)
    auth.logout()
    auth.login("coach@voorbeeld.nl")
    url = f"/coach/cursisten/{learner}/{MODULE}/observatie"
    today = PINNED.date()
    for data, message in (({"observed_on": (today + timedelta(days=2)).isoformat(), "situation": "Bij het brengen.",
                            "criteria": ["feiten"]}, "in de toekomst"),
                          ({"observed_on": today.isoformat(), "situation": "", "criteria": ["feiten"]}, "Vul de situatie"),
                          ({"observed_on": today.isoformat(), "situation": "Bij het brengen."}, "minstens één criterium"),
                          ({"observed_on": "morgen", "situation": "Bij het brengen.", "criteria": ["feiten"]}, "datum")):
        response = post_form(client, url, data)
        assert response.status_code == 422 and message in response.get_data(as_text=True), message
    assert count(app, CoachObservation) == 0
    saved = post_form(client, url, {"observed_on": today.isoformat(), "criteria": ["signaal"],
                                    "situation": "Kind A viel buiten; Lotte zag het meteen en ging door de knieën."})
    assert saved.status_code == 302
    review = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Lotte zag het meteen" in review and "Zelf gezien op" in review
    assert '<input checked id="oordeel-signaal-0"' in review  # seen on the floor: starts as voldoende
    assert '<input checked id="oordeel-feiten-0"' not in review
    auth.logout()
    auth.login("lotte@voorbeeld.nl")
    assert "Wat je coach zag in de praktijk" in client.get(URL).get_data(as_text=True)


# ----- nobody signs off their own work -----

def test_a_coach_never_reviews_or_observes_their_own_work(client, auth, app, make_user, make_team):
    coach = make_user(name="Coach Carla", email="coach@voorbeeld.nl")
    team = make_team("Team A", members=[coach])
    appoint(app, team, coach)
    auth.login("coach@voorbeeld.nl")
    post_form(client, URL, ANSWERS)
    own = only_submission(app)
    assert "Coach Carla" not in client.get("/coach/").get_data(as_text=True).split("Wacht op jou")[1]
    assert client.get(f"/coach/inleveringen/{own.id}").status_code == 404
    assert client.get(f"/coach/cursisten/{coach}/{MODULE}/observatie").status_code == 404
    with app.app_context(), pytest.raises(NotFound):
        practice.review(db.session, db.session.get(User, coach), app.extensions["course"].module(MODULE), own.id,
                        sign_off=True, feedback="Zelf goed.", issuer="Test",
                        marks={c: {"ok": True, "note": ""} for c in CRITERIA})


# ----- the coach's overview -----

def test_the_overview_lists_waiting_first_then_reviewed_filtered_in_few_queries(client, auth, app, make_user,
                                                                               make_team, count_queries):
    coach = make_user(name="Coach Carla", email="coach@voorbeeld.nl")
    module = app.extensions["course"].module(MODULE)
    team_ids = []
    for t in range(3):
        learners = [make_user(name=f"Gastouder {'ABC'[t]}{'ABCDEFGHIJKLMNOPQ'[n]}", email=f"g{t}-{n}@voorbeeld.nl")
                    for n in range(17)]
        team_ids.append(make_team(f"Regio {t}", members=learners))
        appoint(app, team_ids[-1], coach)
        with app.app_context():
            for n, learner in enumerate(learners):
                submission = practice.hand_in(db.session, db.session.get(User, learner), module, ANSWERS)
                if n % 2:
                    practice.review(db.session, db.session.get(User, coach), module, submission.id, sign_off=True,
                                    feedback="Goed.", issuer="Test",
                                    marks={c: {"ok": True, "note": ""} for c in CRITERIA})
            db.session.remove()
    auth.login("coach@voorbeeld.nl")
    client.get("/coach/")
    with count_queries() as counted:
        html = client.get("/coach/").get_data(as_text=True)
    assert counted["n"] <= 6, counted["n"]  # login, role flags, teams, waiting, reviewed: not one per hand-in
    waiting, reviewed = html.split("Al beoordeeld")
    assert "Wacht op jou (27)" in waiting and waiting.count("Beoordelen<span") == 27
    assert reviewed.count("afgetekend op") == 24
    one = client.get(f"/coach/?team={team_ids[1]}&module={MODULE}").get_data(as_text=True)
    assert "Wacht op jou (9)" in one and "Gastouder A" not in one and "Gastouder BA" in one
    other = client.get("/coach/?module=tweede-module").get_data(as_text=True)
    assert "Wacht op jou (0)" in other and "Nog niets beoordeeld in deze selectie" in other


def test_the_demo_has_a_gastouder_with_a_bemiddelingsmedewerker_and_a_bso_employee(app):
    with app.app_context():
        create_demo_data(db.session, app.extensions["course"])
        samira = db.session.scalar(select(User).where(User.email == "gastouder@voorbeeld.nl"))
        ingrid = db.session.scalar(select(User).where(User.email == "bemiddeling@voorbeeld.nl"))
        daan = db.session.scalar(select(User).where(User.email == "bso@voorbeeld.nl"))
        assert samira.setting == "gastouder" and daan.setting == "bso"
        team, role = teams.coach_of_member(db.session, ingrid, samira.id)
        assert team.organisation.kind == "gastouderbureau" and role == "Bemiddelingsmedewerker gastouderbureau"
        assert [w.learner.email for w in practice.waiting_for(db.session, ingrid)] == ["gastouder@voorbeeld.nl"]
        assert teams.has_coach(db.session, daan)
        db.session.remove()


def test_reminder_mails_name_the_setting_or_ask_for_it(app):
    import email
    from email import policy

    from course.reminders import RESUME, Planned
    from course.web.mails.reminders import message

    def text_of(setting):
        with app.app_context():
            raw = message(app, Planned(1, "lotte@voorbeeld.nl", "Lotte Smit", RESUME, "2026-01-01",
                                       {"percent": 40, "step": None, "setting": setting}))
        parsed = email.message_from_bytes(raw.data, policy=policy.default)
        return parsed.get_body(("plain",)).get_content()

    assert "passen bij je werk: buitenschoolse opvang (bso)." in text_of("bso")
    unknown = text_of(None)
    # The link uses the configured BASE_URL (a live server in the same run may have set it).
    assert "Vertel op je accountpagina waar je werkt" in unknown and f"{app.config['BASE_URL']}/account/" in unknown


def test_retention_erases_old_plans_and_observation_texts(app, make_user, make_team):
    learner = make_user(name="Lotte Smit", email="lotte@voorbeeld.nl")
    coach = make_user(name="Coach Carla", email="coach@voorbeeld.nl")
    appoint(app, make_team("Team A", members=[learner]), coach)
    module = app.extensions["course"].module(MODULE)
    old = utcnow() - timedelta(days=400)
    with app.app_context():
        db.session.add(PracticePlan(user_id=learner, module_slug=MODULE, answers={"momenten": "Plan"}, saved_at=old))
        practice.observe(db.session, db.session.get(User, coach), learner, module, PINNED.date(),
                         "Kind A zocht troost.", ["feiten"])
        db.session.query(CoachObservation).update({"created_at": old})
        db.session.commit()
        practice.purge_expired(db.session, days=365)
        assert db.session.scalar(select(func.count()).select_from(PracticePlan)) == 0
        observation = db.session.scalar(select(CoachObservation))
        assert observation.situation == "" and observation.criteria == ["feiten"]  # the evidence's date stays
        db.session.remove()


def test_module_4_over_http_plan_then_part_two_then_sign_off(tmp_path):
    """The real course: a gastouder saves her plan, discusses it, hands in part 2; the coach signs off the whole."""
    from flask_migrate import upgrade

    from conftest import PASSWORD, make_app
    real = make_app(tmp_path, CONTENT_DIR=str(ROOT / "content"), QUIZ_DIR=str(ROOT / "quizzes"),
                    QUIZ_MIN_ITEMS_PER_LESSON=3)
    with real.app_context():
        upgrade()
        from course import accounts
        samira = accounts.register_user(db.session, name="Samira Yilmaz", email="s@voorbeeld.nl", password=PASSWORD,
                                        setting="gastouder")
        ingrid = accounts.register_user(db.session, name="Ingrid Bos", email="i@voorbeeld.nl", password=PASSWORD)
        bureau = teams.create_organisation(db.session, None, "Gastouderbureau Het Nest", kind="gastouderbureau")
        team = teams.create_team(db.session, None, db.session.get(Organisation, bureau.id), "Regio Noord")
        teams.join(db.session, team, samira)
        teams.appoint_coach(db.session, None, team, ingrid)
        module = real.extensions["course"].module("praktische-handvatten")
        db.session.remove()
    client = real.test_client()
    client.post("/inloggen", data={"csrf_token": csrf_token(client.get("/inloggen").data), "email": "s@voorbeeld.nl",
                                   "password": PASSWORD})
    url = "/cursus/praktische-handvatten/praktijkopdracht"
    page = client.get(url).get_data(as_text=True)
    assert "Deel 1: je plan" in page and "Plan bewaren" in page and 'name="verloop"' not in page
    assert "Wat adviseerde je bemiddelingsmedewerker?" in page  # the gastouder's hint
    plan = {f.id: f"Mijn plan bij: {f.label}" for f in module.assignment.fields if f.part == 1}
    empty = client.post(url, data={**plan, "besproken": "", "deel": "1", "csrf_token": csrf_token(page)})
    assert empty.status_code == 422 and "Vul dit antwoord in" in empty.get_data(as_text=True)
    saved = client.post(url, data={**plan, "deel": "1", "csrf_token": csrf_token(page)})
    assert saved.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Plan bewaard" in page and "Deel 2: na het gesprek" in page and 'name="verloop"' in page
    assert 'name="opening"' not in page and "Plan aanpassen" in page
    done = client.post(url, data={"verloop": "De ouder vertelde veel.", "anders": "Langer stil zijn.",
                                  "csrf_token": csrf_token(page)})
    assert done.status_code == 302
    client.post("/uitloggen", data={"csrf_token": csrf_token(client.get("/cursus/").data)})
    client.post("/inloggen", data={"csrf_token": csrf_token(client.get("/inloggen").data), "email": "i@voorbeeld.nl",
                                   "password": PASSWORD})
    with real.app_context():
        submission_id = db.session.scalar(select(PracticeSubmission.id))
    review = f"/coach/inleveringen/{submission_id}"
    page = client.get(review).get_data(as_text=True)
    assert "Mijn plan bij: Hoe open je het gesprek?" in page and "De ouder vertelde veel." in page
    marks = {f"oordeel-{c.id}": "voldoende" for c in module.assignment.criteria}
    assert client.post(review, data={**marks, "feedback": "Goed voorbereid en eerlijk teruggekeken.",
                                     "sign_off": "Aftekenen", "csrf_token": csrf_token(page)}).status_code == 302
    with real.app_context():
        certificate = db.session.scalar(select(Certificate))
        assert certificate.signer == "Ingrid Bos, bemiddelingsmedewerker gastouderbureau"
        assert len(certificate.goals) == 5 and db.session.scalar(select(func.count()).select_from(PracticePlan)) == 0
        db.session.remove()
        db.engine.dispose()
