"""Pages no other browser test opens, on a phone: every check also measures the page at 320 and 375 px."""
import re

import pytest
from playwright.sync_api import expect

from course import accounts, certificates
from course.extensions import db
from course.models import User
from course.progress import mark_lesson_done

from conftest import browser_login, complete_module, open_menu

pytestmark = pytest.mark.browser


@pytest.fixture
def learner_at_quiz_2(app, make_user):
    """Module 1 completed (a certificate), every lesson of module 2 read: its quiz is open."""
    user_id = make_user(name="Zoë Brûlé", email="zoe@voorbeeld.nl")
    complete_module(app, user_id)
    with app.app_context():
        user = db.session.get(User, user_id)
        for lesson in app.extensions["course"].module("tweede-module").lessons:
            mark_lesson_done(db.session, user, lesson)
        db.session.remove()
    return user_id


def login(page, a11y, live_server):
    browser_login(page, a11y, live_server, "zoe@voorbeeld.nl")


def open_question(page, text):
    """Page with "← Vorige vraag" / "Volgende vraag →" to the question with this text; return it."""
    target = page.locator("li.question", has_text=text)
    back = page.get_by_role("button", name="← Vorige vraag")
    while back.is_visible():
        back.click()
    for _ in range(20):
        if target.is_visible():
            return target
        page.get_by_role("button", name="Volgende vraag →").click()
    raise AssertionError(f"question {text!r} not reached")


def test_quiz_with_long_categories_result_and_certificates_on_a_phone(page, a11y, live_server, learner_at_quiz_2):
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, a11y, live_server)
    page.get_by_role("link", name="Verder met de quiz van module 2").click()
    a11y.check()
    page.get_by_role("button", name="Start de quiz").click()
    a11y.check()
    # On a phone the quiz shows one question per screen, with previous and next.
    question = open_question(page, "Waar op de cirkel hoort elke behoefte bij?")
    question.get_by_label("Let op me").select_option(label="Onderkant - terugkomen (veilige haven)")
    question.get_by_label("Help me mijn gevoelens te ordenen").select_option(
        label="Bovenkant - op pad gaan (veilige basis)")
    open_question(page, "Wat doe je bij zorgen?").get_by_label("Zelf een diagnose stellen").check()
    open_question(page, "Wat helpt een kind").get_by_label("Een nieuw speeltje").check()
    open_question(page, "Wat schrijf je op?").get_by_label("Welke stijl het kind heeft").check()
    expect(page.locator(".save-status")).to_contain_text("Opgeslagen")
    page.get_by_role("button", name="Inleveren").click()
    a11y.check()
    expect(page.get_by_text("Nog niet geslaagd.")).to_be_visible()

    open_menu(page)
    page.get_by_role("link", name="Certificaten").click()
    a11y.check()
    code = page.locator(".cert-list .code").first.inner_text()
    page.get_by_role("link", name="Certificaat controleren").first.click()
    a11y.check()
    page.goto(f"{live_server}/verify/{code}")
    a11y.check()
    expect(page.get_by_text("Geldig certificaat")).to_be_visible()
    page.goto(f"{live_server}/verify?code={'X' * 40}")  # a long wrong code still fits
    a11y.check()
    expect(page.get_by_role("heading", name="Niet gevonden")).to_be_visible()


def test_revoked_certificate_and_password_reset_on_a_phone(page, a11y, live_server, app, learner_at_quiz_2):
    with app.app_context():
        user = db.session.get(User, learner_at_quiz_2)
        certificate = certificates.certificates_of(db.session, user)[0]
        certificates.revoke(db.session, certificate, "Uitgegeven op een verkeerde naam.")
        code = certificate.code
        token = accounts.make_reset_token(app.config["SECRET_KEY"], user)
        db.session.commit()
        db.session.remove()
    page.goto(f"{live_server}/verify/{code}")
    a11y.check()
    expect(page.get_by_text("Dit certificaat is ingetrokken")).to_be_visible()
    page.goto(f"{live_server}/wachtwoord-herstellen/{token}")
    a11y.check()
    page.get_by_role("button", name=re.compile("opslaan|instellen|wijzigen", re.I)).click()  # empty: errors
    a11y.check()
    for url in ("/registreren", "/privacy", "/cursus/tweede-module/", "/cursus/tweede-module/les-2"):
        page.goto(live_server + url)
        a11y.check()


def test_tables_become_label_value_blocks_on_a_phone(page, a11y, live_server, learner_at_quiz_2):
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, a11y, live_server)
    for url, label in (("/cursus/eerste-module/les-1", '"Stijl"'), ("/privacy", '"Gegevens"'),
                       ("/cursus/eerste-module/quiz/", '"Datum"')):
        page.goto(live_server + url)
        a11y.check()
        cell = page.locator("table.stack-table tbody td").first
        assert cell.evaluate("el => getComputedStyle(el).display") == "block", url
        assert cell.evaluate("el => getComputedStyle(el, '::before').content") == label, url
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, url
    page.set_viewport_size({"width": 1280, "height": 900})  # a table again on a desk screen
    assert page.locator("table.stack-table tbody td").first.evaluate("el => getComputedStyle(el).display") \
        == "table-cell"
