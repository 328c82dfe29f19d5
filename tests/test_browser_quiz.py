"""A module quiz done with the keyboard alone: fail once, read the feedback, retake, pass."""
import re

import pytest
from playwright.sync_api import expect

from course import progress as progress_domain
from course.extensions import db
from course.models import User

from conftest import browser_login

pytestmark = pytest.mark.browser

RIGHT_SINGLE = {"Welke stijl past hierbij?": "Vermijdend", "Wie classificeert gehechtheid?": "Een getrainde professional"}
WRONG_SINGLE = {"Welke stijl past hierbij?": "Veilig", "Wie classificeert gehechtheid?": "De pedagogisch medewerker"}


@pytest.fixture
def ready_learner(app, make_user):
    """A learner who has read every lesson of module 1."""
    user_id = make_user(name="Bram", email="bram@voorbeeld.nl")
    with app.app_context():
        user = db.session.get(User, user_id)
        for lesson in app.extensions["course"].module("eerste-module").lessons:
            progress_domain.mark_lesson_done(db.session, user, lesson)
        db.session.remove()
    return user_id


def press(page, key="Enter"):
    with page.expect_navigation():
        page.keyboard.press(key)


def tab_to(page, name: str, limit: int = 120):
    """Move focus with Tab until the focused element's text or label is `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate("(document.activeElement.innerText || document.activeElement.value || '').trim()")
        if text == name:
            return
    raise AssertionError(f"could not reach {name!r} with Tab")


def answer_with_keyboard(page, wrong: bool):
    """Fill in every drawn question using only the keyboard."""
    questions = page.locator("li.question")
    for i in range(questions.count()):
        q = questions.nth(i)
        text = q.locator(".qtext").inner_text()
        if text in RIGHT_SINGLE:
            target = (WRONG_SINGLE if wrong else RIGHT_SINGLE)[text]
            q.get_by_role("radio").first.focus()
            for _ in range(5):
                if page.evaluate("document.activeElement.parentElement.innerText.trim()") == target:
                    break
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Space")
        elif text == "Wat hoort bij sensitiviteit?":
            for box in q.get_by_role("checkbox").all():
                label = box.evaluate("el => el.parentElement.innerText.trim()")
                box.focus()
                if (label in ("Opmerken", "Begrijpen")) != wrong:
                    page.keyboard.press("Space")
        elif text == "Sorteer de signalen.":
            for select in q.locator("select").all():
                label = select.evaluate("el => el.labels[0].innerText")
                right = "Veilig" if label == "Zoekt troost" else "Vermijdend"
                choice = ("Vermijdend" if right == "Veilig" else "Veilig") if wrong else right
                select.focus()
                page.keyboard.type(choice)  # type-ahead on a native select
                assert select.evaluate("el => el.selectedOptions[0].text") == choice
        elif text == "Zet de stappen in volgorde.":
            order = {"Signalen in kaart brengen": "1", "Collega raadplegen": "2", "Gesprek met ouders": "3"}
            for select in q.locator("select").all():
                label = select.evaluate("el => el.labels[0].innerText")
                select.focus()
                value = order[label] if not wrong else str(4 - int(order[label]))
                page.keyboard.type(value)
        else:
            raise AssertionError(f"unknown question {text!r}")


def test_quiz_keyboard_fail_then_pass(page, a11y, live_server, ready_learner):
    page.goto(live_server + "/inloggen")
    a11y.check()
    page.get_by_label("E-mailadres").fill("bram@voorbeeld.nl")
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord")
    with page.expect_navigation():
        page.get_by_label("Wachtwoord").press("Enter")
    a11y.check()
    page.goto(live_server + "/cursus/eerste-module/quiz/")
    a11y.check()
    tab_to(page, "Start de quiz")
    press(page)
    a11y.check()
    expect(page.get_by_text("Vraag 1 van 4")).to_be_visible()

    # Submitting with nothing filled in asks for confirmation and names the questions.
    tab_to(page, "Inleveren")
    press(page)
    a11y.check()
    expect(page.get_by_role("alert")).to_contain_text("nog niet (helemaal) beantwoord")

    answer_with_keyboard(page, wrong=True)
    tab_to(page, "Inleveren")
    press(page)
    a11y.check()
    expect(page.get_by_text("Nog niet geslaagd.")).to_be_visible()
    expect(page.get_by_text("jouw keuze").first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Lees het na in de les")).first).to_be_visible()
    # No key before passing: neither the right options nor the right order or categories.
    for key_text in ("juist antwoord", "Juiste volgorde", "Eerst in kaart brengen, dan overleggen"):
        assert page.get_by_text(key_text).count() == 0, key_text

    # The retake opens once the lessons to reread are opened again; the main button opens the one with most mistakes.
    expect(page.get_by_role("heading", name="Lees deze lessen na")).to_be_visible()
    expect(page.get_by_role("button", name="Nieuwe poging")).to_have_count(0)
    others = [link.get_attribute("href") for link in page.locator("ol.reread a").all()]
    tab_to(page, "Lees na: Les 2 van module 1")
    press(page)
    a11y.check()
    expect(page.get_by_role("heading", name="Les 2 van module 1", level=1)).to_be_visible()
    for href in others:
        page.goto(live_server + href)
        a11y.check()
    page.goto(live_server + "/cursus/eerste-module/quiz/")
    a11y.check()
    tab_to(page, "Maak de quiz opnieuw")
    press(page)
    a11y.check()
    answer_with_keyboard(page, wrong=False)
    tab_to(page, "Inleveren")
    press(page)
    a11y.check()
    expect(page.get_by_text("Geslaagd!")).to_be_visible()
    expect(page.get_by_text("4 van 4 goed (100%)")).to_be_visible()
    expect(page.get_by_role("link", name="Download je certificaat").first).to_be_visible()
    expect(page.get_by_role("link", name="Begin met module 2").first).to_be_visible()
    expect(page.get_by_role("button", name="Nieuwe poging")).to_have_count(0)
    assert page.get_by_text("juist antwoord").count() > 0  # after passing, the whole review with keys

    page.goto(live_server + "/cursus/eerste-module/quiz/")
    a11y.check()
    expect(page.get_by_text("Beste score: 100%")).to_be_visible()
    page.goto(live_server + "/cursus/")
    a11y.check()
    expect(page.locator(".module-block").first.get_by_text("Afgerond", exact=True)).to_be_visible()


def login(page, a11y, live_server, email="bram@voorbeeld.nl"):
    browser_login(page, a11y, live_server, email)


CHOSEN_JS = """q => { const out = {};
  q.querySelectorAll('input:checked').forEach(el => (out[el.name] = out[el.name] || []).push(el.value));
  q.querySelectorAll('select').forEach(el => { if (el.value) out[el.name] = [el.value]; });
  return out; }"""


def answer_not_first(question) -> None:
    """Answer one question through its controls, avoiding the option shown first wherever the type allows."""
    radios, boxes, selects = (question.locator("input[type=radio]"), question.locator("input[type=checkbox]"),
                              question.locator("select"))
    if radios.count():
        radios.last.check()
    elif boxes.count():
        for box in boxes.all()[1:]:
            box.check()
    elif selects.first.locator("option").nth(1).inner_text() == "1":  # an order: the places reversed
        n = selects.count()
        for i, select in enumerate(selects.all()):
            select.select_option(str(n - i))
    else:  # a classification: every item the second category
        for select in selects.all():
            select.select_option(index=2)


def test_a_resumed_quiz_restores_every_answer(page, a11y, live_server, ready_learner):
    """Each question type comes back with exactly the options chosen; on a phone the resumed quiz opens at
    the first question still open."""
    login(page, a11y, live_server)
    page.goto(live_server + "/cursus/eerste-module/quiz/")
    a11y.check()
    page.get_by_role("button", name="Start de quiz").click()
    a11y.check()
    status = page.locator(".save-status")
    expect(status).to_have_text("0 van 4 beantwoord")
    questions = page.locator("li.question")
    given = {}
    for i in (0, 1, 3):  # question 3 stays open
        answer_not_first(questions.nth(i))
        given[i] = questions.nth(i).evaluate(CHOSEN_JS)
        assert given[i]
    expect(status).to_have_text("Opgeslagen · 3 van 4 beantwoord")
    # No "Bewaren": open the course page and come back.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Cursus").click()
    a11y.check()
    for width in (1280, 375, 320):
        page.set_viewport_size({"width": width, "height": 740})
        page.goto(live_server + "/cursus/eerste-module/quiz/")
        a11y.check()
        page.get_by_role("button", name="Ga verder met je poging").click()
        a11y.check()
        expect(status).to_have_text("3 van 4 beantwoord")
        for i, chosen in given.items():
            assert questions.nth(i).evaluate(CHOSEN_JS) == chosen, (width, i)
        assert questions.nth(2).evaluate(CHOSEN_JS) == {}
        if width < 600:
            expect(questions.nth(2)).to_be_visible()
            expect(questions.nth(0)).to_be_hidden()
        else:
            for i in range(4):
                expect(questions.nth(i)).to_be_visible()


def main_buttons(page):
    """The filled (main) buttons the learner can see in the page's content."""
    return page.locator("main .button:not(.button-secondary):visible")


def test_phone_quiz_has_one_main_button_per_screen(page, a11y, live_server, ready_learner):
    login(page, a11y, live_server)
    page.goto(live_server + "/cursus/eerste-module/quiz/")
    a11y.check()
    page.get_by_role("button", name="Start de quiz").click()
    a11y.check()
    attempt = page.url
    questions = page.locator("li.question")
    stop = page.get_by_role("button", name="Stoppen, later verder")
    for width in (320, 375, 1280):
        page.set_viewport_size({"width": width, "height": 740})
        page.goto(attempt)
        a11y.check()
        expect(page.get_by_role("button", name="Bewaren")).to_have_count(0)
        expect(stop).to_be_visible()
        assert stop.evaluate("el => !el.classList.contains('button')")  # a plain link, not a second button
        if width == 1280:
            for i in range(4):
                expect(questions.nth(i)).to_be_visible()
            expect(main_buttons(page)).to_have_count(1)
            expect(main_buttons(page)).to_have_text("Inleveren")
            continue
        for i in range(4):
            expect(questions.nth(i)).to_be_visible()
            expect(main_buttons(page)).to_have_count(1)
            if i < 3:
                expect(main_buttons(page)).to_have_text("Volgende vraag →")
                expect(page.get_by_role("button", name="Inleveren")).to_be_hidden()
                main_buttons(page).click()
                expect(questions.nth(i)).to_be_hidden()
            else:
                expect(main_buttons(page)).to_have_text("Inleveren")
    # Stopping saves what is filled in and leaves for the quiz page, where the attempt waits.
    answer_not_first(questions.nth(0))
    chosen = questions.nth(0).evaluate(CHOSEN_JS)
    with page.expect_navigation():
        stop.click()
    a11y.check()
    expect(page.get_by_text("Je antwoorden zijn bewaard")).to_be_visible()
    page.get_by_role("button", name="Ga verder met je poging").click()
    a11y.check()
    assert questions.nth(0).evaluate(CHOSEN_JS) == chosen
def test_on_a_phone_one_question_per_screen(page, a11y, live_server, ready_learner):
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, a11y, live_server)
    page.goto(live_server + "/cursus/eerste-module/quiz/")
    a11y.check()
    page.get_by_role("button", name="Start de quiz").click()
    a11y.check()
    questions = page.locator("li.question")
    expect(questions.nth(0)).to_be_visible()
    expect(questions.nth(1)).to_be_hidden()
    expect(page.get_by_role("button", name="← Vorige vraag")).to_be_hidden()
    page.get_by_role("button", name="Volgende vraag →").click()
    expect(questions.nth(0)).to_be_hidden()
    expect(questions.nth(1)).to_be_visible()
    expect(questions.nth(1)).to_be_focused()
    page.get_by_role("button", name="← Vorige vraag").click()
    expect(questions.nth(0)).to_be_visible()
    # Handing in (under the last question) with nothing answered names the questions; their links open that question.
    for _ in range(3):
        page.get_by_role("button", name="Volgende vraag →").click()
    page.get_by_role("button", name="Inleveren").click()
    a11y.check()
    page.get_by_role("alert").get_by_role("link", name="3").click()
    expect(questions.nth(2)).to_be_visible()
    expect(questions.nth(0)).to_be_hidden()
