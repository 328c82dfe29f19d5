"""Practice questions at the end of a lesson (issue 23, point 5), and what a certificate says was measured (point 6)."""
import io
import shutil

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from course.catalog import ContentError, load_catalog
from course.certificates import render_pdf
from course.certificates.pdf import CertificateData
from course.extensions import db
from course.models import Certificate, ExerciseResult, PracticeSubmission

from conftest import FIXTURES, complete_module, csrf_token

LESSON = "/cursus/eerste-module/les-1"
ANSWER = LESSON + "/oefenvraag/oef-troost"


def results(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(ExerciseResult.id)))


def post(client, url, data, **kwargs):
    token = csrf_token(client.get(LESSON).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


# ----- the catalog -----

def test_each_lesson_gets_its_practice_questions_and_a_module_without_a_file_has_none(course):
    first, second = course.modules
    assert [len(lesson.exercises) for lesson in first.lessons] == [2, 2, 2]
    assert all(not lesson.exercises for lesson in second.lessons)
    assert first.lessons[0].exercise("oef-troost").type_name == "single"
    assert not any(q.id.startswith("oef-") for q in first.quiz.questions)  # separate from the exam bank


@pytest.mark.parametrize("change, message", [
    (lambda t: t.replace("id: oef-troost", "id: troost"), "begint met 'oef-'"),
    (lambda t: t.replace("id: oef-noteren", "id: enkel"), "staat ook in de toetsbank"),
    (lambda t: t.replace("lesson: les-3\n    question: Met wie", "lesson: les-9\n    question: Met wie"),
     "les 'les-9' bestaat niet"),
    (lambda t: t.replace("correct: true, feedback: Goed. Een kind", "feedback: Goed. Een kind"),
     "precies één optie"),
    (lambda t: t + "blueprint: {les-1: 1}\n", "onbekende velden: blueprint"),
])
def test_practice_files_are_checked_like_the_bank(tmp_path, change, message):
    quizzes = tmp_path / "quizzes"
    shutil.copytree(FIXTURES / "quizzes", quizzes)
    path = quizzes / "oefenen" / "01-eerste-module.yml"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_catalog(FIXTURES / "content", quizzes, min_items_per_lesson=1)
    assert any(message in p and "oefenen/01-eerste-module.yml" in p for p in error.value.problems), error.value.problems


def test_a_lesson_with_one_practice_question_is_refused(tmp_path):
    quizzes = tmp_path / "quizzes"
    shutil.copytree(FIXTURES / "quizzes", quizzes)
    path = quizzes / "oefenen" / "01-eerste-module.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("  - id: oef-bespreken")], encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_catalog(FIXTURES / "content", quizzes, min_items_per_lesson=1)
    assert any("les 'les-3' heeft 1 oefenvragen" in p for p in error.value.problems)


# ----- the lesson page -----

def test_the_lesson_shows_its_practice_questions_before_the_reflection(client, learner):
    html = client.get(LESSON).get_data(as_text=True)
    assert html.index('id="oefenvragen"') < html.index('id="reflectie"')
    assert "Oefenvraag 1" in html and "Oefenvraag 2" in html and "tellen niet mee" in html
    assert "Goed. Een kind dat troost zoekt" not in html  # no feedback before an answer


def test_without_javascript_a_form_post_shows_the_key_and_all_feedback(client, app, learner):
    response = post(client, ANSWER, {"q-oef-troost": "b"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/les-1#oefen-oef-troost")
    html = client.get(LESSON).get_data(as_text=True)
    assert "Niet goed." in html and "juist antwoord" in html
    assert "Dan blijft ze alleen met haar schrik" in html  # why the chosen option does not fit
    assert "Goed. Een kind dat troost zoekt" in html  # and the key's feedback, at once
    assert "Afleiden slaat de troost over" in html  # and why the option not chosen does not fit either
    assert results(app) == 1
    post(client, ANSWER, {"q-oef-troost": "a"})
    assert results(app) == 1  # the last answer is kept, one row per question
    assert "Goed!" in client.get(LESSON).get_data(as_text=True)


def test_with_javascript_the_post_answers_with_the_question_html(client, app, learner):
    response = post(client, ANSWER, {"q-oef-troost": "a"}, headers={"Accept": "application/json"})
    data = response.get_json()
    assert response.status_code == 200 and data["correct"] is True
    assert 'id="oefen-oef-troost"' in data["html"] and "juist antwoord" in data["html"]


def test_the_shared_lesson_page_never_shows_one_learners_answers_to_another(client, app, learner, make_user, auth):
    post(client, ANSWER, {"q-oef-troost": "b"})
    assert "Niet goed." in client.get(LESSON).get_data(as_text=True)
    make_user(email="ander@voorbeeld.nl")
    auth.logout()
    auth.login("ander@voorbeeld.nl")
    html = client.get(LESSON).get_data(as_text=True)
    assert "Niet goed." not in html and "Dan blijft ze alleen" not in html


def test_the_overview_counts_right_practice_answers_per_lesson(client, learner):
    post(client, ANSWER, {"q-oef-troost": "a"})
    post(client, LESSON + "/oefenvraag/oef-signalen", {"q-oef-signalen": ["a", "c"]})
    html = client.get("/cursus/").get_data(as_text=True)
    assert html.count("oefenvragen: 1 van 2 goed") == 1 and "oefenvragen: 0 van" not in html  # untried: no line
    post(client, LESSON + "/oefenvraag/oef-signalen", {"q-oef-signalen": ["a", "b"]})
    assert "oefenvragen: 2 van 2 goed" in client.get("/cursus/").get_data(as_text=True)


@pytest.mark.parametrize("data, status, message", [
    ({}, 422, "Kies eerst een antwoord"),
    ({"q-oef-troost": "z"}, 422, "Dit antwoord kan niet"),
    ({"q-oef-troost": ["a", "b"]}, 422, "Dit antwoord kan niet"),
    ({"q-oef-signalen": "a"}, 422, "hoort niet bij deze oefenvraag"),
])
def test_bad_practice_answers_get_a_dutch_message_and_store_nothing(client, app, learner, data, status, message):
    response = post(client, ANSWER, data)
    assert response.status_code == status and message in response.get_data(as_text=True)
    as_json = post(client, ANSWER, data, headers={"Accept": "application/json"})
    assert as_json.status_code == status and message in as_json.get_json()["problem"]
    assert results(app) == 0


def test_an_unknown_question_or_a_stale_form_stores_nothing(client, app, learner):
    assert post(client, LESSON + "/oefenvraag/oef-bestaat-niet", {"q-oef-bestaat-niet": "a"}).status_code == 404
    missing = post(client, LESSON + "/oefenvraag/oef-bestaat-niet", {}, headers={"Accept": "application/json"})
    assert missing.status_code == 404 and "bestaat niet" in missing.get_json()["problem"]
    stale = client.post(ANSWER, data={"csrf_token": "verlopen", "q-oef-troost": "a"})
    assert 400 <= stale.status_code < 500
    assert results(app) == 0


def test_practice_answers_do_not_count_toward_the_quiz(client, app, learner):
    post(client, ANSWER, {"q-oef-troost": "a"})
    assert "quiz gehaald" not in client.get("/cursus/").get_data(as_text=True)


# ----- the certificate says what was measured -----

def pdf_text(data: CertificateData) -> str:
    return PdfReader(io.BytesIO(render_pdf(data, "http://localhost"))).pages[0].extract_text()


def test_a_new_module_certificate_says_the_knowledge_test_was_passed_with_score_and_date(app, make_user):
    user_id = make_user()
    complete_module(app, user_id)
    with app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.scope == "eerste-module"))
        assert certificate.quiz_score == 100.0
        text = pdf_text(CertificateData.of(certificate))
    assert "heeft de kennistoets behaald" in text and "met een score van 100%" in text
    assert "Kennistoets behaald op" in text


def test_an_earlier_certificate_keeps_what_it_said(app, make_user):
    user_id = make_user()
    complete_module(app, user_id)
    with app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.scope == "eerste-module"))
        certificate.quiz_score = None  # as every certificate issued before this change
        db.session.commit()
        text = pdf_text(CertificateData.of(certificate))
    assert "met goed gevolg heeft afgerond" in text and "kennistoets" not in text


@pytest.mark.parametrize("signed, wording", [(True, "Het praktijkdeel is afgetekend"),
                                             (False, "Het praktijkdeel is nog niet afgetekend")])
def test_the_course_certificate_says_whether_the_practice_part_is_signed_off(app, make_user, signed, wording):
    user_id = make_user()
    if signed:
        with app.app_context():
            db.session.add(PracticeSubmission(user_id=user_id, module_slug="eerste-module", status="afgetekend",
                                              answers={}))
            db.session.commit()
    complete_module(app, user_id, "eerste-module")
    complete_module(app, user_id, "tweede-module")
    with app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.scope == Certificate.COURSE_SCOPE))
        assert certificate.practice_signed is signed
        text = pdf_text(CertificateData.of(certificate))
    assert wording in text.replace("\n", " ")


def test_practice_answers_are_in_the_data_export_and_go_with_the_account(client, app, learner):
    from course import accounts
    from course.models import User
    post(client, ANSWER, {"q-oef-troost": "b"})
    with app.app_context():
        user = db.session.get(User, learner)
        exported = accounts.export_data(db.session, user)["oefenvragen"]
        assert exported == [{"module": "eerste-module", "les": "les-1", "vraag": "oef-troost", "antwoord": "b",
                             "punten": 0.0, "datum": exported[0]["datum"]}]
        accounts.delete_account(db.session, user, keep_name_on_certificates=False)
        db.session.remove()
    assert results(app) == 0
