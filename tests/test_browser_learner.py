"""A learner's journey in Debian's Chromium, with axe-core on every page visited."""
import re

import pytest
from playwright.sync_api import expect

from conftest import browser_login, open_menu

pytestmark = pytest.mark.browser


def register(page, a11y, live_server, name="Zoë Brûlé", email="zoe@voorbeeld.nl"):
    page.goto(live_server + "/")
    a11y.check()
    page.get_by_role("link", name="Account aanmaken").first.click()
    a11y.check()
    page.get_by_label("Volledige naam").fill(name)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill("een-lang-wachtwoord")
    page.get_by_role("button", name="Account aanmaken").click()
    a11y.check()
    expect(page.get_by_text(f"Welkom, {name}!")).to_be_visible()


def walk(page, a11y, live_server):
    register(page, a11y, live_server)
    page.get_by_role("link", name="Begin met de cursus").click()
    a11y.check()
    expect(page.get_by_text("Les 1 van 3")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Klaar, naar les 2: ")).click()
    a11y.check()
    expect(page.get_by_text("Les 2 van 3")).to_be_visible()
    expect(page.locator(".flashes")).to_contain_text("Les 1 afgerond · nog 2 lessen tot de quiz")
    page.get_by_role("button", name=re.compile(r"^Klaar, naar les 3: ")).click()
    a11y.check()
    expect(page.get_by_text("Les 3 van 3")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("← Vorige"))).to_be_visible()
    open_menu(page)
    page.get_by_role("button", name="Uitloggen").click()
    a11y.check()
    expect(page.get_by_text("Je bent uitgelogd")).to_be_visible()

    page.get_by_role("link", name="Inloggen").first.click()
    a11y.check()
    page.get_by_label("E-mailadres").fill("ZOE@voorbeeld.nl")
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Testcursus")
    page.get_by_role("link", name="Verder leren").click()
    a11y.check()
    expect(page).to_have_url(re.compile(r"/cursus/eerste-module/les-3$"))
    expect(page.get_by_text("Les 3 van 3")).to_be_visible()

    # The last lesson read: the button opens the quiz of module 1, the next step, not module 2.
    page.get_by_role("button", name="Klaar, naar de quiz").click()
    a11y.check()
    expect(page).to_have_url(re.compile(r"/cursus/eerste-module/quiz/$"))
    page.get_by_role("link", name="Veilige Gehechtheid").click()
    a11y.check()
    page.get_by_role("link", name="Verder met de quiz van module 1").click()
    a11y.check()
    expect(page).to_have_url(re.compile(r"/cursus/eerste-module/quiz/$"))
    open_menu(page)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Cursus").click()
    a11y.check()
    page.get_by_role("link", name="Verder met de quiz van module 1").click()
    a11y.check()
    expect(page).to_have_url(re.compile(r"/cursus/eerste-module/quiz/$"))


def test_register_read_logout_login_resume(page, a11y, live_server):
    walk(page, a11y, live_server)


def test_same_journey_on_a_phone(browser, live_server):
    from conftest import A11y
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    a11y = A11y(page)
    walk(page, a11y, live_server)
    # Nothing is wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto(live_server + "/cursus/")
    a11y.check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    a11y.assert_all_checked()
    context.close()


def test_keyboard_only(page, a11y, live_server, make_user):
    make_user(name="Bram", email="bram@voorbeeld.nl")
    page.goto(live_server + "/inloggen")
    a11y.check()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Naar de inhoud")).to_be_focused()
    page.get_by_label("E-mailadres").focus()
    page.keyboard.type("bram@voorbeeld.nl")
    page.keyboard.press("Tab")
    page.keyboard.type("een-lang-wachtwoord")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Testcursus")
    # Tab to the "Begin" button and open the first lesson with Enter.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Begin met de cursus":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    a11y.check()
    expect(page.get_by_text("Les 1 van 3")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Klaar, naar les 2")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    a11y.check()
    expect(page.get_by_text("Les 2 van 3")).to_be_visible()


def test_other_pages_pass_axe(page, a11y, live_server, make_user):
    make_user(name="Bram", email="bram@voorbeeld.nl")
    for url in ["/inloggen", "/wachtwoord-vergeten", "/bestaat-niet"]:
        page.goto(live_server + url)
        a11y.check()
    page.goto(live_server + "/inloggen")
    a11y.check()
    page.get_by_role("button", name="Inloggen").click()  # empty form: error messages
    a11y.check()
    expect(page.get_by_role("link", name="Vul je e-mailadres in.")).to_be_visible()  # in the error summary
    page.get_by_label("E-mailadres").fill("bram@voorbeeld.nl")
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    a11y.check()
    for url in ["/cursus/eerste-module/", "/begrippen", "/signalenlijst", "/account/"]:
        page.goto(live_server + url)
        a11y.check()


def test_a_glossary_term_opens_in_place(page, a11y, live_server, make_user):
    make_user(name="Bram", email="bram@voorbeeld.nl")
    browser_login(page, a11y, live_server, "bram@voorbeeld.nl")
    page.goto(live_server + "/cursus/eerste-module/les-1")
    a11y.check()
    term = page.locator("article").get_by_role("link", name="sensitiviteit", exact=True)
    term.click()
    definition = page.get_by_role("note")
    expect(definition).to_contain_text("Sensitiviteit:")
    expect(page).to_have_url(re.compile(r"/cursus/eerste-module/les-1$"))  # still in the lesson
    expect(term).to_have_attribute("aria-expanded", "true")
    a11y.check()  # axe and the phone widths with the definition open
    term.click()
    expect(definition).to_have_count(0)
