"""Teams: invitations, who sees what, the team table and its exports."""
import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from course.extensions import db
from course.models import AuditEvent, Team, TeamMembership, User
from course.text import utcnow

from conftest import PINNED, complete_module, csrf_token, post_form

# Results here depend on dates: run at one fixed moment (conftest.PINNED).
pytestmark = pytest.mark.usefixtures("pinned_clock")


def token_of(app, team_id):
    with app.app_context():
        return db.session.get(Team, team_id).invite_token


def members(app, team_id):
    with app.app_context():
        return db.session.scalar(select(func.count(TeamMembership.id)).where(TeamMembership.team_id == team_id))


# ----- invitations -----

def test_invitation_join_once(client, app, make_team, learner):
    team_id = make_team()
    url = f"/teams/uitnodiging/{token_of(app, team_id)}"
    assert "Word lid van De Regenboog" in client.get(url).get_data(as_text=True)
    response = post_form(client, url, {})
    assert response.status_code == 302 and members(app, team_id) == 1
    post_form(client, url, {})
    assert members(app, team_id) == 1
    assert "Je bent al lid van dit team" in client.get(url).get_data(as_text=True)


def test_invitation_for_anonymous_offers_login_and_register_and_comes_back(client, app, make_team, make_user):
    team_id = make_team()
    url = f"/teams/uitnodiging/{token_of(app, team_id)}"
    html = client.get(url).get_data(as_text=True)
    assert "Log eerst in" in html and f"/inloggen?next={url}" in html.replace("%2F", "/")
    make_user(email="nieuw@voorbeeld.nl")
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    response = client.post("/inloggen", query_string={"next": url},
                           data={"email": "nieuw@voorbeeld.nl", "password": "een-lang-wachtwoord", "csrf_token": token})
    assert response.headers["Location"] == url


def test_register_from_invitation_comes_back(client, app, make_team):
    team_id = make_team()
    url = f"/teams/uitnodiging/{token_of(app, team_id)}"
    token = csrf_token(client.get("/registreren").get_data(as_text=True))
    response = client.post("/registreren", query_string={"next": url}, data={
        "name": "Nieuwe Collega", "email": "collega@voorbeeld.nl", "password": "een-lang-wachtwoord",
        "confirm": "een-lang-wachtwoord", "csrf_token": token})
    assert response.headers["Location"] == url


def test_expired_invitation(client, app, make_team, learner):
    team_id = make_team()
    with app.app_context():
        db.session.get(Team, team_id).invite_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = client.get(f"/teams/uitnodiging/{token_of(app, team_id)}")
    assert response.status_code == 404 and "verlopen" in response.get_data(as_text=True)


@pytest.mark.parametrize("production, base_url_set, expected", [
    (False, False, "http://localhost:8123"),  # development without BASE_URL: the address the browser used
    (False, True, "https://cursus.example.nl"),
    (True, False, "https://cursus.example.nl"),  # production: always BASE_URL
])
def test_invitation_link_uses_the_request_host_only_in_development_without_base_url(
        client, app, auth, make_user, make_team, monkeypatch, production, base_url_set, expected):
    manager = make_user(email="leiding@voorbeeld.nl")
    team_id = make_team(manager_id=manager)
    auth.login("leiding@voorbeeld.nl")
    monkeypatch.setitem(app.config, "BASE_URL", "https://cursus.example.nl")
    monkeypatch.setitem(app.config, "PRODUCTION", production)
    monkeypatch.setitem(app.config, "BASE_URL_SET", base_url_set)
    html = client.get(f"/teams/{team_id}/", base_url="http://localhost:8123").get_data(as_text=True)
    assert f'value="{expected}/teams/uitnodiging/{token_of(app, team_id)}"' in html


def test_renewed_invitation_replaces_the_old_link(client, app, auth, make_user, make_team):
    manager = make_user(email="leiding@voorbeeld.nl")
    team_id = make_team(manager_id=manager)
    old = token_of(app, team_id)
    auth.login("leiding@voorbeeld.nl")
    confirm = client.get(f"/teams/{team_id}/uitnodiging-vernieuwen").get_data(as_text=True)
    assert "werkt de huidige link niet meer" in confirm and token_of(app, team_id) == old
    assert post_form(client, f"/teams/{team_id}/uitnodiging-vernieuwen", {}).status_code == 302
    new = token_of(app, team_id)
    assert new != old
    response = client.get(f"/teams/uitnodiging/{old}")
    assert response.status_code == 404 and "nieuwe link" in response.get_data(as_text=True)
    assert client.get(f"/teams/uitnodiging/{new}").status_code == 200
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "uitnodiging vernieuwd"))
        assert event.team_id == team_id and event.actor_id == manager


@pytest.mark.parametrize("token", ["kapot!!", "x" * 200, "bestaat-niet-maar-ziet-er-goed-uit"])
def test_malformed_invitation(client, token):
    response = client.get(f"/teams/uitnodiging/{token}")
    assert response.status_code == 404 and "Deze uitnodiging werkt niet" in response.get_data(as_text=True)


# ----- authorisation -----

MANAGER_URLS = ["/teams/{t}/", "/teams/{t}/export.csv", "/teams/{t}/export.xlsx", "/teams/{t}/certificaten.zip", "/teams/{t}/bewijs",
                "/teams/{t}/leden/{m}", "/teams/{t}/leden/{m}/verwijderen", "/teams/{t}/uitnodiging-vernieuwen"]


@pytest.fixture
def two_teams(make_user, make_team):
    manager_a = make_user(name="Leiding A", email="a@voorbeeld.nl")
    manager_b = make_user(name="Leiding B", email="b@voorbeeld.nl")
    member_a = make_user(name="Lid A", email="lid-a@voorbeeld.nl")
    member_b = make_user(name="Lid B", email="lid-b@voorbeeld.nl")
    make_user(name="Beheer", email="admin@voorbeeld.nl", is_admin=True)
    team_a = make_team("Team A", manager_a, [member_a])
    team_b = make_team("Team B", manager_b, [member_b])
    return {"A": (team_a, member_a), "B": (team_b, member_b)}


@pytest.mark.parametrize("who, team, expected", [
    ("lid-a@voorbeeld.nl", "A", 404),   # a learner on their own team
    ("a@voorbeeld.nl", "B", 404),       # manager of team A on team B
    ("a@voorbeeld.nl", "A", 200),
    ("admin@voorbeeld.nl", "B", 200),
])
@pytest.mark.parametrize("url", MANAGER_URLS)
def test_authorisation_matrix(client, auth, two_teams, who, team, expected, url):
    team_id, member_id = two_teams[team]
    auth.login(who)
    assert client.get(url.format(t=team_id, m=member_id)).status_code == expected


def test_member_of_another_team_in_url_is_404(client, auth, two_teams):
    auth.login("a@voorbeeld.nl")
    team_a, _ = two_teams["A"]
    _, member_b = two_teams["B"]
    assert client.get(f"/teams/{team_a}/leden/{member_b}").status_code == 404


def test_anonymous_is_sent_to_login(client, two_teams):
    team_id, member_id = two_teams["A"]
    for url in MANAGER_URLS:
        response = client.get(url.format(t=team_id, m=member_id))
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


@pytest.mark.parametrize("url", ["/beheer/", "/beheer/logboek"])
def test_admin_pages_for_admin_only(client, auth, two_teams, url):
    auth.login("a@voorbeeld.nl")
    assert client.get(url).status_code == 404
    auth.logout()
    auth.login("admin@voorbeeld.nl")
    assert client.get(url).status_code == 200


def test_manager_sees_scores_not_answers(client, app, auth, two_teams):
    team_id, member_id = two_teams["A"]
    complete_module(app, member_id)
    auth.login("a@voorbeeld.nl")
    html = client.get(f"/teams/{team_id}/leden/{member_id}").get_data(as_text=True)
    assert "100% (geslaagd)" in html
    for answer_text in ("Vermijdend", "Opmerken", "Signalen in kaart brengen"):
        assert answer_text not in html


def test_manager_downloads_member_certificate_but_not_others(client, app, auth, two_teams):
    from conftest import only_certificate
    team_a, member_a = two_teams["A"]
    team_b, member_b = two_teams["B"]
    complete_module(app, member_a)
    code_a = only_certificate(app).code
    complete_module(app, member_b)
    auth.login("a@voorbeeld.nl")
    assert client.get(f"/teams/{team_a}/certificaten/{code_a}.pdf").status_code == 200
    with app.app_context():
        from course.models import Certificate
        code_b = db.session.scalar(select(Certificate.code).where(Certificate.user_id == member_b))
    assert client.get(f"/teams/{team_a}/certificaten/{code_b}.pdf").status_code == 404
    assert client.get(f"/certificaten/{code_a}.pdf").status_code == 404  # the owner's route stays the owner's


# ----- manager actions -----

def test_remove_member_asks_confirmation_keeps_progress_and_is_logged(client, app, auth, two_teams):
    team_id, member_id = two_teams["A"]
    complete_module(app, member_id)
    auth.login("a@voorbeeld.nl")
    page = client.get(f"/teams/{team_id}/leden/{member_id}/verwijderen").get_data(as_text=True)
    assert "Ja, haal uit het team" in page and members(app, team_id) == 1
    post_form(client, f"/teams/{team_id}/leden/{member_id}/verwijderen", {})
    assert members(app, team_id) == 0
    with app.app_context():
        from course.models import Certificate, ModuleCompletion
        assert db.session.scalar(select(func.count(Certificate.id)).where(Certificate.user_id == member_id)) == 1
        assert db.session.scalar(select(func.count(ModuleCompletion.id))) == 1
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "lid verwijderd"))
        assert event.subject_id == member_id and event.team_id == team_id and event.at is not None


def test_revoke_manager_asks_confirmation_and_is_logged(client, app, auth, two_teams):
    team_id, _ = two_teams["A"]
    auth.login("admin@voorbeeld.nl")
    with app.app_context():
        manager_id = db.session.scalar(select(User.id).where(User.email == "a@voorbeeld.nl"))
    url = f"/beheer/teams/{team_id}/leidinggevenden/{manager_id}/intrekken"
    assert "Ja, trek in" in client.get(url).get_data(as_text=True)
    post_form(client, url, {})
    auth.logout()
    auth.login("a@voorbeeld.nl")
    assert client.get(f"/teams/{team_id}/").status_code == 404
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == manager_id)).all()
        assert "leidinggevende ingetrokken" in actions


def test_target_date_and_overdue_count(client, app, auth, two_teams):
    team_id, _ = two_teams["A"]
    auth.login("a@voorbeeld.nl")
    yesterday = (PINNED.date() - timedelta(days=1)).isoformat()
    post_form(client, f"/teams/{team_id}/streefdatum", {"target_date": yesterday}, page=f"/teams/{team_id}/")
    html = client.get(f"/teams/{team_id}/?status=te-laat").get_data(as_text=True)
    assert "Lid A" in html and "Te laat" in html
    response = post_form(client, f"/teams/{team_id}/streefdatum", {"target_date": "31-02-gisteren"},
                         page=f"/teams/{team_id}/", follow_redirects=True)
    assert "Vul een geldige datum in, bijvoorbeeld 31-12-2026." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Team, team_id).target_date == PINNED.date() - timedelta(days=1)  # unchanged
    post_form(client, f"/teams/{team_id}/streefdatum", {"target_date": "31-12-2030"}, page=f"/teams/{team_id}/")
    with app.app_context():
        assert db.session.get(Team, team_id).target_date == date(2030, 12, 31)


def test_admin_creates_organisation_team_and_manager(client, app, auth, make_user):
    make_user(name="Beheer", email="admin@voorbeeld.nl", is_admin=True)
    make_user(name="Marieke", email="marieke@voorbeeld.nl")
    auth.login("admin@voorbeeld.nl")
    response = post_form(client, "/beheer/", {"name": "Gastouderbureau Klein", "kind": "gastouderbureau"})
    organisation_url = response.headers["Location"]
    assert post_form(client, "/beheer/", {"name": "gastouderbureau klein", "kind": "kinderopvang"}).status_code == 422
    response = post_form(client, organisation_url, {"name": "Regio Noord"})
    team_url = response.headers["Location"]
    response = post_form(client, team_url, {"email": "niemand@voorbeeld.nl"})
    assert response.status_code == 422 and "geen account" in response.get_data(as_text=True)
    post_form(client, team_url, {"email": "Marieke@voorbeeld.nl"})
    assert "Marieke" in client.get(team_url).get_data(as_text=True)
    log = client.get("/beheer/logboek").get_data(as_text=True)
    assert "organisatie aangemaakt" in log and "leidinggevende benoemd" in log


def test_cli_sets_up_organisation_team_and_manager(runner, app, make_user):
    make_user(email="leiding@voorbeeld.nl")
    assert runner.invoke(args=["org", "create", "Kinderopvang Test"]).exit_code == 0
    result = runner.invoke(args=["org", "add-team", "Kinderopvang Test", "Locatie 1"])
    assert result.exit_code == 0, result.output
    team_id = result.output.split()[1].rstrip(":")
    assert runner.invoke(args=["org", "appoint", team_id, "leiding@voorbeeld.nl"]).exit_code == 0
    assert runner.invoke(args=["org", "add-team", "Bestaat Niet", "X"]).exit_code != 0


# ----- the table and exports -----

def test_team_page_counts_sorting_filtering_and_search(client, app, auth, make_user, make_team):
    manager = make_user(email="leiding@voorbeeld.nl")
    ids = [make_user(name=n) for n in ("Bas", "Anna", "Chris")]
    team_id = make_team(manager_id=manager, members=ids)
    complete_module(app, ids[2])
    auth.login("leiding@voorbeeld.nl")
    html = client.get(f"/teams/{team_id}/").get_data(as_text=True)
    assert "<strong>3</strong> leden" in html
    assert html.index(">Anna<") < html.index(">Bas<") < html.index(">Chris<")
    html = client.get(f"/teams/{team_id}/?sorteer=voortgang").get_data(as_text=True)
    assert html.index(">Chris<") < html.index(">Anna<")
    html = client.get(f"/teams/{team_id}/?status=niet-begonnen").get_data(as_text=True)
    assert ">Chris<" not in html and ">Anna<" in html
    html = client.get(f"/teams/{team_id}/?zoek=ann").get_data(as_text=True)
    assert ">Anna<" in html and ">Bas<" not in html
    assert "Niemand past bij deze zoekopdracht" in client.get(f"/teams/{team_id}/?zoek=zzz").get_data(as_text=True)


def test_manager_of_several_teams_sees_overview_first(client, auth, make_user, make_team):
    manager = make_user(email="leiding@voorbeeld.nl")
    make_team("Locatie Noord", manager)
    make_team("Locatie Zuid", manager)
    make_team("Andermans team")
    auth.login("leiding@voorbeeld.nl")
    html = client.get("/teams/").get_data(as_text=True)
    assert "Locatie Noord" in html and "Locatie Zuid" in html and "Andermans team" not in html
    assert 'href="/teams/"' in client.get("/cursus/").get_data(as_text=True)


def test_learner_without_teams_gets_404_on_team_overview(client, learner):
    assert client.get("/teams/").status_code == 404


def test_csv_for_dutch_excel(client, app, auth, make_user, make_team, store_name):
    manager = make_user(email="leiding@voorbeeld.nl")
    ids = [make_user(name="Zoë Brûlé"), make_user(name="Formule")]
    store_name(ids[1], "=HYPERLINK(\"http://x\")")  # stored before the name rule refused it
    team_id = make_team(manager_id=manager, members=ids)
    complete_module(app, ids[0])
    auth.login("leiding@voorbeeld.nl")
    response = client.get(f"/teams/{team_id}/export.csv")
    assert response.mimetype == "text/csv"
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Naam", "E-mailadres", "Lid sinds", "Module 1: Module 1 van de test"]
    assert len(rows[0]) == 3 + 2 + 4 + 1  # one practice column: only module 1 of the fixture course has an assignment
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["Zoë Brûlé"][3].startswith("afgerond ")
    assert "'=HYPERLINK(\"http://x\")" in by_name  # neutralised formula


def test_xlsx_reads_back(client, app, auth, make_user, make_team):
    manager = make_user(email="leiding@voorbeeld.nl")
    member = make_user(name="Şükrü Çelik")
    team_id = make_team(manager_id=manager, members=[member])
    auth.login("leiding@voorbeeld.nl")
    response = client.get(f"/teams/{team_id}/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert values[0][0] == "Naam" and values[1][0] == "Şükrü Çelik" and values[1][3] == "niet begonnen"


def test_export_file_names_carry_the_date(client, auth, make_user, make_team):
    from course.text import local_today
    team_id = make_team("De Regenboog", manager_id=make_user(email="leiding@voorbeeld.nl"))
    auth.login("leiding@voorbeeld.nl")
    today = local_today().isoformat()  # the day in Dutch time, as every date shown or exported
    for path, name in (("export.xlsx", f"team-de-regenboog-{today}.xlsx"), ("export.csv", f"team-de-regenboog-{today}.csv"),
                       ("certificaten.zip", f"team-de-regenboog-{today}-certificaten.zip")):
        assert f'filename="{name}"' in client.get(f"/teams/{team_id}/{path}").headers["Content-Disposition"]


def test_team_table_shows_modules_done_last_activity_and_dashes(client, app, auth, make_user, make_team):
    manager = make_user(email="leiding@voorbeeld.nl")
    busy, new = make_user(name="Anna"), make_user(name="Bas")
    team_id = make_team(manager_id=manager, members=[busy, new])
    complete_module(app, busy)
    auth.login("leiding@voorbeeld.nl")
    html = client.get(f"/teams/{team_id}/").get_data(as_text=True)
    assert "Streefdatum: niet ingesteld" in html and "(geen streefdatum)" not in html
    assert "1 van 2 modules" in html and "0 van 2 modules" in html
    assert html.count('aria-hidden="true">–</span>') == 3  # module 2 of Anna, both modules of Bas
    assert "nog niet" in html  # Bas was never active
    assert "Verwijderen" not in html  # that lives on the member page now
    member = client.get(f"/teams/{team_id}/leden/{busy}").get_data(as_text=True)
    for words in ("E-mailadres", "1 van 2 modules afgerond", "Laatst actief", "Uit het team halen",
                  "Je ziet de voortgang, scores en certificaten van Anna"):
        assert words in member, words


def test_overdue_members_come_first_and_each_count_filters(client, app, auth, make_user, make_team):
    from datetime import date

    from course import teams
    from course.models import Team
    manager = make_user(email="leiding@voorbeeld.nl")
    done, late = make_user(name="Anna"), make_user(name="Zara")
    team_id = make_team(manager_id=manager, members=[done, late])
    for slug in ("eerste-module", "tweede-module"):
        complete_module(app, done, slug)
    with app.app_context():
        teams.set_target_date(db.session, None, db.session.get(Team, team_id), date(2020, 1, 31))
        db.session.remove()
    auth.login("leiding@voorbeeld.nl")
    html = client.get(f"/teams/{team_id}/").get_data(as_text=True)
    assert html.index(">Zara<") < html.index(">Anna<")
    assert f'href="/teams/{team_id}/?status=te-laat"><strong>1</strong> te laat' in html
    html = client.get(f"/teams/{team_id}/?status=te-laat").get_data(as_text=True)
    assert ">Zara<" in html and ">Anna<" not in html and 'aria-current="true"><strong>1</strong> te laat' in html


def test_certificates_zip(client, app, auth, make_user, make_team):
    import zipfile
    manager = make_user(email="leiding@voorbeeld.nl")
    ids = [make_user(name="Anna"), make_user(name="Bas")]
    team_id = make_team(manager_id=manager, members=ids)
    for user_id in ids:
        complete_module(app, user_id)
    auth.login("leiding@voorbeeld.nl")
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/teams/{team_id}/certificaten.zip").data))
    names = archive.namelist()
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)


def test_learner_sees_what_the_manager_sees(client, app, auth, make_user, make_team, learner):
    manager = make_user(name="Marieke Leiding", email="leiding@voorbeeld.nl")
    make_team(manager_id=manager, members=[learner])
    html = client.get("/account/leidinggevende").get_data(as_text=True)
    assert "Marieke Leiding" in html and "niet welke antwoorden" in html


def test_team_page_queries_do_not_grow_with_the_team(client, app, auth, make_user, make_team, count_queries):
    manager = make_user(email="leiding@voorbeeld.nl")
    small = make_team("Klein", manager, [make_user() for _ in range(5)])
    with app.app_context():
        big_members = []
        for i in range(200):
            user = User(name=f"Lid {i}", email=f"lid{i}@groot.nl", password_hash="x")
            db.session.add(user)
            big_members.append(user)
        db.session.commit()
        big_ids = [u.id for u in big_members]
        db.session.remove()
    big = make_team("Groot", manager, big_ids)
    for user_id in big_ids[:3]:
        complete_module(app, user_id)
    auth.login("leiding@voorbeeld.nl")
    counts = {}
    for name, team_id in (("small", small), ("big", big)):
        for url in (f"/teams/{team_id}/", f"/teams/{team_id}/export.csv", f"/teams/{team_id}/export.xlsx"):
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            counts[(name, url.replace(str(team_id), "T"))] = counter["n"]
    for url in ("/teams/T/", "/teams/T/export.csv", "/teams/T/export.xlsx"):
        assert counts[("small", url)] == counts[("big", url)], counts


def test_my_teams_page_queries_do_not_grow_with_teams_or_members(client, app, auth, make_user, make_team, org,
                                                                  count_queries):
    make_user(name="Bram Beheer", email="beheer@voorbeeld.nl", is_admin=True)
    auth.login("beheer@voorbeeld.nl")
    make_team("Eerste", members=[make_user() for _ in range(2)])
    with count_queries() as few:
        page = client.get("/teams/")
    assert page.status_code == 200
    for n in range(6):
        make_team(f"Team {chr(65 + n)}", members=[make_user() for _ in range(4)], organisation=f"Organisatie {chr(65 + n)}")
    with count_queries() as many:
        page = client.get("/teams/").get_data(as_text=True)
    assert "Team F" in page and "Organisatie F" in page
    assert few["n"] == many["n"], (few, many)


def test_organisation_list_queries_do_not_grow(client, app, auth, make_user, make_team, org, count_queries):
    make_user(name="Bram Beheer", email="beheer@voorbeeld.nl", is_admin=True)
    auth.login("beheer@voorbeeld.nl")
    org("Eerste Organisatie")
    with count_queries() as few:
        assert client.get("/beheer/").status_code == 200
    for n in range(5):
        make_team(f"Team {chr(65 + n)}", organisation=f"Organisatie {chr(65 + n)}")
        make_team(f"Tweede team {chr(65 + n)}", organisation=f"Organisatie {chr(65 + n)}")
    with count_queries() as many:
        page = client.get("/beheer/").get_data(as_text=True)
    assert "Organisatie E" in page and "2 teams" in page
    assert few["n"] == many["n"], (few, many)


def test_printable_evidence_of_training(client, app, auth, make_user, make_team):
    manager = make_user(email="leiding@voorbeeld.nl")
    done, new = make_user(name="Anna"), make_user(name="Bas")
    team_id = make_team("De Regenboog", manager_id=manager, members=[done, new])
    complete_module(app, done)
    auth.login("leiding@voorbeeld.nl")
    html = client.get(f"/teams/{team_id}/bewijs").get_data(as_text=True)
    assert "Bewijs van scholing" in html and "De Regenboog" in html and "Opgesteld op" in html
    assert "Anna" in html and "1 van 2 modules afgerond" in html and 'class="code"' in html
    assert "Bas" in html and "Nog geen certificaten." in html
    assert "data-print" in html and "print.js" in html
    assert f'href="/teams/{team_id}/bewijs"' in client.get(f"/teams/{team_id}/").get_data(as_text=True)


def test_team_pages_queries_stay_the_same_from_3_to_30_members_with_progress(client, app, auth, make_user, make_team,
                                                                           count_queries):
    """Every member has rows of each kind (lessons, a completion, a certificate, a quiz, a hand-in), so a query
    per member anywhere (a lazy load, a per-row lookup) would show, and the team is overdue."""
    from course import practice, teams

    from conftest import read_all_lessons
    manager = make_user(email="leiding@voorbeeld.nl")
    sizes = {"3": [make_user() for _ in range(3)], "30": [make_user() for _ in range(30)]}
    team_ids = {size: make_team(f"Team {size}", manager, members) for size, members in sizes.items()}
    module = "eerste-module"
    for members in sizes.values():
        complete_module(app, members[0])
        read_all_lessons(app, members[1], "tweede-module")
        with app.app_context():
            course_module = app.extensions["course"].module(module)
            for user_id in members:
                if user_id != members[0]:
                    read_all_lessons(app, user_id)
                practice.hand_in(db.session, db.session.get(User, user_id), course_module,
                                 {f.id: "Kind A zocht troost." for f in course_module.assignment.fields})
            db.session.remove()
    with app.app_context():
        for team_id in team_ids.values():
            teams.set_target_date(db.session, None, db.session.get(Team, team_id), date(2020, 1, 31))
        db.session.remove()
    auth.login("leiding@voorbeeld.nl")
    urls = ("/teams/T/", "/teams/T/?sorteer=status&status=bezig", "/teams/T/export.csv", "/teams/T/export.xlsx",
            "/teams/T/bewijs")
    counts = {}
    for size, team_id in team_ids.items():
        for url in urls:
            with count_queries() as counter:
                response = client.get(url.replace("T", str(team_id)))
            assert response.status_code == 200, url
            counts[(size, url)] = counter["n"]
        page = client.get(f"/teams/{team_id}/").get_data(as_text=True)
        assert f"<strong>{size}</strong> te laat" in page and "Praktijk: ingeleverd" in page
    assert all(counts[("3", url)] == counts[("30", url)] for url in urls), counts
    # login, team, access, members, progress, managers, organisation; issue 22: self-appointments, refused addresses
    assert counts[("30", "/teams/T/")] <= 10, counts
