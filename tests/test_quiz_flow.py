"""The quiz flow over HTTP: unlock, draw, save, submit once, review, retake, complete the module."""
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import ModuleCompletion, QuizAttempt

from conftest import RIGHT, WRONG, answers, csrf_token, drawn_ids, finish_lessons, submit

MODULE = "eerste-module"


def start(client) -> str:
    token = csrf_token(client.get(f"/cursus/{MODULE}/quiz/").get_data(as_text=True))
    response = client.post(f"/cursus/{MODULE}/quiz/start", data={"csrf_token": token})
    assert response.status_code == 302
    return response.headers["Location"]


def attempts_count(app, submitted=None):
    with app.app_context():
        query = select(func.count(QuizAttempt.id))
        if submitted is True:
            query = query.where(QuizAttempt.submitted_at.is_not(None))
        return db.session.scalar(query)


def completions(app):
    with app.app_context():
        return db.session.scalar(select(func.count(ModuleCompletion.id)))


@pytest.fixture
def attempt_url(client, learner):
    finish_lessons(client)
    return start(client)


def test_quiz_is_locked_until_lessons_are_done(client, app, learner):
    html = client.get(f"/cursus/{MODULE}/quiz/").get_data(as_text=True)
    assert "De quiz gaat open als je alle lessen" in html
    token = csrf_token(html)
    response = client.post(f"/cursus/{MODULE}/quiz/start", data={"csrf_token": token}, follow_redirects=True)
    assert "De quiz gaat open als je alle lessen" in response.get_data(as_text=True)
    assert attempts_count(app) == 0


def test_attempt_draws_and_reload_shows_the_same(client, attempt_url):
    first = client.get(attempt_url).get_data(as_text=True)
    ids = drawn_ids(first)
    assert len(ids) == 4
    assert drawn_ids(client.get(attempt_url).get_data(as_text=True)) == ids
    assert start(client) == attempt_url  # starting again resumes the open attempt


def test_answer_key_never_reaches_the_browser(client, attempt_url):
    html = client.get(attempt_url).get_data(as_text=True)
    for secret in ("correct", "Goed, hij zoekt geen troost", "Troost zoeken is veilig", "Eerst in kaart brengen",
                   "Nee, jij signaleert"):
        assert secret not in html


class _Shown(HTMLParser):
    """What the quiz page shows as chosen: per field, the values of checked inputs and selected options,
    and per field the values in the order they are shown."""

    def __init__(self):
        super().__init__()
        self.chosen, self.shown, self._select = {}, {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name", "").startswith("q-"):
            self.shown.setdefault(a["name"], []).append(a["value"])
            if "checked" in a:
                self.chosen.setdefault(a["name"], []).append(a["value"])
        elif tag == "select" and a.get("name", "").startswith("q-"):
            self._select = a["name"]
        elif tag == "option" and self._select and a.get("value"):
            self.shown.setdefault(self._select, []).append(a["value"])
            if "selected" in a:
                self.chosen.setdefault(self._select, []).append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def shown_answers(html: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    parser = _Shown()
    parser.feed(html)
    return {name: sorted(values) for name, values in parser.chosen.items()}, parser.shown


def not_the_first(shown: dict[str, list[str]]) -> dict[str, list[str]]:
    """An answer for every drawn question that avoids the option shown first wherever it can: a page that
    restores answers as "the first option" then fails. Single: the last option; multiple: all but the first;
    classify: each item the category after the first; order: the places reversed."""
    data = {}
    for name, values in shown.items():
        qid = name[2:].split("-")[0]
        if qid in ("enkel", "extra"):
            data[name] = [values[-1]]
        elif qid == "meer":
            data[name] = sorted(values[1:])
        elif qid == "sorteer":
            data[name] = [values[1]]
    order = [name for name in shown if name.startswith("q-volgorde-")]
    for place, name in enumerate(reversed(order), start=1):
        data[name] = [str(place)]
    return data


@pytest.mark.parametrize("how", ["stoppen", "autosave"])
def test_a_resumed_attempt_shows_every_answer_as_given(client, auth, attempt_url, how):
    """Every question type comes back with exactly the options chosen, not merely "something checked"."""
    html = client.get(attempt_url).get_data(as_text=True)
    ids = drawn_ids(html)
    chosen, shown = shown_answers(html)
    assert chosen == {}
    given = not_the_first(shown)
    assert {name[2:].split("-")[0] for name in given} == set(ids)  # every drawn question answered
    if how == "stoppen":
        response = submit(client, attempt_url, given, action="stoppen")
        assert response.status_code == 302 and response.headers["Location"].endswith("/quiz/")
    else:
        response = client.post(attempt_url + "/opslaan", data={**given, "csrf_token": csrf_token(html)})
        assert response.get_json() == {"saved": True, "answered": len(ids), "total": len(ids)}
    auth.logout()
    auth.login("leerling@voorbeeld.nl")
    assert start(client) == attempt_url
    html = client.get(attempt_url).get_data(as_text=True)
    assert drawn_ids(html) == ids
    assert shown_answers(html)[0] == given


def test_stopping_halfway_keeps_the_answers_and_hands_nothing_in(client, app, auth, attempt_url):
    ids = drawn_ids(client.get(attempt_url).get_data(as_text=True))
    response = submit(client, attempt_url, answers(ids[:1], RIGHT), action="stoppen")
    assert response.status_code == 302
    assert attempts_count(app, submitted=True) == 0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Je antwoorden zijn bewaard" in page and "Ga verder met je poging" in page
    html = client.get(attempt_url).get_data(as_text=True)
    assert shown_answers(html)[0] == {name: sorted(v if isinstance(v, list) else [v])
                                      for name, v in answers(ids[:1], RIGHT).items()}
    # Coming back to a half-done attempt: the phone opens at the first question without an answer.
    assert 'data-first-open="vraag-2"' in html


def test_autosave_keeps_each_answer_and_counts_them(client, app, attempt_url):
    html = client.get(attempt_url).get_data(as_text=True)
    ids = drawn_ids(html)
    assert f"0 van {len(ids)} beantwoord" in html
    save_url = attempt_url + "/opslaan"
    response = client.post(save_url, data={**answers(ids[:2], RIGHT), "csrf_token": csrf_token(html)})
    assert response.status_code == 200
    assert response.get_json() == {"saved": True, "answered": 2, "total": len(ids)}
    html = client.get(attempt_url).get_data(as_text=True)  # leaving and coming back
    assert f"2 van {len(ids)} beantwoord" in html
    assert shown_answers(html)[0] == {name: sorted(v if isinstance(v, list) else [v])
                                      for name, v in answers(ids[:2], RIGHT).items()}
    # Without a token nothing is saved; a question from elsewhere is refused.
    assert client.post(save_url, data=answers(ids, RIGHT)).status_code == 400
    assert client.post(save_url, data={"q-vreemd": "a", "csrf_token": csrf_token(html)}).status_code == 400
    assert f"2 van {len(ids)} beantwoord" in client.get(attempt_url).get_data(as_text=True)


def test_autosave_after_handing_in_changes_nothing(client, app, attempt_url):
    html = client.get(attempt_url).get_data(as_text=True)
    ids = drawn_ids(html)
    submit(client, attempt_url, answers(ids, RIGHT))
    response = client.post(attempt_url + "/opslaan", data={**answers(ids, WRONG), "csrf_token": csrf_token(html)})
    assert response.status_code == 409 and response.get_json()["saved"] is False
    assert "100%" in client.get(attempt_url + "/uitslag").get_data(as_text=True)


def test_one_main_button_and_a_plain_way_to_stop(client, attempt_url):
    """"Inleveren" is the only filled button; stopping is a plain link-like button, not a second main one."""
    html = client.get(attempt_url).get_data(as_text=True)
    assert re.search(r'class="button" data-submit>Inleveren<', html)
    assert re.search(r'name="actie" value="stoppen" class="link-button stop-link" data-stop>Stoppen, later verder<', html)
    assert "Bewaren" not in html
    ids = drawn_ids(html)
    client.post(attempt_url + "/opslaan", data={**answers(ids, RIGHT), "csrf_token": csrf_token(html)})
    html = client.get(attempt_url).get_data(as_text=True)
    assert len(re.findall(r'class="button[" ]', html)) == 1  # still one, also when everything is answered


def test_pass_completes_module_and_shows_feedback(client, app, attempt_url):
    ids = drawn_ids(client.get(attempt_url).get_data(as_text=True))
    response = submit(client, attempt_url, answers(ids, RIGHT))
    assert response.status_code == 302 and response.headers["Location"].endswith("/uitslag")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "4 van 4 goed (100%)" in html and "Geslaagd!" in html
    assert "Lees het na in de les" in html
    assert completions(app) == 1
    overview = client.get("/cursus/").get_data(as_text=True)
    assert "Afgerond" in overview and "afgerond op" in overview
    with app.app_context():  # the new certificate's PDF is stored at once, for managers' ZIPs
        from course.models import Certificate, CertificatePdf
        assert db.session.scalar(select(func.count()).select_from(CertificatePdf).join(
            Certificate, Certificate.id == CertificatePdf.certificate_id)) == 1
        from course.models import OpenBadge  # and its Open Badge is signed at issue, frozen from then on
        assert db.session.scalar(select(func.count()).select_from(OpenBadge)) == 1


def test_fail_review_and_retake_with_fresh_draw(client, app, attempt_url):
    ids = drawn_ids(client.get(attempt_url).get_data(as_text=True))
    response = submit(client, attempt_url, answers(ids, RIGHT, wrong=ids[:2]))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nog niet geslaagd." in html
    # The policy: after failing, what the learner chose and whether it was right, never the key.
    assert "jouw keuze" in html or "Jouw indeling" in html or "Jouw volgorde" in html
    for key_text in ("juist antwoord", "Juiste volgorde", '<th scope="col">Juist</th>',
                     "Eerst in kaart brengen, dan overleggen"):
        assert key_text not in html
    assert "Het juiste antwoord zie je pas als je geslaagd bent" in html
    assert completions(app) == 0
    # The next attempt opens once the lessons to reread are opened again (tests/test_retakes.py has the rules).
    assert ">Nieuwe poging</button>" not in html
    for slug in re.findall(rf'<li><a href="/cursus/{MODULE}/([a-z0-9-]+)">', html):
        client.get(f"/cursus/{MODULE}/{slug}")
    second = start(client)
    assert second != attempt_url
    ids2 = drawn_ids(client.get(second).get_data(as_text=True))
    assert ids2[-1] != ids[-1]  # lesson 3 has an item the learner has not had yet: the new attempt draws it
    submit(client, second, answers(ids2, RIGHT))
    assert completions(app) == 1
    page = client.get(f"/cursus/{MODULE}/quiz/").get_data(as_text=True)
    assert "Beste score: <strong>100%</strong>" in page and "Niet geslaagd" in page


def test_failed_result_names_the_lessons_to_reread_and_opens_the_wrong_questions(client, app, attempt_url):
    ids = drawn_ids(client.get(attempt_url).get_data(as_text=True))
    response = submit(client, attempt_url, answers(ids, RIGHT, wrong=ids[:2]))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r"2 van 4 goed \(50%\)</strong> · je hebt \d+% nodig", html)
    reread = re.search(r'<ol class="reread">(.*?)</ol>', html, re.S)[1]
    assert re.search(r">Les \d van module 1</a> \(\d fout(en)?\)", reread)  # by title, with the count
    assert sum(int(n) for n in re.findall(r"\((\d) fout", reread)) == 2
    assert html.count("<details open>") == 2 and html.count("<details >") == 2
    assert html.count("Lees na: Les ") == 2  # the main button, at the top and at the bottom
    assert "juist antwoord" not in html  # the policy still holds: no key after failing


def test_passed_result_offers_the_certificate_and_the_next_module(client, app, attempt_url):
    ids = drawn_ids(client.get(attempt_url).get_data(as_text=True))
    response = submit(client, attempt_url, answers(ids, RIGHT))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Download je certificaat" in html and "Begin met module 2" in html
    assert "Nieuwe poging" not in html and "Lees dit na" not in html
    assert html.count("<details >") == 4


def test_double_submit_grades_once(client, app, attempt_url):
    ids = drawn_ids(client.get(attempt_url).get_data(as_text=True))
    token = csrf_token(client.get(attempt_url).get_data(as_text=True))
    data = {**answers(ids, RIGHT), "csrf_token": token, "actie": "inleveren"}
    first = client.post(attempt_url, data=data)
    second = client.post(attempt_url, data={**answers(ids, RIGHT, wrong=ids), "csrf_token": token,
                                            "actie": "inleveren"})
    assert first.status_code == second.status_code == 302
    assert attempts_count(app, submitted=True) == 1
    html = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "4 van 4 goed (100%)" in html
    assert completions(app) == 1


def test_partial_submit_needs_confirmation_naming_questions(client, app, attempt_url):
    ids = drawn_ids(client.get(attempt_url).get_data(as_text=True))
    response = submit(client, attempt_url, answers(ids[:2], RIGHT))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#vraag-3">3</a> en <a href="#vraag-4">4</a>' in html
    assert "Toch inleveren" in html
    assert attempts_count(app, submitted=True) == 0
    response = submit(client, attempt_url, answers(ids[:2], RIGHT), action="toch-inleveren")
    assert response.status_code == 302 and attempts_count(app, submitted=True) == 1


@pytest.mark.parametrize("tamper", [
    {"q-bestaat-niet": "a"},
    {"q-enkel": "zz", "q-meer": "zz", "q-extra": "zz", "q-sorteer-troost": "zz", "q-volgorde-een": "9"},
])
def test_tampered_answers_get_a_message_and_no_credit(client, app, attempt_url, tamper):
    response = submit(client, attempt_url, tamper)
    assert response.status_code == 422
    assert "Je antwoorden passen niet bij deze poging" in response.get_data(as_text=True)
    assert attempts_count(app, submitted=True) == 0


def test_question_not_in_this_attempt_is_refused(client, app, attempt_url):
    ids = drawn_ids(client.get(attempt_url).get_data(as_text=True))
    outsider = next(q for q in RIGHT if q not in ids)
    response = submit(client, attempt_url, {**answers(ids, RIGHT), **RIGHT[outsider]})
    assert response.status_code == 422 and attempts_count(app, submitted=True) == 0


def test_someone_elses_attempt_is_404(client, auth, make_user, attempt_url):
    auth.logout()
    make_user(email="ander@voorbeeld.nl")
    auth.login("ander@voorbeeld.nl")
    assert client.get(attempt_url).status_code == 404
    token = csrf_token(client.get("/cursus/").get_data(as_text=True))
    assert client.post(attempt_url, data={"csrf_token": token, "q-enkel": "a"}).status_code == 404
    assert client.get(attempt_url + "/uitslag").status_code == 404


def test_attempt_of_other_module_url_is_404(client, attempt_url):
    assert client.get(attempt_url.replace(MODULE, "tweede-module")).status_code == 404


def test_submit_without_csrf_keeps_answers(client, app, attempt_url):
    ids = drawn_ids(client.get(attempt_url).get_data(as_text=True))
    response = client.post(attempt_url, data={**answers(ids, RIGHT), "actie": "inleveren"})
    assert response.status_code == 422
    assert "De pagina was verlopen" in response.get_data(as_text=True)
    assert attempts_count(app, submitted=True) == 0


def test_past_result_is_frozen_when_the_quiz_changes(client, app, attempt_url):
    ids = drawn_ids(client.get(attempt_url).get_data(as_text=True))
    submit(client, attempt_url, answers(ids, RIGHT))
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt))
        score, results, quiz_hash = attempt.score, attempt.results, attempt.quiz_hash
    # Replace the quiz in memory by a version where every key is different.
    from dataclasses import replace
    course = app.extensions["course"]
    module = course.module(MODULE)
    edited = replace(module.quiz, content_hash="anders", questions=module.quiz.questions[::-1])
    app.extensions["course"] = replace(course, modules=(replace(module, quiz=edited), *course.modules[1:]))
    try:
        html = client.get(attempt_url + "/uitslag").get_data(as_text=True)
        assert "4 van 4 goed (100%)" in html
    finally:
        app.extensions["course"] = course
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt))
        assert (attempt.score, attempt.results, attempt.quiz_hash) == (score, results, quiz_hash)


def test_unknown_quiz_is_404(client, learner):
    assert client.get("/cursus/nergens/quiz/").status_code == 404


def test_a_blank_attempt_is_no_free_look_at_the_key(client, app, attempt_url):
    token = csrf_token(client.get(attempt_url).get_data(as_text=True))
    response = client.post(attempt_url, data={"csrf_token": token, "actie": "toch-inleveren"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nog niet geslaagd." in html and html.count("niet beantwoord") == 4
    for key_text in ("juist antwoord", "jouw keuze", "Vermijdend", "Opmerken", "Een getrainde professional",
                     "Signalen in kaart brengen", "Zoekt troost", "Eerst in kaart brengen"):
        assert key_text not in html, key_text
    assert "Lees het na in de les" in html


def test_the_quiz_page_states_the_scoring_and_review_policy(client, attempt_url):
    page = client.get(f"/cursus/{MODULE}/quiz/").get_data(as_text=True)
    assert "Gokken loont dus niet" in page and "niet het juiste antwoord" in page
