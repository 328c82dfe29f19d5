"""Practice questions at the end of a lesson in the browser: with JavaScript, without it, on a phone, checked by axe."""
import pytest
from playwright.sync_api import expect

from conftest import browser_login

pytestmark = pytest.mark.browser

LESSON = "/cursus/eerste-module/les-1"


@pytest.fixture
def learner_account(make_user):
    return make_user(name="Bram", email="bram@voorbeeld.nl")


def answer_first_wrong_then_right(page, a11y, reloads: bool):
    box = page.locator("#oefen-oef-troost")
    box.get_by_role("button", name="Kijk na").click()  # nothing chosen: a Dutch message, nothing stored
    if reloads:
        a11y.check()
        box = page.locator("#oefen-oef-troost")
    expect(box.get_by_role("alert")).to_contain_text("Kies eerst een antwoord")
    box.get_by_label("Je wacht tot ze zelf stopt met huilen").check()
    box.get_by_role("button", name="Kijk na").click()
    if reloads:
        a11y.check()
    box = page.locator("#oefen-oef-troost")
    expect(box.get_by_text("Niet goed.")).to_be_visible()
    expect(box.get_by_text("juist antwoord")).to_be_visible()  # the key, at once
    expect(box.get_by_text("Dan blijft ze alleen met haar schrik")).to_be_visible()
    expect(box.get_by_text("Goed. Een kind dat troost zoekt")).to_be_visible()
    box.get_by_label("Je gaat naar haar toe en biedt troost").check()
    box.get_by_role("button", name="Nog een keer nakijken").click()
    if reloads:
        a11y.check()
    expect(page.locator("#oefen-oef-troost").get_by_text("Goed!")).to_be_visible()


def test_practice_questions_with_javascript(page, a11y, live_server, learner_account):
    browser_login(page, a11y, live_server, "bram@voorbeeld.nl")
    page.goto(live_server + LESSON)
    a11y.check()
    url = page.url
    answer_first_wrong_then_right(page, a11y, reloads=False)
    assert page.url == url  # answered in place
    expect(page.locator("[data-exercise-score]")).to_have_text("Goed: 1 van 2.")
    a11y.check()  # the page with the answers shown, checked by axe and at phone widths
    page.goto(live_server + "/cursus/")
    a11y.check()
    expect(page.get_by_text("oefenvragen: 1 van 2 goed")).to_be_visible()


class NoCheck:
    """Without JavaScript axe cannot run in the page; the same pages are checked with it in the test above."""

    def check(self) -> None:
        pass


def test_practice_questions_without_javascript_on_a_phone(browser, live_server, learner_account):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(live_server + "/inloggen")
    page.get_by_label("E-mailadres").fill("bram@voorbeeld.nl")
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord")
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    page.goto(live_server + LESSON)
    answer_first_wrong_then_right(page, NoCheck(), reloads=True)
    assert page.url.endswith("#oefen-oef-troost")
    context.close()
