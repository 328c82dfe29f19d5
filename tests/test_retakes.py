"""Retakes that teach, not leak (issue 23, point 4): reread first, then wait; a fresh draw; stuck in the team table.

The clock is pinned through the app's CLOCK setting, so the waits are tested to the minute.
"""
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import QuizAttempt, QuizReread

from conftest import RIGHT, answers, csrf_token, drawn_ids, finish_lessons, submit

MODULE = "eerste-module"

START = datetime(2026, 12, 7, 9, 0)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(app, monkeypatch):
    pinned = Clock(START)
    monkeypatch.setitem(app.config, "CLOCK", pinned)
    monkeypatch.setitem(app.config, "QUIZ_RETAKE_WAIT_MINUTES", 60)
    return pinned


def try_start(client):
    token = csrf_token(client.get(f"/cursus/{MODULE}/quiz/").get_data(as_text=True))
    return client.post(f"/cursus/{MODULE}/quiz/start", data={"csrf_token": token})


def attempts_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(QuizAttempt.id)))


def fail_once(client, clock) -> str:
    """Start (the rule must allow it), answer everything wrong, hand in; returns the result page."""
    response = try_start(client)
    assert response.status_code == 302 and "/poging/" in response.headers["Location"], "the attempt should open"
    url = response.headers["Location"]
    ids = drawn_ids(client.get(url).get_data(as_text=True))
    done = submit(client, url, answers(ids, RIGHT, wrong=ids))
    return client.get(done.headers["Location"]).get_data(as_text=True)


def reread_titles(html: str) -> list[str]:
    return re.findall(r'<li><a href="/cursus/[a-z0-9-]+/[a-z0-9-]+">([^<]+)</a> \(\d fout', html)


def open_lessons(client, html):
    for slug in re.findall(rf'<li><a href="/cursus/{MODULE}/([a-z0-9-]+)">[^<]+</a> \(\d fout', html):
        client.get(f"/cursus/{MODULE}/{slug}")


@pytest.fixture
def ready(client, learner, clock):
    finish_lessons(client)
    return learner


def test_the_rules_are_stated_before_the_first_attempt(client, ready):
    page = client.get(f"/cursus/{MODULE}/quiz/").get_data(as_text=True)
    assert "Zo werkt een nieuwe poging" in page
    assert "wacht je 60 minuten" in page and "24 uur" in page and "opnieuw hebt geopend" in page
    assert "Start de quiz" in page


def test_a_failed_attempt_names_lessons_by_title_most_mistakes_first_and_never_the_key(client, app, ready, clock):
    html = fail_once(client, clock)
    titles = reread_titles(html)
    counts = [int(n) for n in re.findall(r'</a> \((\d) fout', html)]
    assert titles and len(titles) <= 3 and counts == sorted(counts, reverse=True)
    assert titles[0] == "Les 2 van module 1"  # two items of lesson 2 in every draw, both wrong
    assert html.count('>Lees na: Les 2 van module 1</a>') == 2  # the main button opens that lesson
    assert "juist antwoord" not in html and "Juiste volgorde" not in html
    assert "niet juist" in html  # why the chosen option does not fit: its feedback, marked


def test_the_next_attempt_opens_once_the_flagged_lessons_are_opened_again(client, app, ready, clock):
    html = fail_once(client, clock)
    assert ">Nieuwe poging</button>" not in html and "Open eerst nog een keer" in html
    before = attempts_count(app)
    refused = try_start(client)
    assert refused.status_code == 302 and refused.headers["Location"].endswith(f"/cursus/{MODULE}/quiz/")
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Open eerst nog een keer" in page and "Je volgende poging is nog niet open" in page
    assert attempts_count(app) == before  # nothing stored
    titles = reread_titles(html)
    # Opening a lesson before the failure does not count; opening one of them is not enough while others wait.
    first = re.search(rf'<li><a href="/cursus/{MODULE}/([a-z0-9-]+)">', html)[1]
    client.get(f"/cursus/{MODULE}/{first}")
    if len(titles) > 1:
        assert "/poging/" not in try_start(client).headers["Location"]
    open_lessons(client, html)
    assert "/poging/" in try_start(client).headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuizReread)
                                 .where(QuizReread.opened_at.is_(None))) == 0
        assert db.session.scalar(select(QuizReread.opened_at)) == START  # the pinned clock


def test_after_the_second_failure_a_wait_and_after_the_third_a_day(client, app, ready, clock):
    open_lessons(client, fail_once(client, clock))
    clock.now += timedelta(minutes=5)
    second = fail_once(client, clock)  # the second failure, at 09:05
    open_lessons(client, second)
    assert "/poging/" not in try_start(client).headers["Location"]
    page = client.get(f"/cursus/{MODULE}/quiz/").get_data(as_text=True)
    assert "Je volgende poging kan vanaf 7 december 2026 om 11:05 uur" in page  # 10:05 UTC, in Dutch time
    clock.now += timedelta(minutes=59)
    assert "/poging/" not in try_start(client).headers["Location"]
    clock.now += timedelta(minutes=1)
    third = fail_once(client, clock)  # the third failure, at 10:05
    open_lessons(client, third)
    clock.now += timedelta(hours=23, minutes=59)
    assert "/poging/" not in try_start(client).headers["Location"]
    clock.now += timedelta(minutes=1)
    assert "/poging/" in try_start(client).headers["Location"]


def test_a_retake_draws_items_not_had_before_where_the_bank_allows(client, app, ready, clock):
    first = fail_once(client, clock)
    with app.app_context():
        drawn = db.session.scalar(select(QuizAttempt.draw))
    open_lessons(client, first)
    url = try_start(client).headers["Location"]
    again = drawn_ids(client.get(url).get_data(as_text=True))
    before = [entry["q"] for entry in drawn]
    # Lesson 3 has two items and draws one: the retake takes the other. Lessons 1 and 2 have no new ones.
    assert set(again) - set(before) == {"volgorde", "extra"} - set(before)


def test_after_three_failures_the_team_table_says_stuck(client, app, ready, clock, make_user, make_team, auth):
    for _ in range(3):
        open_lessons(client, fail_once(client, clock))
        clock.now += timedelta(days=1)
    manager = make_user(email="leiding@voorbeeld.nl", name="Lea Leiding")
    team_id = make_team("De Regenboog", manager_id=manager, members=[ready])
    auth.logout()
    auth.login("leiding@voorbeeld.nl")
    html = client.get(f"/teams/{team_id}/").get_data(as_text=True)
    assert "Loopt vast op module 1" in html
    assert "Loopt vast op module 2" not in html


def test_two_failures_are_not_stuck_yet(client, app, ready, clock, make_user, make_team, auth):
    for _ in range(2):
        open_lessons(client, fail_once(client, clock))
        clock.now += timedelta(days=1)
    manager = make_user(email="leiding@voorbeeld.nl", name="Lea Leiding")
    team_id = make_team("De Regenboog", manager_id=manager, members=[ready])
    auth.logout()
    auth.login("leiding@voorbeeld.nl")
    assert "Loopt vast" not in client.get(f"/teams/{team_id}/").get_data(as_text=True)
