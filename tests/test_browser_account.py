"""A learner's own data in the browser: correct the name, reissue, read the privacy page, download, delete."""
import json
import re

import pytest
from playwright.sync_api import expect

from conftest import browser_login, complete_module

pytestmark = pytest.mark.browser


def test_rename_reissue_download_and_delete(page, a11y, live_server, app, make_user):
    user_id = make_user(name="Anouk van der Meer", email="anouk@voorbeeld.nl")
    complete_module(app, user_id)
    page.goto(live_server + "/inloggen")
    a11y.check()
    page.get_by_label("E-mailadres").fill("anouk@voorbeeld.nl")
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    a11y.check()

    # A typo in the name: correct it, then ask for a certificate on the right name.
    page.get_by_role("link", name="Mijn account").click()
    a11y.check()
    page.get_by_label("Volledige naam").fill("Anouk van der Meer-Çelik")
    page.get_by_role("button", name="Naam opslaan").click()
    a11y.check()
    expect(page.get_by_text("Je naam is aangepast.")).to_be_visible()
    page.get_by_role("link", name="Certificaten").click()
    a11y.check()
    old_code = page.locator(".cert-list .code").first.inner_text()
    page.get_by_role("link", name=re.compile("Opnieuw uitgeven")).click()
    a11y.check()
    expect(page.get_by_text(old_code)).to_be_visible()
    page.get_by_role("button", name="Ja, geef een nieuw certificaat uit").click()
    a11y.check()
    new_code = page.locator(".cert-list .code").first.inner_text()
    assert new_code != old_code
    expect(page.get_by_text("Op naam van: Anouk van der Meer-Çelik")).to_be_visible()

    page.goto(live_server + "/privacy")
    a11y.check()
    expect(page.get_by_role("heading", name="Privacyverklaring")).to_be_visible()
    page.get_by_role("link", name="Mijn account").first.click()
    a11y.check()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download al mijn gegevens").click()
    with open(info.value.path(), encoding="utf-8") as handle:
        data = json.load(handle)
    assert data["account"]["naam"] == "Anouk van der Meer-Çelik" and len(data["certificaten"]) == 2

    page.get_by_role("link", name="Account verwijderen").click()
    a11y.check()
    page.get_by_label("Je wachtwoord, ter bevestiging").fill("een-lang-wachtwoord")
    page.get_by_role("button", name="Verwijder mijn account definitief").click()
    a11y.check()
    expect(page.get_by_text("Je account en je gegevens zijn verwijderd.")).to_be_visible()

    page.goto(live_server + f"/verify/{new_code}")
    a11y.check()
    expect(page.get_by_text("Geldig certificaat")).to_be_visible()
    expect(page.get_by_text("(verwijderd op verzoek van de cursist)")).to_be_visible()
    expect(page.get_by_text("Anouk van der Meer-Çelik")).to_have_count(0)


def test_error_summary_links_to_its_fields_which_show_red(page, a11y, live_server):
    page.goto(live_server + "/registreren")
    a11y.check()
    page.get_by_label("E-mailadres").fill("geen-adres")
    page.get_by_role("button", name="Account aanmaken").click()
    a11y.check()
    summary = page.locator(".error-summary")
    links = summary.get_by_role("link")
    expect(links.first).to_be_visible()
    assert links.count() >= 3  # name, e-mail, password (and its repeat)
    email_link = summary.get_by_role("link", name=re.compile("e-mailadres", re.I)).first
    email_link.click()
    expect(page.get_by_label("E-mailadres")).to_be_focused()
    field = page.get_by_label("E-mailadres")
    assert field.evaluate("el => getComputedStyle(el).borderTopColor") == "rgb(161, 37, 27)"  # --err
    # The message sits between the label and the field.
    assert field.evaluate("el => el.previousElementSibling.className") == "error"


def test_controls_take_the_brand_colour_and_delete_looks_destructive(page, a11y, live_server, make_user):
    make_user(name="Bram", email="bram@voorbeeld.nl")
    browser_login(page, a11y, live_server, "bram@voorbeeld.nl")
    page.goto(live_server + "/account/verwijderen")
    a11y.check()
    box = page.get_by_role("checkbox")
    assert box.evaluate("el => getComputedStyle(el).accentColor") == "rgb(11, 94, 99)"  # --brand
    button = page.get_by_role("button", name="Verwijder mijn account definitief")
    assert button.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(161, 37, 27)"
    page.set_viewport_size({"width": 375, "height": 740})
    assert button.evaluate("el => el.getBoundingClientRect().right") <= 375


def test_certificate_check_answers_first_with_a_summary_list(page, a11y, live_server, app, make_user):
    user_id = make_user(name="Anouk", email="anouk@voorbeeld.nl")
    complete_module(app, user_id)
    from conftest import only_certificate
    code = only_certificate(app).code
    page.goto(f"{live_server}/verify/{code}")
    a11y.check()
    first = page.locator("main h1 ~ *").first
    expect(first).to_have_class(re.compile("status-block"))
    for term in ("Naam", "Certificaat", "Datum van uitgifte", "Studiebelasting", "Uitgegeven door", "Code",
                 "Gecontroleerd op"):
        expect(first.locator("dt", has_text=term).first).to_be_visible()
    expect(first.locator("dd", has_text=re.compile(r" om \d\d:\d\d$"))).to_have_count(1)
