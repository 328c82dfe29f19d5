"""Locations with their LRK number on the administrator's pages: add, edit, remove, tie a team, audit."""
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from course import teams
from course.extensions import db
from course.models import AuditEvent, Location, Organisation, Team
from course.teams import locations

from conftest import csrf_token, post_form

LRK = "123456789012"
NUMBERS = itertools.count(1)


@pytest.fixture
def admin(make_user, auth):
    make_user(name="Bram Beheer", email="beheer@voorbeeld.nl", is_admin=True)
    auth.login("beheer@voorbeeld.nl")


def stored_locations(app) -> list[tuple[str, str | None]]:
    with app.app_context():
        rows = [(loc.name, loc.lrk_number) for loc in db.session.scalars(select(Location).order_by(Location.name))]
        db.session.remove()
    return rows


def actions(app) -> list[str]:
    with app.app_context():
        found = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        db.session.remove()
    return found


@pytest.mark.parametrize("typed, stored", [(LRK, LRK), ("1234 5678 9012", LRK), ("1234.5678.9012", LRK),
                                           ("", None), ("  ", None)])
def test_clean_lrk_keeps_twelve_digits(typed, stored):
    assert locations.clean_lrk(typed) == stored


@pytest.mark.parametrize("typed", ["12345678901", "1234567890123", "LRK-12ab", "12345678901a", "١٢٣٤٥٦٧٨٩٠١٢",
                                   "123456789012\x00", "-12345678901"])
def test_clean_lrk_refuses_anything_else_in_dutch(typed):
    with pytest.raises(locations.InvalidLrk, match="alleen uit cijfers: precies 12"):
        locations.clean_lrk(typed)


def test_empty_state_add_edit_and_remove_a_location(app, client, admin, org):
    organisation = org("Kinderopvang Zonnebloem")
    url = f"/beheer/organisaties/{organisation}/locaties"
    page = client.get(url).get_data(as_text=True)
    assert "Kinderopvang Zonnebloem heeft nog geen locaties." in page
    assert 'href="/beheer/organisaties/%d/locaties"' % organisation in client.get(
        f"/beheer/organisaties/{organisation}").get_data(as_text=True)

    response = post_form(client, url, {"name": "Locatie Noord", "lrk": "1234 5678 9012"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Locatie ‘Locatie Noord’ is toegevoegd" in page and LRK in page and "nog geen locaties" not in page
    assert stored_locations(app) == [("Locatie Noord", LRK)]

    with app.app_context():
        location_id = db.session.scalar(select(Location.id))
        db.session.remove()
    edit = f"/beheer/locaties/{location_id}"
    assert 'value="Locatie Noord"' in client.get(edit).get_data(as_text=True)
    response = post_form(client, edit, {"name": "Locatie Noord-Oost", "lrk": "210987654321"}, follow_redirects=True)
    assert "Locatie ‘Locatie Noord-Oost’ is opgeslagen." in response.get_data(as_text=True)
    assert stored_locations(app) == [("Locatie Noord-Oost", "210987654321")]

    confirm = client.get(f"{edit}/verwijderen").get_data(as_text=True)
    assert "Locatie ‘Locatie Noord-Oost’ verwijderen" in confirm and "Er hoort geen team bij deze locatie" in confirm
    assert stored_locations(app) == [("Locatie Noord-Oost", "210987654321")]  # asking is not removing
    response = post_form(client, f"{edit}/verwijderen", {}, follow_redirects=True)
    assert "Locatie ‘Locatie Noord-Oost’ is verwijderd." in response.get_data(as_text=True)
    assert stored_locations(app) == []
    assert [a for a in actions(app) if "locatie" in a] == ["locatie aangemaakt", "locatie gewijzigd", "locatie verwijderd"]


@pytest.mark.parametrize("lrk", ["12345", "LRK-12ab", "1234567890123"])
def test_a_bad_lrk_number_gets_a_dutch_message_and_nothing_is_stored(app, client, admin, org, lrk):
    organisation = org()
    response = post_form(client, f"/beheer/organisaties/{organisation}/locaties", {"name": "Locatie Noord", "lrk": lrk})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Een LRK-nummer bestaat alleen uit cijfers: precies 12" in page and 'href="#lrk"' in page  # in the summary, linked
    assert stored_locations(app) == []


def test_duplicate_names_and_empty_names_are_refused(app, client, admin, org):
    organisation = org()
    url = f"/beheer/organisaties/{organisation}/locaties"
    post_form(client, url, {"name": "Locatie Noord", "lrk": ""})
    post_form(client, url, {"name": "Locatie Zuid", "lrk": ""})
    response = post_form(client, url, {"name": "locatie noord", "lrk": ""})
    assert response.status_code == 422 and "heeft al een locatie met de naam" in response.get_data(as_text=True)
    response = post_form(client, url, {"name": "", "lrk": LRK})
    assert response.status_code == 422 and "Vul een naam in." in response.get_data(as_text=True)
    with app.app_context():
        south = db.session.scalar(select(Location.id).where(Location.name == "Locatie Zuid"))
        db.session.remove()
    response = post_form(client, f"/beheer/locaties/{south}", {"name": "Locatie Noord", "lrk": ""})
    assert response.status_code == 422 and "heeft al een locatie met de naam" in response.get_data(as_text=True)
    assert stored_locations(app) == [("Locatie Noord", None), ("Locatie Zuid", None)]


def test_tie_a_team_and_removing_its_location_unties_it(app, client, admin, make_team):
    team_id = make_team("De Regenboog")
    with app.app_context():
        organisation = db.session.get(Team, team_id).organisation
        north = locations.add_location(db.session, None, organisation, "Locatie Noord", LRK).id
        elsewhere = teams.create_organisation(db.session, None, "Andere Organisatie")
        other = locations.add_location(db.session, None, db.session.get(Organisation, elsewhere.id), "Elders").id
        db.session.remove()
    page = client.get(f"/beheer/teams/{team_id}").get_data(as_text=True)
    assert f"Locatie Noord (LRK {LRK})" in page and "Elders" not in page  # only its own organisation's

    response = post_form(client, f"/beheer/teams/{team_id}/locatie", {"location": str(north)},
                         page=f"/beheer/teams/{team_id}", follow_redirects=True)
    assert "De Regenboog hoort nu bij locatie Locatie Noord." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Team, team_id).location_id == north
        db.session.remove()
    listing = client.get(f"/beheer/organisaties/{db_org(app, team_id)}/locaties").get_data(as_text=True)
    assert "De Regenboog" in listing

    # Another organisation's location, or a made-up one, is refused with a message and changes nothing.
    for value in (str(other), "999999", "abc"):
        response = post_form(client, f"/beheer/teams/{team_id}/locatie", {"location": value},
                             page=f"/beheer/teams/{team_id}", follow_redirects=True)
        assert "Kies een locatie van deze organisatie uit de lijst" in response.get_data(as_text=True)
        with app.app_context():
            assert db.session.get(Team, team_id).location_id == north
            db.session.remove()

    confirm = client.get(f"/beheer/locaties/{north}/verwijderen").get_data(as_text=True)
    assert "Daarna hoort team De Regenboog bij geen locatie meer." in confirm
    post_form(client, f"/beheer/locaties/{north}/verwijderen", {})
    with app.app_context():
        team = db.session.get(Team, team_id)
        assert team is not None and team.location_id is None
        db.session.remove()
    assert "team aan locatie gekoppeld" in actions(app) and "locatie verwijderd" in actions(app)


def db_org(app, team_id: int) -> int:
    with app.app_context():
        found = db.session.get(Team, team_id).organisation_id
        db.session.remove()
    return found


def test_organisation_lrk_number_is_set_and_cleared(app, client, admin, org):
    organisation = org("Gastouderbureau Zon")
    url = f"/beheer/organisaties/{organisation}/lrk"
    page = f"/beheer/organisaties/{organisation}/locaties"
    response = post_form(client, url, {"lrk": "12ab"}, page=page)
    assert response.status_code == 422 and "Een LRK-nummer bestaat alleen uit cijfers: precies 12" in response.get_data(as_text=True)
    response = post_form(client, url, {"lrk": LRK}, page=page, follow_redirects=True)
    assert "Het LRK-nummer van de organisatie is opgeslagen." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Organisation, organisation).lrk_number == LRK
        db.session.remove()
    response = post_form(client, url, {"lrk": ""}, page=page, follow_redirects=True)
    assert "is weggehaald" in response.get_data(as_text=True)
    assert actions(app).count("LRK-nummer organisatie") == 2


def test_location_pages_need_an_administrator(app, client, auth, make_user, make_team):
    manager = make_user(email="leiding@voorbeeld.nl")
    team_id = make_team(manager_id=manager)
    organisation = db_org(app, team_id)
    with app.app_context():
        location = locations.add_location(db.session, None, db.session.get(Organisation, organisation), "Noord").id
        db.session.remove()
    auth.login("leiding@voorbeeld.nl")
    for url in (f"/beheer/organisaties/{organisation}/locaties", f"/beheer/locaties/{location}",
                f"/beheer/locaties/{location}/verwijderen"):
        assert client.get(url).status_code == 404
    token_page = client.get("/account/").get_data(as_text=True)
    for url, data in ((f"/beheer/locaties/{location}/verwijderen", {}),
                      (f"/beheer/teams/{team_id}/locatie", {"location": str(location)}),
                      (f"/beheer/organisaties/{organisation}/lrk", {"lrk": LRK})):
        assert client.post(url, data={**data, "csrf_token": csrf_token(token_page)}).status_code == 404
    assert stored_locations(app) == [("Noord", None)]
    with app.app_context():
        assert db.session.get(Team, team_id).location_id is None
        db.session.remove()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=60), lrk=st.text(max_size=30))
def test_any_typed_location_is_answered_sanely(app, client, admin, org, name, lrk):
    organisation = org(f"Organisatie {next(NUMBERS)}")  # the database is not emptied between examples
    response = post_form(client, f"/beheer/organisaties/{organisation}/locaties", {"name": name, "lrk": lrk})
    assert response.status_code in (302, 422)
    for _, stored in stored_locations(app):
        assert stored is None or (stored.isascii() and stored.isdigit() and len(stored) == 12)
