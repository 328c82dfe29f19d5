"""A learner's own data in the browser: correct the name, reissue, read the privacy page, download, delete."""
import json
import re

import pytest
from playwright.sync_api import expect

from conftest import complete_module

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
