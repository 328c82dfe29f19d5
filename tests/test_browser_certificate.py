"""Complete a module in the browser, download its certificate, and verify its code as a stranger."""
import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from course.extensions import db
from course.models import User
from course.progress import mark_lesson_done

from conftest import pass_quiz

pytestmark = pytest.mark.browser


@pytest.fixture
def ready(app, make_user):
    user_id = make_user(name="Zoë Brûlé", email="zoe@voorbeeld.nl")
    with app.app_context():
        user = db.session.get(User, user_id)
        for lesson in app.extensions["course"].module("eerste-module").lessons:
            mark_lesson_done(db.session, user, lesson)
        db.session.remove()


def test_complete_download_and_verify(page, a11y, live_server, ready, browser):
    page.goto(live_server + "/inloggen")
    a11y.check()
    page.get_by_label("E-mailadres").fill("zoe@voorbeeld.nl")
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    a11y.check()
    page.goto(live_server + "/cursus/eerste-module/quiz/")
    a11y.check()
    page.get_by_role("button", name="Start de quiz").click()
    a11y.check()
    pass_quiz(page, a11y)
    expect(page.get_by_text("Je certificaat staat klaar")).to_be_visible()

    page.get_by_role("link", name="Certificaten").click()
    a11y.check()
    code = page.locator(".cert-list .code").first.inner_text()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download pdf").first.click()
    with open(info.value.path(), "rb") as handle:
        pdf = PdfReader(io.BytesIO(handle.read()))
    text = pdf.pages[0].extract_text()
    assert "Zoë Brûlé" in text and code in text

    # A stranger (new browser context, no account) checks the code via the home page.
    stranger = browser.new_context()
    other = stranger.new_page()
    from conftest import A11y
    check = A11y(other)
    other.goto(live_server + "/")
    check.check()
    other.get_by_role("link", name="Certificaat controleren").first.click()
    check.check()
    other.get_by_label("Verificatiecode").fill(code.lower())
    other.get_by_role("button", name="Controleren").click()
    check.check()
    expect(other.get_by_text("Geldig certificaat")).to_be_visible()
    expect(other.get_by_text("Zoë Brûlé")).to_be_visible()
    other.get_by_label("Verificatiecode").fill("ZZZZ-ZZZZ-ZZZZ")
    other.get_by_role("button", name="Controleren").click()
    check.check()
    expect(other.get_by_role("heading", name="Niet gevonden")).to_be_visible()
    check.assert_all_checked()
    stranger.close()


def test_open_badge_download_and_proof_from_elsewhere(page, a11y, live_server, app, make_user, tmp_path):
    """The badge downloads beside the PDF; the page for proof from elsewhere takes a good badge and refuses a bad one.

    axe and the phone widths (320 and 375 px) on every page, at the default 1280 px too."""
    import json

    from PIL import Image

    from course.credentials import baking, fetch

    from conftest import browser_login, complete_module
    from elsewhere import OtherInstallation

    user_id = make_user(name="Zoë Brûlé", email="zoe@voorbeeld.nl")
    complete_module(app, user_id)
    other = OtherInstallation(tmp_path)
    original = app.extensions["openbadge_fetcher"]
    app.extensions["openbadge_fetcher"] = lambda url: fetch.table_fetcher(other.documents())(url)
    try:
        page.set_viewport_size({"width": 1280, "height": 800})
        browser_login(page, a11y, live_server, "zoe@voorbeeld.nl")
        page.goto(live_server + "/certificaten/")
        a11y.check()
        with page.expect_download() as info:
            page.get_by_role("link", name="Download als Open Badge").first.click()
        assert info.value.suggested_filename.endswith("-openbadge.png")
        with Image.open(info.value.path()) as image:
            image.load()
            token = image.text["openbadgecredential"]
        with page.expect_download() as info:
            page.get_by_role("link", name="Open Badge als JSON-bestand").first.click()
        with open(info.value.path(), encoding="utf-8") as handle:
            assert json.load(handle)["jwt"] == token

        page.get_by_role("link", name="Voeg je Open Badge of certificaatcode van elders toe").click()
        a11y.check()
        badge = tmp_path / "badge.png"
        badge.write_bytes(baking.bake(baking.draw("Module 1", "Certificaat", "2025"),
                                      other.credential(name="Zoë Brûlé", email="zoe@voorbeeld.nl")))
        page.get_by_label("Bestand met de Open Badge").set_input_files(str(badge))
        page.get_by_role("button", name="Controleren en toevoegen").click()
        a11y.check()
        expect(page.get_by_text("Gecontroleerd en toegevoegd als extern behaald")).to_be_visible()
        expect(page.get_by_role("heading", name="Module 1: Gehechtheid in de praktijk")).to_be_visible()

        page.get_by_label("Of plak de tekst van de Open Badge (JWT)").fill("geen.echte.badge")
        page.get_by_role("button", name="Controleren en toevoegen").click()
        a11y.check()
        expect(page.get_by_role("heading", name="Niet toegevoegd")).to_be_visible()
        page.set_viewport_size({"width": 375, "height": 740})
        expect(page.get_by_role("button", name="Controleren en toevoegen")).to_be_visible()
        a11y.check_phone_widths()
    finally:
        app.extensions["openbadge_fetcher"] = original
