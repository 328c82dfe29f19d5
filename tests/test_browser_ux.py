"""The experience on a phone and a desk screen (issue 26): registration, the header menu, stacked tables and
the member page, each at 320, 375 and 1280 px with axe-core on every page."""
import re

import pytest
from playwright.sync_api import expect

from conftest import browser_login

pytestmark = pytest.mark.browser

WIDTHS = (320, 375, 1280)


def test_registration_asks_the_password_once_and_can_show_it(page, a11y, live_server, browser):
    for n, width in enumerate(WIDTHS):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server + "/registreren")
        a11y.check()
        password = page.get_by_label("Wachtwoord", exact=True)
        expect(page.locator("input[type=password]")).to_have_count(1)
        page.get_by_label("Volledige naam").fill("Fenna de Wit")
        page.get_by_label("E-mailadres").fill(f"fenna{n}@voorbeeld")  # a typo: no .nl
        password.fill("een-lang-wachtwoord")
        # "Toon wachtwoord" with the keyboard: Tab from the field, Space shows it, Space hides it again.
        password.focus()
        page.keyboard.press("Tab")
        show = page.get_by_label("Toon wachtwoord")
        expect(show).to_be_focused()
        page.keyboard.press("Space")
        expect(password).to_have_attribute("type", "text")
        expect(password).to_have_value("een-lang-wachtwoord")
        page.keyboard.press("Space")
        expect(password).to_have_attribute("type", "password")
        page.get_by_role("button", name="Account aanmaken").click()
        a11y.check()
        expect(page.get_by_role("alert")).to_contain_text("Dit is geen geldig e-mailadres")
        expect(page.get_by_label("Volledige naam")).to_have_value("Fenna de Wit")
        expect(page.get_by_label("E-mailadres")).to_have_value(f"fenna{n}@voorbeeld")
        expect(password).to_have_value("")
        expect(page.get_by_text("Je wachtwoord was goed, maar we sturen het niet terug")).to_be_visible()
    # The typo fixed, the password typed once more: the account is made.
    page.get_by_label("E-mailadres").fill("fenna@voorbeeld.nl")
    page.get_by_label("Wachtwoord", exact=True).fill("een-lang-wachtwoord")
    page.get_by_role("button", name="Account aanmaken").click()
    a11y.check()
    expect(page.get_by_text("Welkom, Fenna de Wit!")).to_be_visible()

    # Without JavaScript there is no "Toon wachtwoord", and the field stays a password field.
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    try:
        plain = context.new_page()
        plain.goto(live_server + "/registreren")
        expect(plain.locator("input[type=password]")).to_have_count(1)
        expect(plain.get_by_label("Toon wachtwoord")).to_have_count(0)
    finally:
        context.close()


def header_links(page):
    return page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link")


def test_the_phone_header_folds_its_links_behind_menu(page, a11y, live_server, make_user, browser):
    make_user(name="Bram Beheer", email="beheer@voorbeeld.nl", is_admin=True)
    browser_login(page, a11y, live_server, "beheer@voorbeeld.nl")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server + "/cursus/")
        a11y.check()
        menu = page.get_by_role("button", name="Menu")
        header = page.locator(".site-header")
        if width >= 600:
            expect(menu).to_be_hidden()
            expect(header_links(page).first).to_be_visible()
            continue
        # Closed: the header is one row, the links are out of sight.
        assert header.bounding_box()["height"] < 80, header.bounding_box()
        expect(header_links(page).first).to_be_hidden()
        expect(menu).to_have_attribute("aria-expanded", "false")
        menu.focus()
        page.keyboard.press("Enter")
        expect(menu).to_have_attribute("aria-expanded", "true")
        for name in ("Cursus", "Begrippen", "Certificaten", "Mijn teams", "Beheer", "Mijn account"):
            expect(header_links(page).get_by_text(name, exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
        page.keyboard.press("Tab")
        page.keyboard.press("Escape")  # closes and gives the focus back to the button
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(menu).to_be_focused()
        expect(header_links(page).first).to_be_hidden()
        menu.click()
        with page.expect_navigation():
            header_links(page).get_by_text("Begrippen", exact=True).click()
        a11y.check()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Begrippen")

    # Without JavaScript "Menu" still opens the links (a checkbox behind the label).
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    try:
        plain = context.new_page()
        plain.goto(live_server + "/inloggen")
        links = plain.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Account aanmaken")
        expect(links).to_be_hidden()
        plain.locator("label", has_text="Menu").click()
        expect(links).to_be_visible()
    finally:
        context.close()


@pytest.fixture
def organisation_with_history(app, make_user, make_team):
    """An administrator; a team with a manager and two learners who finished module 1 (hours, audit rows,
    item statistics)."""
    from conftest import complete_module
    admin = make_user(name="Bram Beheer", email="beheer@voorbeeld.nl", is_admin=True)
    learners = [make_user(name="Anouk van der Meer-Çelik", email="anouk@voorbeeld.nl"),
                make_user(name="Şükrü Çelik", email="sukru@voorbeeld.nl")]
    for user_id in learners:
        complete_module(app, user_id)
    make_team("Locatie De Regenboog met een lange naam", manager_id=admin, members=learners)
    return admin


STACKED = {
    "/opleidingsoverzicht/": ("Per team", "Uren"),
    "/beheer/logboek": (None, "Wanneer"),
    "/beheer/vragen?module=eerste-module": ("Scoreverdeling", "Pogingen"),
}


def test_record_audit_and_item_tables_stack_on_a_phone(page, a11y, live_server, organisation_with_history):
    browser_login(page, a11y, live_server, "beheer@voorbeeld.nl")
    for url, (caption, label) in STACKED.items():
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(live_server + url)
            a11y.check()
            table = page.locator("table.stack-table").first
            expect(table).to_be_visible()
            if caption:
                shown = page.locator("caption", has_text=caption).first
                expect(shown).to_be_visible()
                box = shown.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= width, (url, width, box)
                assert shown.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), (url, width)  # not cut off
            cell = page.locator(f"td[data-label='{label}']").first
            expect(cell).to_be_visible()
            box = cell.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (url, width, box)
            stacked = cell.evaluate("el => getComputedStyle(el).display") == "block"
            assert stacked == (width < 600), (url, width)
            if stacked:  # the column's name is read beside its value
                assert cell.evaluate("el => getComputedStyle(el, '::before').content") == f'"{label}"'
    # "Per medewerker" says, visibly, that its names download a PDF.
    page.goto(live_server + "/opleidingsoverzicht/")
    a11y.check()
    expect(page.get_by_role("link", name="Anouk van der Meer-Çelik (PDF)", exact=True)).to_be_visible()


def test_member_page_folds_untouched_modules_and_status_text_is_16px(page, a11y, live_server, app, make_user,
                                                                     make_team):
    from conftest import complete_module
    manager = make_user(name="Marieke de Vries", email="leiding@voorbeeld.nl")
    learner = make_user(name="Anouk van der Meer-Çelik", email="anouk@voorbeeld.nl")
    complete_module(app, learner)  # module 1 done, module 2 untouched
    team = make_team("De Regenboog", manager_id=manager, members=[learner])
    browser_login(page, a11y, live_server, "leiding@voorbeeld.nl")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server}/teams/{team}/leden/{learner}")
        a11y.check()
        done, untouched = page.locator("section.module-detail").all()
        expect(done.get_by_role("heading", name="Lessen")).to_be_visible()
        expect(untouched.locator(".status-line")).to_have_text("Niet begonnen · 0 van 3 lessen")
        expect(untouched.get_by_role("heading", name="Lessen")).to_have_count(0)
        lessons = untouched.get_by_role("listitem")
        expect(lessons.first).to_be_hidden()
        untouched.get_by_text("Toon de 3 lessen").click()
        expect(lessons).to_have_count(3)
        expect(lessons.first).to_be_visible()
        for status in (done.locator(".badge"), untouched.locator(".badge"), untouched.locator(".status-line")):
            size = float(status.evaluate("el => getComputedStyle(el).fontSize").removesuffix("px"))
            assert size >= 16, (width, status, size)


def test_team_filter_offers_late_only_with_a_target_date_and_says_what_percentages_are_of(
        page, a11y, live_server, app, make_user, make_team):
    from conftest import read_all_lessons
    manager = make_user(name="Marieke de Vries", email="leiding@voorbeeld.nl")
    learner = make_user(name="Anouk van der Meer-Çelik", email="anouk@voorbeeld.nl")
    read_all_lessons(app, learner)  # module 1 read, its quiz not yet done: "bezig"
    team = make_team("De Regenboog", manager_id=manager, members=[learner])
    browser_login(page, a11y, live_server, "leiding@voorbeeld.nl")
    url = f"{live_server}/teams/{team}/"
    show = page.get_by_label("Toon", exact=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(url)
        a11y.check()
        expect(show.locator("option", has_text="Te laat")).to_have_count(0)
        expect(page.get_by_label("Sorteer op").locator("option", has_text="Te laat")).to_have_count(0)
        row = page.locator("table.team-table tbody tr").first
        expect(row.locator("td[data-label='Modules']")).to_contain_text(re.compile(r"\(\d+% van de cursus\)"))
        expect(row.locator("td[data-label='Module 1']")).to_contain_text(re.compile(r"\d+% van module 1"))
    # An old link to "te laat" says why nobody is in it.
    page.goto(url + "?status=te-laat")
    a11y.check()
    expect(page.get_by_text("Dit team heeft nog geen streefdatum, dus niemand is te laat.")).to_be_visible()
    # With a target date "Te laat" is there.
    page.locator("#target_date").fill("2030-12-31")
    page.get_by_role("button", name="Opslaan").click()
    a11y.check()
    expect(show.locator("option", has_text="Te laat")).to_have_count(1)


# The width of a block in characters ("0", what CSS calls 1ch) of its own font.
_WIDEST_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('main p, main li, main .hint, main .qtext, main dd')) {
    if (!el.offsetParent || el.closest('table, .counts, .module-cards, .team-cards, .actions, nav')) continue;
    if ((el.innerText || '').trim().length < 70) continue;
    if (el.tagName === 'LI' && el.querySelector('p, ul, ol, div, details, h2, h3')) continue;  // a block, not text
    const probe = document.createElement('span');
    probe.textContent = '0'.repeat(100);
    probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap';
    el.appendChild(probe);
    const ch = probe.getBoundingClientRect().width / 100;
    probe.remove();
    out.push([el.getBoundingClientRect().width / ch, el.tagName + ' ' + el.innerText.slice(0, 50)]);
  }
  return out.sort((a, b) => b[0] - a[0]).slice(0, 3);
}"""


def test_running_text_stays_near_66_characters(page, a11y, live_server, app, make_user, make_team):
    from conftest import read_all_lessons
    manager = make_user(name="Marieke de Vries", email="leiding@voorbeeld.nl")
    learner = make_user(name="Anouk van der Meer-Çelik", email="anouk@voorbeeld.nl")
    read_all_lessons(app, learner)
    team = make_team("De Regenboog", manager_id=manager, members=[learner])
    pages = {"leiding@voorbeeld.nl": [f"/teams/{team}/leden/{learner}"],
             "anouk@voorbeeld.nl": ["/cursus/", "/cursus/eerste-module/les-1", "/cursus/eerste-module/praktijkopdracht",
                                    "/privacy", "/account/leidinggevende"]}
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server + "/")
    a11y.check()
    assert page.evaluate(_WIDEST_JS)[0][0] <= 66.5, page.evaluate(_WIDEST_JS)
    for email, urls in pages.items():
        browser_login(page, a11y, live_server, email)
        for url in urls:
            page.goto(live_server + url)
            a11y.check()
            widest = page.evaluate(_WIDEST_JS)
            assert widest and widest[0][0] <= 66.5, (url, widest)
        open_menu_and_log_out(page, a11y)
    # The quiz: questions and options.
    browser_login(page, a11y, live_server, "anouk@voorbeeld.nl")
    page.goto(live_server + "/cursus/eerste-module/quiz/")
    a11y.check()
    page.get_by_role("button", name="Start de quiz").click()
    a11y.check()
    widths = page.evaluate("""() => [...document.querySelectorAll('.qtext, .choices')].map(el => {
      const probe = document.createElement('span'); probe.textContent = '0'.repeat(100);
      probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap'; el.appendChild(probe);
      const ch = probe.getBoundingClientRect().width / 100; probe.remove();
      return el.getBoundingClientRect().width / ch; })""")
    assert widths and max(widths) <= 66.5, widths


def open_menu_and_log_out(page, a11y):
    from conftest import open_menu
    open_menu(page)
    page.get_by_role("button", name="Uitloggen").click()
    a11y.check()
