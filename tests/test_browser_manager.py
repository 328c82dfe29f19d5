"""A manager invites a colleague, the colleague joins and completes a module, the manager sees it."""
import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from course import teams
from course.extensions import db
from course.models import Organisation, User
from conftest import A11y, pass_quiz

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
    page.goto(base + "/inloggen")
    check.check()
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    check.check()


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
    colleague.get_by_label("Herhaal het wachtwoord").fill("een-lang-wachtwoord")
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
    manager.go_back()
    m.check()
    manager.get_by_role("link", name=re.compile("Verwijderen")).first.click()
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
    expect(page.get_by_text("Vul een naam in.")).to_be_visible()
    page.get_by_role("link", name="Kinderopvang Zonnebloem").click()
    a11y.check()
    page.get_by_role("link", name="De Regenboog").click()
    a11y.check()
    page.get_by_role("link", name=re.compile("intrekken")).click()
    a11y.check()
    page.goto(live_server + "/beheer/logboek")
    a11y.check()
    page.goto(live_server + f"/teams/{team_with_manager}/")
    a11y.check()
