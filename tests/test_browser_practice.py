"""The practice flow whole, in the browser: reflect, hand in, revision, sign-off, praktijkverklaring, verify."""
import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from course import teams
from course.extensions import db
from course.models import Organisation, Team, User

from conftest import A11y, browser_login

pytestmark = pytest.mark.browser
PASSWORD = "een-lang-wachtwoord"


@pytest.fixture
def people(app, make_user, make_team):
    learner = make_user(name="Zoë Brûlé", email="zoe@voorbeeld.nl")
    coach = make_user(name="Coach Carla", email="coach@voorbeeld.nl")
    manager = make_user(name="Leiding Lies", email="leiding@voorbeeld.nl")
    team = make_team("De Regenboog", manager_id=manager, members=[learner])
    with app.app_context():
        teams.appoint_coach(db.session, None, db.session.get(Team, team), db.session.get(User, coach))
        db.session.remove()
    return team


def login(page, check, live_server, email):
    browser_login(page, check, live_server, email)


def mark(coach, words: str, choice: str, note: str = "") -> None:
    """Mark the rubric criterion whose legend contains these words, with the keyboard-reachable radio."""
    group = coach.get_by_role("group", name=re.compile(words, re.IGNORECASE))
    group.get_by_label(choice).check()
    if note:
        group.get_by_label("Eén regel feedback").fill(note)


def test_practice_from_reflection_to_verified_praktijkverklaring(page, a11y, live_server, people, browser):
    login(page, a11y, live_server, "zoe@voorbeeld.nl")
    page.goto(live_server + "/cursus/eerste-module/les-3")
    a11y.check()
    page.get_by_role("textbox", name="Jouw antwoord").fill("Bij het afscheid ga ik te snel weg.")
    expect(page.locator("#reflectie-status")).to_have_text("Opgeslagen.")
    page.get_by_role("link", name="Al mijn reflecties").click()
    a11y.check()
    expect(page.get_by_text("Bij het afscheid ga ik te snel weg.")).to_be_visible()

    page.goto(live_server + "/cursus/eerste-module/praktijkopdracht")
    a11y.check()
    page.get_by_label("Drie momenten van troost").fill("Kind A viel bij de glijbaan.")
    page.get_by_label("Wat neem je mee?").fill("Eerst kijken, dan handelen.")
    page.get_by_label("Een reflectie meesturen").select_option(label="Les 3 van module 1")
    page.get_by_role("button", name="Inleveren").click()
    a11y.check()
    expect(page.get_by_text("Je opdracht is ingeleverd")).to_be_visible()

    coach_context = browser.new_context()
    coach = coach_context.new_page()
    check = A11y(coach)
    login(coach, check, live_server, "coach@voorbeeld.nl")
    coach.get_by_role("link", name="Coach").click()
    check.check()
    coach.get_by_role("link", name="Beoordelen").click()
    check.check()
    expect(coach.get_by_text("Bij het afscheid ga ik te snel weg.")).to_be_visible()  # attached by the learner
    mark(coach, "feiten", "Nog niet", "Schrijf wat kind A deed.")
    mark(coach, "signaal", "Voldoende")
    mark(coach, "leerpunt", "Voldoende")
    coach.get_by_label("Je feedback voor de cursist").fill("Beschrijf wat kind A deed, in feiten.")
    coach.get_by_role("button", name="Vraag om herziening").click()
    check.check()

    page.reload()
    a11y.check()
    expect(page.get_by_text("Beschrijf wat kind A deed, in feiten.")).to_be_visible()
    expect(page.get_by_text("Werk aan: Beschrijft de cursist feiten in plaats van oordelen?")).to_be_visible()
    expect(page.get_by_label("Drie momenten van troost")).to_have_value("Kind A viel bij de glijbaan.")
    page.get_by_label("Drie momenten van troost").fill("Kind A viel, huilde en stak de armen naar mij uit.")
    page.get_by_role("button", name="Inleveren").click()
    a11y.check()

    coach.goto(live_server + "/coach/")
    check.check()
    coach.get_by_role("link", name="Beoordelen").click()
    check.check()
    for criterion in ("feiten", "signaal", "leerpunt"):
        mark(coach, criterion, "Voldoende")
    coach.get_by_label("Je feedback voor de cursist").fill("Goed waargenomen. Afgetekend.")
    coach.get_by_role("button", name="Aftekenen").click()
    check.check()
    expect(coach.get_by_text("Er wacht nu niets op je")).to_be_visible()
    # The coach switches the hand-in mail off in the mail settings, with the keyboard alone.
    coach.goto(live_server + "/account/meldingen")
    check.check()
    handins = coach.get_by_label("Een mail als een praktijkopdracht op je feedback wacht (als je coach bent)")
    expect(handins).to_be_checked()
    handins.focus()
    coach.keyboard.press("Space")
    coach.get_by_role("button", name="Opslaan").press("Enter")
    expect(coach.get_by_text("Je mailinstellingen zijn opgeslagen.")).to_be_visible()
    check.check()
    expect(handins).not_to_be_checked()
    check.assert_all_checked()
    coach_context.close()

    page.reload()
    a11y.check()
    code = page.locator(".code").first.inner_text()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download je praktijkverklaring").click()
    with open(info.value.path(), "rb") as handle:
        text = PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    assert "Praktijkverklaring" in text and "Zoë Brûlé" in text and "Coach Carla" in text and code in text

    stranger_context = browser.new_context()
    stranger = stranger_context.new_page()
    check = A11y(stranger)
    stranger.goto(live_server + "/verify")
    check.check()
    stranger.get_by_label("Verificatiecode").fill(code)
    stranger.get_by_role("button", name="Controleren").click()
    check.check()
    expect(stranger.get_by_text("Geldige praktijkverklaring")).to_be_visible()
    check.assert_all_checked()
    stranger_context.close()

    manager_context = browser.new_context(accept_downloads=True)
    manager = manager_context.new_page()
    check = A11y(manager)
    login(manager, check, live_server, "leiding@voorbeeld.nl")
    manager.goto(f"{live_server}/teams/{people}/")
    check.check()
    expect(manager.locator(".practice-state").first).to_have_text("Praktijk: afgetekend")
    expect(manager.get_by_text("Kind A viel")).to_have_count(0)
    with manager.expect_download() as info:
        manager.get_by_role("link", name="Download als CSV-bestand").click()
    with open(info.value.path(), encoding="utf-8-sig") as handle:
        csv = handle.read()
    assert "afgetekend" in csv and "Kind A" not in csv
    check.assert_all_checked()
    manager_context.close()


def test_a_gastouder_on_a_phone_joins_by_code_hands_in_and_her_bemiddelingsmedewerker_signs_off(
        page, a11y, live_server, app, make_user, browser):
    """At 375 px: the setting on the account page, no dead end without a coach, the privacy check, the code,
    and the bemiddelingsmedewerker's review and observation on a phone."""
    make_user(name="Samira Yilmaz", email="gastouder@voorbeeld.nl")
    make_user(name="Ingrid Bos", email="bemiddeling@voorbeeld.nl")
    with app.app_context():
        bureau = teams.create_organisation(db.session, None, "Gastouderbureau Het Nest", kind="gastouderbureau")
        team = teams.create_team(db.session, None, db.session.get(Organisation, bureau.id), "Regio Noord")
        ingrid = db.session.scalar(select(User).where(User.email == "bemiddeling@voorbeeld.nl"))
        teams.appoint_manager(db.session, None, team, ingrid)
        teams.appoint_coach(db.session, None, team, ingrid)
        code = team.join_code
        db.session.remove()
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, a11y, live_server, "gastouder@voorbeeld.nl")
    page.goto(live_server + "/account/")
    a11y.check()
    page.get_by_label("Waar werk je?").select_option(label="Gastouder")
    page.get_by_role("button", name="Opslaan").first.click()
    a11y.check()
    expect(page.get_by_text(re.compile(r"^Nu: Gastouder\.$"))).to_be_visible()

    page.goto(live_server + "/cursus/eerste-module/praktijkopdracht")
    a11y.check()
    expect(page.get_by_text("Vraag je leidinggevende of gastouderbureau om een uitnodiging")).to_be_visible()
    page.get_by_label("Drie momenten van troost").fill("Kind A (3 jaar) viel. Moeder belde: 06-12345678.")
    page.get_by_label("Wat neem je mee naar je eigen opvang?").fill("Ik ga eerder door de knieën.")
    page.get_by_role("button", name="Inleveren").click()
    a11y.check()
    expect(page.get_by_text("Dit lijkt een telefoonnummer: laat het weg.")).to_be_visible()
    expect(page.get_by_role("button", name="Toch inleveren")).to_be_visible()
    page.get_by_label("Drie momenten van troost").fill("Kind A (3 jaar) viel en keek naar mij.")
    page.get_by_role("button", name="Inleveren", exact=True).click()
    a11y.check()
    expect(page.get_by_text("Je opdracht is ingeleverd")).to_be_visible()  # without a coach: it waits

    page.get_by_label("Code van je team of gastouderbureau").fill("0000")
    page.get_by_role("button", name="Word lid").click()
    a11y.check()
    expect(page.get_by_text("8 letters en cijfers").first).to_be_visible()
    page.get_by_label("Code van je team of gastouderbureau").fill(code.lower())
    page.get_by_role("button", name="Word lid").click()
    a11y.check()
    expect(page.get_by_text("Welkom bij Regio Noord")).to_be_visible()

    coach_context = browser.new_context(viewport={"width": 375, "height": 740})
    coach = coach_context.new_page()
    check = A11y(coach)
    login(coach, check, live_server, "bemiddeling@voorbeeld.nl")
    coach.goto(live_server + "/coach/")
    check.check()
    coach.get_by_role("link", name="Observatie toevoegen").click()
    check.check()
    coach.get_by_label("Situatie").fill("Kind A wilde niet slapen; Samira nam de tijd en zong zacht.")
    coach.get_by_label("Noemt de cursist het signaal van het kind?").check()
    coach.get_by_role("button", name="Observatie bewaren").click()
    check.check()
    expect(coach.get_by_text("Samira nam de tijd")).to_be_visible()
    for criterion in ("feiten", "leerpunt"):
        mark(coach, criterion, "Voldoende")
    coach.get_by_label("Je feedback voor de cursist").fill("Mooi beschreven.")
    coach.get_by_role("button", name="Aftekenen").click()
    check.check()
    expect(coach.get_by_role("heading", name="Al beoordeeld")).to_be_visible()
    check.assert_all_checked()
    coach_context.close()

    page.goto(live_server + "/cursus/eerste-module/praktijkopdracht")
    a11y.check()
    expect(page.get_by_text("Wat je coach zag in de praktijk")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download je praktijkverklaring").click()
    with open(info.value.path(), "rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    assert "Ingrid Bos, bemiddelingsmedewerker gastouderbureau" in pages[0].extract_text()
    assert "Beoordeeld als voldoende" in pages[1].extract_text()
