"""A manager invites a colleague, the colleague joins and completes a module, the manager sees it."""
import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from course import teams
from course.extensions import db
from course.models import Organisation, User

from conftest import A11y, browser_login, pass_quiz

pytestmark = pytest.mark.browser


@pytest.fixture
def team_with_manager(app, make_user):
    manager_id = make_user(name="Marieke de Vries", email="leiding@voorbeeld.nl")
    make_user(name="Bram Beheer", email="beheer@voorbeeld.nl", is_admin=True)
    with app.app_context():
        organisation = teams.create_organisation(db.session, None, "Kinderopvang Zonnebloem")
        team = teams.create_team(db.session, None, db.session.get(Organisation, organisation.id), "De Regenboog")
        teams.appoint_manager(db.session, None, team, db.session.get(User, manager_id))
        team_id = team.id
        db.session.remove()
    return team_id


def login(page, check, base, email):
    browser_login(page, check, base, email)


def test_invite_join_complete_and_see_it(browser, live_server, team_with_manager):
    manager_ctx, colleague_ctx = browser.new_context(), browser.new_context()
    manager, colleague = manager_ctx.new_page(), colleague_ctx.new_page()
    m, c = A11y(manager), A11y(colleague)

    login(manager, m, live_server, "leiding@voorbeeld.nl")
    manager.get_by_role("link", name="Mijn teams").click()
    m.check()
    manager.get_by_role("link", name="De Regenboog").click()
    m.check()
    expect(manager.get_by_text("Er zijn nog geen leden.")).to_be_visible()
    invite = manager.get_by_label(re.compile("Uitnodigingslink")).input_value()

    # The colleague opens the link, registers, comes back and joins.
    colleague.goto(invite)
    c.check()
    colleague.get_by_role("link", name="Account aanmaken").last.click()
    c.check()
    colleague.get_by_label("Volledige naam").fill("Şükrü Çelik")
    colleague.get_by_label("E-mailadres").fill("sukru@voorbeeld.nl")
    colleague.get_by_label("Wachtwoord", exact=True).fill("een-lang-wachtwoord")
    colleague.get_by_role("button", name="Account aanmaken").click()
    c.check()
    colleague.get_by_role("button", name="Word lid van De Regenboog").click()
    c.check()
    expect(colleague.get_by_text("Welkom in team De Regenboog")).to_be_visible()

    # The colleague reads the lessons of module 1 and passes its quiz.
    colleague.get_by_role("link", name="Begin met de cursus").click()
    c.check()
    for _ in range(3):  # the last lesson's button opens the quiz
        colleague.get_by_role("button", name=re.compile("^Klaar, naar")).click()
        c.check()
    colleague.get_by_role("button", name="Start de quiz").click()
    c.check()
    pass_quiz(colleague, c)
    expect(colleague.get_by_text("Geslaagd!")).to_be_visible()
    colleague.goto(live_server + "/account/leidinggevende")
    c.check()
    expect(colleague.get_by_text("Marieke de Vries")).to_be_visible()

    # The manager sees it and downloads the certificate.
    manager.reload()
    m.check()
    row = manager.get_by_role("row", name=re.compile("Şükrü Çelik"))
    expect(row.get_by_text("Afgerond").first).to_be_visible()
    with manager.expect_download() as info:
        row.get_by_role("link", name="certificaat").first.click()
    with open(info.value.path(), "rb") as handle:
        assert "Şükrü Çelik" in PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    manager.get_by_role("link", name="Şükrü Çelik", exact=True).click()
    m.check()
    expect(manager.get_by_text("100% (geslaagd)")).to_be_visible()
    expect(manager.get_by_text("Laatst actief")).to_be_visible()
    manager.get_by_role("link", name=re.compile("Uit het team halen")).click()  # on the member page now
    m.check()
    manager.get_by_role("button", name="Annuleren").or_(manager.get_by_role("link", name="Annuleren")).click()
    m.check()
    manager.goto(live_server + f"/teams/{team_with_manager}/uitnodiging-vernieuwen")
    m.check()
    m.assert_all_checked()
    c.assert_all_checked()
    manager_ctx.close()
    colleague_ctx.close()


def test_admin_pages_pass_axe(page, a11y, live_server, team_with_manager):
    login(page, a11y, live_server, "beheer@voorbeeld.nl")
    page.get_by_role("link", name="Beheer").click()
    a11y.check()
    page.get_by_role("button", name="Organisatie aanmaken").click()  # empty: field error
    a11y.check()
    expect(page.get_by_role("link", name="Vul een naam in.")).to_be_visible()  # in the error summary
    page.get_by_role("link", name="Kinderopvang Zonnebloem").click()
    a11y.check()
    page.get_by_role("link", name="De Regenboog").click()
    a11y.check()
    page.get_by_role("link", name=re.compile("intrekken")).click()
    a11y.check()
    page.goto(live_server + "/beheer/logboek")
    a11y.check()
    page.get_by_label("Handeling").select_option(index=1)
    page.get_by_role("button", name="Filter").click()
    a11y.check()
    expect(page.get_by_text("gevonden")).to_be_visible()
    page.goto(live_server + "/beheer/vragen")
    a11y.check()
    expect(page.get_by_role("heading", name="Vraagstatistiek")).to_be_visible()
    page.goto(live_server + f"/teams/{team_with_manager}/")
    a11y.check()


def test_team_counts_filter_and_overdue_members_come_first(page, a11y, live_server, app, make_user,
                                                           team_with_manager):

    from course.models import Team

    from conftest import complete_module
    late = make_user(name="Zara Laat", email="zara@voorbeeld.nl")
    done = make_user(name="Anna Klaar", email="anna@voorbeeld.nl")
    make_user(name="Bo Nieuw", email="bo@voorbeeld.nl")
    for slug in ("eerste-module", "tweede-module"):
        complete_module(app, done, slug)
    with app.app_context():
        team = db.session.get(Team, team_with_manager)
        for user_id in (late, done):
            teams.join(db.session, team, db.session.get(User, user_id))
        db.session.remove()
    login(page, a11y, live_server, "leiding@voorbeeld.nl")
    page.goto(live_server + f"/teams/{team_with_manager}/")
    a11y.check()
    expect(page.get_by_text("Streefdatum: niet ingesteld")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Instellen")).click()
    page.get_by_role("textbox", name="Streefdatum").fill("2020-01-31")
    page.get_by_role("button", name="Opslaan").click()
    a11y.check()
    # Overdue first by default, although "Zara" comes last by name.
    names = page.locator("table.team-table tbody th").all_inner_texts()
    assert names[0].startswith("Zara Laat") and "Te laat" in names[0] and names[1].startswith("Anna Klaar")
    row = page.get_by_role("row", name=re.compile("Anna Klaar"))
    expect(row).to_contain_text("2 van 2 modules")
    expect(page.get_by_role("row", name=re.compile("Zara Laat"))).to_contain_text("nog niet")
    # Each count is a link that applies its filter.
    page.get_by_role("link", name="1 te laat").click()
    a11y.check()
    expect(page.locator("table.team-table tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="1 te laat")).to_have_attribute("aria-current", "true")
    page.get_by_role("link", name="1 cursus afgerond").click()
    a11y.check()
    expect(page.locator("table.team-table tbody th")).to_have_text([re.compile("Anna Klaar")])
    page.get_by_role("link", name="Afdrukbaar bewijs van scholing").click()
    a11y.check()
    expect(page.get_by_role("heading", name="Anna Klaar")).to_be_visible()
    page.go_back()
    a11y.check()
    # On a phone each person is one block: the labels stand beside the values.
    page.set_viewport_size({"width": 375, "height": 740})
    label = page.locator("table.team-table td").first.evaluate("el => getComputedStyle(el, '::before').content")
    assert label == '"Modules"'
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
