"""An administrator adds a location with its LRK number, ties a team to it, edits and removes it; axe on every page."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from course import teams
from course.extensions import db
from course.models import AuditEvent, Organisation, Team

from conftest import browser_login

pytestmark = pytest.mark.browser


@pytest.fixture
def organisation_with_team(app, make_user):
    make_user(name="Bram Beheer", email="beheer@voorbeeld.nl", is_admin=True)
    with app.app_context():
        organisation = teams.create_organisation(db.session, None, "Kinderopvang Zonnebloem")
        team = teams.create_team(db.session, None, db.session.get(Organisation, organisation.id), "De Regenboog")
        team_id = team.id
        db.session.remove()
    return team_id


def test_admin_manages_locations_and_ties_a_team(page, a11y, live_server, app, organisation_with_team):
    browser_login(page, a11y, live_server, "beheer@voorbeeld.nl")
    page.get_by_role("link", name="Beheer").click()
    a11y.check()
    page.get_by_role("link", name="Kinderopvang Zonnebloem").click()
    a11y.check()
    page.get_by_role("link", name="Locaties en LRK-nummers").click()
    a11y.check()
    expect(page.get_by_text("Kinderopvang Zonnebloem heeft nog geen locaties.")).to_be_visible()

    # A mistyped number: the message is Dutch, in the summary and at the field, and nothing is stored.
    page.get_by_label("Naam van de locatie").fill("Locatie Noord")
    page.get_by_label("LRK-nummer", exact=True).fill("1234 5678")
    page.get_by_role("button", name="Locatie toevoegen").click()
    a11y.check()
    summary_link = page.get_by_role("link", name=re.compile("Een LRK-nummer bestaat alleen uit cijfers"))
    expect(summary_link).to_be_visible()
    summary_link.click()
    expect(page.get_by_label("LRK-nummer", exact=True)).to_be_focused()
    page.get_by_label("LRK-nummer", exact=True).fill("1234 5678 9012")
    page.get_by_role("button", name="Locatie toevoegen").click()
    a11y.check()
    expect(page.get_by_text("Locatie ‘Locatie Noord’ is toegevoegd.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Locatie Noord"))
    expect(row.get_by_text("123456789012")).to_be_visible()

    # Tie the team to it on the team's page.
    page.goto(live_server + f"/beheer/teams/{organisation_with_team}")
    a11y.check()
    page.get_by_role("combobox", name="Locatie").select_option(label="Locatie Noord (LRK 123456789012)")
    page.get_by_role("button", name="Locatie opslaan").click()
    a11y.check()
    expect(page.get_by_text("De Regenboog hoort nu bij locatie Locatie Noord.")).to_be_visible()
    page.get_by_role("link", name=re.compile("Locaties en LRK-nummers van")).click()
    a11y.check()
    expect(page.get_by_role("row", name=re.compile("Locatie Noord")).get_by_text("De Regenboog")).to_be_visible()

    # Edit the number.
    page.get_by_role("link", name=re.compile("Wijzigen.*Locatie Noord")).click()
    a11y.check()
    page.get_by_label("LRK-nummer", exact=True).fill("210987654321")
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    a11y.check()
    expect(page.get_by_role("row", name=re.compile("Locatie Noord")).get_by_text("210987654321")).to_be_visible()

    # Removing asks first, names the team, and can be cancelled.
    page.get_by_role("link", name=re.compile("Verwijderen.*Locatie Noord")).click()
    a11y.check()
    expect(page.get_by_text("Daarna hoort team De Regenboog bij geen locatie meer.")).to_be_visible()
    page.get_by_role("link", name="Annuleren").click()
    a11y.check()
    expect(page.get_by_role("row", name=re.compile("Locatie Noord"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Verwijderen.*Locatie Noord")).click()
    a11y.check()
    page.get_by_role("button", name="Ja, verwijder de locatie").click()
    a11y.check()
    expect(page.get_by_text("Locatie ‘Locatie Noord’ is verwijderd. 1 team(s) horen nu bij geen locatie.")).to_be_visible()
    expect(page.get_by_text("Kinderopvang Zonnebloem heeft nog geen locaties.")).to_be_visible()
    a11y.assert_all_checked()

    with app.app_context():
        assert db.session.get(Team, organisation_with_team).location_id is None
        logged = set(db.session.scalars(select(AuditEvent.action)))
        db.session.remove()
    assert {"locatie aangemaakt", "team aan locatie gekoppeld", "locatie gewijzigd", "locatie verwijderd"} <= logged
