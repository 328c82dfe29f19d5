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
