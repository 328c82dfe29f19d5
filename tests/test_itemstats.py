"""Item statistics: facility, item-rest discrimination, option counts, flags and module figures."""
import csv
import io

import pytest

from course import attempts, itemstats
from course.extensions import db
from course.models import QuizItemResult, User

from conftest import next_attempt_time, read_all_lessons

MODULE = "eerste-module"


def take(app, user_id: int, right: set[str]) -> float:
    """One graded attempt that answers the questions in `right` correctly and the others wrongly."""
    read_all_lessons(app, user_id, MODULE)
    with app.app_context():
        course = app.extensions["course"]
        module = course.module(MODULE)
        user = db.session.get(User, user_id)
        now = next_attempt_time(db.session, user, module)
        attempt = attempts.start_attempt(db.session, user, module, now=now)
        answers = {}
        for drawn in attempts.drawn_questions(attempt, module.quiz):
            q = drawn.question
            if q.id in right:
                answers[q.id] = q.key()
            elif q.type_name == "single":
                answers[q.id] = next(o.id for o in q.options if not o.correct)
            elif q.type_name == "multiple":
                answers[q.id] = [o.id for o in q.options if not o.correct]
        done = attempts.submit_attempt(db.session, course, user, module, attempt, answers, "Org", now)
        score = done.attempt.score
        db.session.remove()
        return score


@pytest.fixture
def graded(app, make_user):
    """Twelve learners: strong ones get everything right but 'enkel', weak ones only 'enkel'."""
    strong = [make_user(name=f"Sterk {chr(65 + i)}") for i in range(6)]
    weak = [make_user(name=f"Zwak {chr(65 + i)}") for i in range(6)]
    for user_id in strong:
        take(app, user_id, {"meer", "sorteer", "volgorde", "extra"})
    for user_id in weak:
        take(app, user_id, {"enkel"})
        take(app, user_id, {"enkel", "meer", "sorteer", "volgorde", "extra"})  # passes on the second try
    return strong, weak


def stats_of(app):
    with app.app_context():
        stats = itemstats.module_stats(db.session, app.extensions["course"].module(MODULE))
        db.session.remove()
    return stats


def test_every_graded_attempt_leaves_one_row_per_question(app, graded):
    with app.app_context():
        assert db.session.query(QuizItemResult).count() == 18 * 4


def test_module_figures(app, graded):
    stats = stats_of(app)
    assert stats.attempts == 18 and stats.learners == 12
    assert stats.learners_passed == 12  # 3 of 4 right is 75%, the fixture's pass mark
    assert stats.pass_rate == pytest.approx(12 / 18)
    assert stats.attempts_to_pass == pytest.approx(1.5)  # strong learners at once, weak ones at the second try
    assert sum(stats.histogram) == 18 and stats.median is not None and stats.sd is not None


def test_item_facility_discrimination_options_and_flags(app, graded):
    items = {item.question_id: item for item in stats_of(app).items}
    enkel = items["enkel"]
    assert enkel.attempts == 18
    assert enkel.facility == pytest.approx(12 / 18)
    # Those who get the rest right got 'enkel' wrong and the other way round: a negative item-rest correlation.
    assert enkel.discrimination < 0 and "negatief onderscheidend" in enkel.flags
    chosen = {option_id: n for option_id, _, _, n in enkel.options}
    assert chosen["a"] == 12 and chosen["b"] == 6 and chosen["c"] == 0
    assert "optie c kiest niemand" in enkel.flags
    if "extra" in items and items["extra"].attempts:
        assert items["extra"].discrimination is None or items["extra"].discrimination > 0


def test_page_and_csv_for_the_administrator(app, client, graded, make_user, auth):
    make_user(email="beheer@voorbeeld.nl", is_admin=True)
    auth.login("beheer@voorbeeld.nl")
    page = client.get(f"/beheer/vragen?module={MODULE}").get_data(as_text=True)
    assert "18 (van 12 cursisten)" in page and "negatief onderscheidend" in page and "optie c kiest niemand" in page
    response = client.get("/beheer/vragen.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == itemstats.CSV_HEADER
    enkel = next(r for r in rows if r[1] == "enkel")
    assert enkel[4] == "18" and enkel[5] == "67" and "negatief onderscheidend" in enkel[8]


def test_command_writes_the_csv(app, runner, graded, tmp_path):
    target = tmp_path / "stats.csv"
    result = runner.invoke(args=["quiz", "stats", "--csv", str(target)])
    assert result.exit_code == 0, result.output
    assert "Module 1: 18 pogingen van 12 cursisten" in result.output
    assert "enkel: " in result.output and target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_empty_state(app, client, make_user, auth):
    make_user(email="beheer@voorbeeld.nl", is_admin=True)
    auth.login("beheer@voorbeeld.nl")
    page = client.get("/beheer/vragen").get_data(as_text=True)
    assert "Er zijn nog geen pogingen ingeleverd" in page


def test_reliability_is_cronbachs_alpha_of_the_drawn_items():
    from course.itemstats import ItemStats, reliability
    pair = [ItemStats(q, "les", "single", "?", 100, 0.5, None, variance=0.25) for q in ("a", "b")]
    # Two items that always agree: totals 0 or 2 of 2 (sd 50 points in percent) -> alpha 1.
    assert reliability(pair, 2, 50.0) == pytest.approx(1.0)
    # Two independent items: total variance 0.5 (sd 35.36 points) -> alpha 0.
    assert reliability(pair, 2, 50.0 * 0.5 ** 0.5) == pytest.approx(0.0, abs=1e-9)
    assert reliability(pair, 2, None) is None and reliability([], 2, 10.0) is None


def test_page_shows_kr20_and_sem_and_flags_keys_that_are_the_longest_option(app, client, graded, make_user, auth):
    stats = stats_of(app)
    assert stats.reliability is not None and -1 <= stats.reliability <= 1
    if stats.reliability >= 0:
        assert stats.sem == pytest.approx(stats.sd * (1 - stats.reliability) ** 0.5)
    items = {item.question_id: item for item in stats.items}
    assert "juiste antwoord is de langste keuze" in items["extra"].flags  # "Een getrainde professional" is longest
    assert "juiste antwoord is de langste keuze" not in items["meer"].flags  # only single-choice items
    make_user(email="beheer@voorbeeld.nl", is_admin=True)
    auth.login("beheer@voorbeeld.nl")
    html = client.get(f"/beheer/vragen?module={MODULE}").get_data(as_text=True)
    assert "Betrouwbaarheid (KR-20)" in html and "Meetfout (SEM)" in html
    assert "Hoe goed de vragen samen hetzelfde meten" in html and "juiste antwoord is de langste keuze" in html
