"""Course overview, lessons, progress and the pages around them."""

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import LessonProgress

from conftest import csrf_token


def mark_done(client, module: str, lesson: str):
    token = csrf_token(client.get(f"/cursus/{module}/{lesson}").get_data(as_text=True))
    return client.post(f"/cursus/{module}/{lesson}/afgerond", data={"csrf_token": token})


def progress_rows(app, user_id=None) -> int:
    with app.app_context():
        query = select(func.count(LessonProgress.id))
        if user_id:
            query = query.where(LessonProgress.user_id == user_id)
        return db.session.scalar(query)


def test_overview_lists_modules_lessons_minutes_and_progress(client, learner):
    html = client.get("/cursus/").get_data(as_text=True)
    assert "Module 1: Module 1 van de test" in html and "Module 2: Module 2 van de test" in html
    assert "Les 3 van module 2" in html and "15 min" in html
    assert 'aria-label="Hele cursus: 0% klaar"' in html
    assert "Begin met de cursus" in html


def test_lesson_page_shows_position_goals_and_navigation(client, learner):
    html = client.get("/cursus/eerste-module/les-2").get_data(as_text=True)
    assert "Les 2 van 3" in html
    assert "Je kunt doel 2 noemen." in html
    assert 'rel="prev" href="/cursus/eerste-module/les-1"' in html
    assert 'rel="next" href="/cursus/eerste-module/les-3"' in html
    assert "<table>" in html and "admonition praktijk" in html


def test_marking_done_moves_on_and_is_recorded_once(client, app, learner):
    response = mark_done(client, "eerste-module", "les-1")
    assert response.headers["Location"] == "/cursus/eerste-module/les-2"
    for _ in range(3):
        mark_done(client, "eerste-module", "les-1")
    assert progress_rows(app) == 1


def test_last_lesson_of_module_returns_to_module_page(client, learner):
    response = mark_done(client, "eerste-module", "les-3")
    assert response.headers["Location"] == "/cursus/eerste-module/"


def test_one_button_records_the_lesson_and_names_what_comes_next(client, learner):
    html = client.get("/cursus/eerste-module/les-1").get_data(as_text=True)
    assert "Klaar, naar les 2: " in html and "Volgende:" not in html
    response = mark_done(client, "eerste-module", "les-1")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Les 1 afgerond · nog 2 lessen tot de quiz" in html
    assert "← Vorige" in html
    assert "Klaar, naar de quiz" in client.get("/cursus/eerste-module/les-3").get_data(as_text=True)


def test_last_lesson_with_all_read_opens_the_quiz(client, learner):
    mark_done(client, "eerste-module", "les-1")
    mark_done(client, "eerste-module", "les-2")
    response = mark_done(client, "eerste-module", "les-3")
    assert response.headers["Location"] == "/cursus/eerste-module/quiz/"
    assert "nu de quiz" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_module_page_says_why_the_quiz_is_locked_and_offers_the_way_on(client, learner):
    html = client.get("/cursus/eerste-module/").get_data(as_text=True)
    assert "Begin met les 1: " in html
    assert "De quiz gaat open als je alle lessen hebt afgerond." in html and "les 1, les 2, les 3" in html
    assert "Naar de quiz" not in html
    mark_done(client, "eerste-module", "les-1")
    html = client.get("/cursus/eerste-module/").get_data(as_text=True)
    assert "Verder met les 2: " in html and "les 2, les 3." in html


def test_done_without_csrf_records_nothing(client, app, learner):
    response = client.post("/cursus/eerste-module/les-1/afgerond", data={})
    assert response.status_code == 302
    assert progress_rows(app) == 0


def test_resume_opens_first_unfinished_lesson(client, learner):
    assert client.get("/cursus/verder").headers["Location"] == "/cursus/eerste-module/les-1"
    mark_done(client, "eerste-module", "les-1")
    mark_done(client, "eerste-module", "les-2")
    assert client.get("/cursus/verder").headers["Location"] == "/cursus/eerste-module/les-3"
    html = client.get("/cursus/").get_data(as_text=True)
    assert "Verder leren" in html and "Les 3 van module 1" in html


def test_after_the_lessons_the_quiz_is_the_next_step(client, app, learner):
    """All lessons of module 1 read, quiz open: home, overview and 'Verder leren' lead to that quiz."""
    for lesson in ("les-1", "les-2", "les-3"):
        mark_done(client, "eerste-module", lesson)
    quiz = "/cursus/eerste-module/quiz/"
    assert client.get("/cursus/verder").headers["Location"] == quiz
    for url in ("/", "/cursus/"):
        html = client.get(url).get_data(as_text=True)
        assert f'<a class="button" href="{quiz}">Verder met de quiz van module 1</a>' in html, url
    # Reading on in module 2 first does not hide the quiz: it stays the next step, in course order.
    mark_done(client, "tweede-module", "les-1")
    assert client.get("/cursus/verder").headers["Location"] == quiz


def test_after_the_quiz_the_next_module_follows(client, app, learner):
    from conftest import complete_module
    complete_module(app, learner)
    assert client.get("/cursus/verder").headers["Location"] == "/cursus/tweede-module/les-1"
    html = client.get("/").get_data(as_text=True)
    assert "Verder leren" in html and "Verder met de quiz" not in html
    complete_module(app, learner, "tweede-module")
    assert client.get("/cursus/verder").headers["Location"] == "/cursus/"
    for url in ("/", "/cursus/"):
        assert "Je hebt de hele cursus afgerond" in client.get(url).get_data(as_text=True), url


def test_progress_survives_a_new_app(client, app, learner, tmp_path):
    mark_done(client, "eerste-module", "les-1")
    from conftest import make_app
    # A restart: a new app object with its own engine on the same database.
    fresh = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        assert progress_rows(fresh, learner) == 1
        fresh_client = fresh.test_client()
        token = csrf_token(fresh_client.get("/inloggen").get_data(as_text=True))
        fresh_client.post("/inloggen", data={"email": "leerling@voorbeeld.nl", "password": "een-lang-wachtwoord",
                                             "csrf_token": token})
        assert fresh_client.get("/cursus/verder").headers["Location"] == "/cursus/eerste-module/les-2"
    finally:
        with fresh.app_context():
            db.engine.dispose()


def test_learner_sees_only_own_progress(client, auth, make_user, learner):
    mark_done(client, "eerste-module", "les-1")
    auth.logout()
    make_user(email="ander@voorbeeld.nl")
    auth.login("ander@voorbeeld.nl")
    html = client.get("/cursus/").get_data(as_text=True)
    assert 'aria-label="Hele cursus: 0% klaar"' in html
    assert client.get("/cursus/verder").headers["Location"] == "/cursus/eerste-module/les-1"


@pytest.mark.parametrize("url", ["/cursus/bestaat-niet/", "/cursus/eerste-module/bestaat-niet",
                                 "/cursus/bestaat-niet/les-1", "/pagina-die-er-niet-is"])
def test_unknown_pages_give_dutch_404_with_way_back(client, learner, url):
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Pagina niet gevonden" in html and 'href="/cursus/"' in html


def test_unknown_lesson_done_is_404(client, learner):
    token = csrf_token(client.get("/cursus/").get_data(as_text=True))
    assert client.post("/cursus/eerste-module/nope/afgerond", data={"csrf_token": token}).status_code == 404


def test_wrong_method_is_dutch(client, learner):
    response = client.get("/uitloggen")
    assert response.status_code == 405 and "Dat kan hier niet" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/cursus/", "/cursus/verder", "/cursus/eerste-module/", "/cursus/eerste-module/les-1",
                                 "/begrippen", "/signalenlijst", "/account/"])
def test_course_pages_need_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen")


def test_glossary_and_signal_list(client, learner):
    html = client.get("/begrippen").get_data(as_text=True)
    assert 'id="sensitiviteit"' in html and 'id="intern-werkmodel"' in html
    html = client.get("/signalenlijst").get_data(as_text=True)
    assert "Afdrukken of opslaan als pdf" in html and "Troost zoeken" in html


def test_home_page_explains_the_course(client):
    html = client.get("/").get_data(as_text=True)
    assert "2 modules" in html and "Een certificaat per module" in html and "/registreren" in html


@pytest.mark.parametrize("url", ["/cursus/", "/cursus/eerste-module/les-2", "/cursus/eerste-module/"])
def test_pages_use_few_queries_whatever_the_progress(client, app, learner, url, count_queries):
    with count_queries() as few:
        client.get(url)
    for lesson in ("les-1", "les-2", "les-3"):
        mark_done(client, "eerste-module", lesson)
    mark_done(client, "tweede-module", "les-1")
    with count_queries() as more:
        client.get(url)
    assert few["n"] == more["n"] <= 5


def test_lesson_page_takes_at_most_two_small_queries_and_knows_what_is_done(client, app, learner, count_queries):
    """The page learners open most: the login (with the menu's flag) and this lesson's state, asked explicitly."""
    with count_queries() as before:
        html = client.get("/cursus/eerste-module/les-2").get_data(as_text=True)
    assert before["n"] <= 2 and "Je hebt deze les afgerond" not in html  # a budget: the login and the lesson state
    mark_done(client, "eerste-module", "les-2")
    with count_queries() as after:
        html = client.get("/cursus/eerste-module/les-2").get_data(as_text=True)
    assert after["n"] <= 2 and "Je hebt deze les afgerond" in html
    assert "Je hebt deze les afgerond" not in client.get("/cursus/eerste-module/les-1").get_data(as_text=True)


def test_logo_takes_a_signed_in_learner_to_the_course(client, learner):
    assert '<a class="brand" href="/cursus/">' in client.get("/cursus/eerste-module/").get_data(as_text=True)
    assert '<a class="brand" href="/cursus/">' in client.get("/cursus/eerste-module/les-1").get_data(as_text=True)


def test_logo_takes_a_visitor_to_the_public_page(client):
    assert '<a class="brand" href="/">' in client.get("/privacy").get_data(as_text=True)


def test_overview_is_a_task_list_with_only_the_current_module_open(client, learner):
    mark_done(client, "eerste-module", "les-1")
    html = client.get("/cursus/").get_data(as_text=True)
    assert html.count("<details open>") == 1 and html.count("<details >") == 1
    assert "1 van 3 lessen" in html and "0 van 3 lessen" in html
    here = html.index("Hier ga je verder")
    assert html.rindex("/cursus/eerste-module/les-2", 0, here) > html.rindex("/cursus/eerste-module/les-1", 0, here)


def test_a_manager_sees_the_team_on_the_course_page(client, app, make_user, make_team, auth):
    from datetime import date

    from course import teams
    from course.models import Team
    manager = make_user(email="leiding@voorbeeld.nl")
    team_id = make_team("De Regenboog", manager_id=manager, members=[make_user(), make_user()])
    with app.app_context():
        teams.set_target_date(db.session, None, db.session.get(Team, team_id), date(2020, 1, 31))
        db.session.remove()
    auth.login("leiding@voorbeeld.nl")
    html = client.get("/cursus/").get_data(as_text=True)
    assert "Je team" in html and "2 te laat" in html and f'href="/teams/{team_id}/"' in html
