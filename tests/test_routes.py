"""Walk every route in the URL map as four kinds of visitor; a new route without a rule fails here."""
import pytest
from sqlalchemy import func, select

from course import practice, teams
from course.extensions import db
from course.models import Certificate, Organisation, QuizAttempt, Team, User
from course.teams import locations

from conftest import complete_module

ROLES = ("anoniem", "cursist", "leiding-ander-team", "beheerder")
R, NF, OK, NA = 302, 404, 200, 405  # redirect, not found, ok, method not allowed

# endpoint: (path template, expected GET status per role: anonymous, learner, manager of another team, admin)
EXPECTED = {
    "main.index": ("/", (OK, OK, OK, OK)),
    "main.health": ("/gezond", (OK, OK, OK, OK)),
    "main.privacy": ("/privacy", (OK, OK, OK, OK)),
    "main.glossary": ("/begrippen", (R, OK, OK, OK)),
    "main.signal_list": ("/signalenlijst", (R, OK, OK, OK)),
    # The guide "Wat doe ik nu?" holds no personal data: everyone may read it, logged in or not.
    "main.guide": ("/wat-doe-ik-nu?q=ophalen", (OK, OK, OK, OK)),
    "main.guide_card": ("/wat-doe-ik-nu/ouder-onder-invloed", (OK, OK, OK, OK)),
    "static": ("/static/style.css", (OK, OK, OK, OK)),
    "auth.register": ("/registreren", (OK, R, R, R)),
    "auth.login": ("/inloggen", (OK, R, R, R)),
    "auth.logout": ("/uitloggen", (NA, NA, NA, NA)),
    "auth.forgot_password": ("/wachtwoord-vergeten", (OK, OK, OK, OK)),
    "auth.reset_password": ("/wachtwoord-herstellen/ongeldig", (R, R, R, R)),
    "account.settings": ("/account/", (R, OK, OK, OK)),
    "account.visibility": ("/account/leidinggevende", (R, OK, OK, OK)),
    "account.export": ("/account/mijn-gegevens.json", (R, OK, OK, OK)),
    "account.delete": ("/account/verwijderen", (R, OK, OK, OK)),
    "account.join_by_code": ("/account/code", (NA, NA, NA, NA)),
    "account.confirm_address": ("/account/mailadres-bevestigen", (NA, NA, NA, NA)),
    "learn.overview": ("/cursus/", (R, OK, OK, OK)),
    "learn.resume": ("/cursus/verder", (R, R, R, R)),
    "learn.module": ("/cursus/eerste-module/", (R, OK, OK, OK)),
    "learn.lesson": ("/cursus/eerste-module/les-1", (R, OK, OK, OK)),
    "learn.lesson_done": ("/cursus/eerste-module/les-1/afgerond", (NA, NA, NA, NA)),
    "learn.exercise": ("/cursus/eerste-module/les-1/oefenvraag/oef-troost", (NA, NA, NA, NA)),
    "quiz.show": ("/cursus/eerste-module/quiz/", (R, OK, OK, OK)),
    "quiz.start": ("/cursus/eerste-module/quiz/start", (NA, NA, NA, NA)),
    "quiz.attempt": ("/cursus/eerste-module/quiz/poging/{attempt}", (R, R, NF, NF)),
    "quiz.result": ("/cursus/eerste-module/quiz/poging/{attempt}/uitslag", (R, OK, NF, NF)),
    "quiz.autosave": ("/cursus/eerste-module/quiz/poging/{attempt}/opslaan", (NA, NA, NA, NA)),
    "certificates.mine": ("/certificaten/", (R, OK, OK, OK)),
    "certificates.download": ("/certificaten/{code}.pdf", (R, OK, NF, NF)),
    "certificates.reissue": ("/certificaten/{code}/opnieuw", (R, R, NF, NF)),
    "certificates.verify": ("/verify?code={code}", (OK, OK, OK, OK)),
    "certificates.verify_code": ("/verify/{code}", (OK, OK, OK, OK)),
    "badges.issuer_profile": ("/openbadges/issuer", (OK, OK, OK, OK)),
    "badges.jwks": ("/openbadges/jwks.json", (OK, OK, OK, OK)),
    "badges.status_list": ("/openbadges/status/1", (OK, OK, OK, OK)),
    "badges.public_credential": ("/openbadges/credentials/{code}.jwt", (OK, OK, OK, OK)),
    "badges.badge_png": ("/certificaten/{code}/openbadge.png", (R, OK, NF, NF)),
    "badges.badge_json": ("/certificaten/{code}/openbadge.json", (R, OK, NF, NF)),
    "badges.external_mine": ("/certificaten/extern", (R, OK, OK, OK)),
    "badges.external_member": ("/opleidingsoverzicht/medewerkers/{learner}/extern", (R, NF, NF, OK)),
    "manage.overview": ("/teams/", (R, NF, OK, OK)),
    "manage.team": ("/teams/{team}/", (R, NF, NF, OK)),
    "manage.member": ("/teams/{team}/leden/{learner}", (R, NF, NF, OK)),
    "manage.remove": ("/teams/{team}/leden/{learner}/verwijderen", (R, NF, NF, OK)),
    "manage.renew": ("/teams/{team}/uitnodiging-vernieuwen", (R, NF, NF, OK)),
    "manage.target_date": ("/teams/{team}/streefdatum", (NA, NA, NA, NA)),
    "manage.certificate": ("/teams/{team}/certificaten/{code}.pdf", (R, NF, NF, OK)),
    "manage.export_csv": ("/teams/{team}/export.csv", (R, NF, NF, OK)),
    "manage.export_xlsx": ("/teams/{team}/export.xlsx", (R, NF, NF, OK)),
    "manage.evidence": ("/teams/{team}/bewijs", (R, NF, NF, OK)),
    "manage.certificates_zip": ("/teams/{team}/certificaten.zip", (R, NF, NF, OK)),
    "manage.invitation": ("/teams/uitnodiging/{token}", (OK, OK, OK, OK)),
    "records.overview": ("/opleidingsoverzicht/", (R, NF, OK, OK)),
    "records.export_xlsx": ("/opleidingsoverzicht/export.xlsx", (R, NF, OK, OK)),
    "records.export_csv": ("/opleidingsoverzicht/export.csv", (R, NF, OK, OK)),
    "records.certificates_zip": ("/opleidingsoverzicht/certificaten.zip", (R, NF, OK, OK)),
    "records.organisation_pdf": ("/opleidingsoverzicht/overzicht-scholing.pdf", (R, NF, OK, OK)),
    "records.employee_pdf": ("/opleidingsoverzicht/medewerkers/{learner}.pdf", (R, NF, NF, OK)),
    "reminders.opt_out": ("/afmelden/ongeldig", (400, 400, 400, 400)),
    "reminders.settings": ("/account/meldingen", (R, OK, OK, OK)),
    "practice.save_reflection": ("/cursus/eerste-module/les-1/reflectie", (NA, NA, NA, NA)),
    "practice.reflections_page": ("/reflecties", (R, OK, OK, OK)),
    "practice.assignment": ("/cursus/eerste-module/praktijkopdracht", (R, OK, OK, OK)),
    # The manager of the other team also coaches it: a coach of another team gets a 404. An administrator is
    # no coach: hand-ins are between learner and coach.
    "coach.overview": ("/coach/", (R, NF, OK, NF)),
    "coach.review": ("/coach/inleveringen/{submission}", (R, NF, NF, NF)),
    "coach.observe": ("/coach/cursisten/{learner}/eerste-module/observatie", (R, NF, NF, NF)),
    "coach.coaches": ("/teams/{team}/coaches", (R, NF, NF, OK)),
    "coach.revoke": ("/teams/{team}/coaches/{coach_a}/intrekken", (R, NF, NF, OK)),
    "admin.organisations": ("/beheer/", (R, NF, NF, OK)),
    "admin.organisation": ("/beheer/organisaties/{organisation}", (R, NF, NF, OK)),
    "admin.team": ("/beheer/teams/{team}", (R, NF, NF, OK)),
    "admin.revoke_manager": ("/beheer/teams/{team}/leidinggevenden/{manager_a}/intrekken", (R, NF, NF, OK)),
    "admin.team_location": ("/beheer/teams/{team}/locatie", (NA, NA, NA, NA)),
    # Locations and LRK numbers: administrators only. The policy knows managers per team, not per organisation.
    "admin.locations_page": ("/beheer/organisaties/{organisation}/locaties", (R, NF, NF, OK)),
    "admin.organisation_lrk": ("/beheer/organisaties/{organisation}/lrk", (NA, NA, NA, NA)),
    "admin.location": ("/beheer/locaties/{location}", (R, NF, NF, OK)),
    "admin.remove_location": ("/beheer/locaties/{location}/verwijderen", (R, NF, NF, OK)),
    "admin.audit_log": ("/beheer/logboek", (R, NF, NF, OK)),
    "admin.item_statistics": ("/beheer/vragen?module=eerste-module", (R, NF, NF, OK)),
    "admin.item_statistics_csv": ("/beheer/vragen.csv", (R, NF, NF, OK)),
}

EMAILS = {"cursist": "cursist@voorbeeld.nl", "leiding-ander-team": "leiding-b@voorbeeld.nl",
          "beheerder": "beheer@voorbeeld.nl"}


@pytest.fixture
def world(app, make_user):
    """Team A with its manager, coach and a learner who completed module 1 and handed in its assignment;
    team B with another manager, who is also team B's coach."""
    learner = make_user(name="Cursist", email=EMAILS["cursist"])
    manager_a = make_user(name="Leiding A", email="leiding-a@voorbeeld.nl")
    manager_b = make_user(name="Leiding B", email=EMAILS["leiding-ander-team"])
    coach_a = make_user(name="Coach A", email="coach-a@voorbeeld.nl")
    make_user(name="Beheer", email=EMAILS["beheerder"], is_admin=True)
    complete_module(app, learner)
    with app.app_context():
        organisation = teams.create_organisation(db.session, None, "Organisatie")
        organisation = db.session.get(Organisation, organisation.id)
        team_a = teams.create_team(db.session, None, organisation, "Team A")
        team_b = teams.create_team(db.session, None, organisation, "Team B")
        teams.appoint_manager(db.session, None, team_a, db.session.get(User, manager_a))
        teams.appoint_manager(db.session, None, team_b, db.session.get(User, manager_b))
        teams.join(db.session, team_a, db.session.get(User, learner))
        teams.appoint_coach(db.session, None, team_a, db.session.get(User, coach_a))
        teams.appoint_coach(db.session, None, team_b, db.session.get(User, manager_b))
        location = locations.add_location(db.session, None, organisation, "Locatie Noord", "123456789012")
        locations.tie_team(db.session, None, team_a, location)
        module = app.extensions["course"].module("eerste-module")
        submission = practice.hand_in(db.session, db.session.get(User, learner), module,
                                      {f.id: "Kind A zocht troost." for f in module.assignment.fields})
        values = {
            "submission": submission.id, "coach_a": coach_a, "location": location.id,
            "team": team_a.id, "organisation": organisation.id, "learner": learner, "manager_a": manager_a,
            "token": team_a.invite_token,
            "attempt": db.session.scalar(select(QuizAttempt.id)),
            "code": db.session.scalar(select(Certificate.code).where(Certificate.scope == "eerste-module")),
        }
        db.session.remove()
    return values


def test_every_route_has_a_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - set(EXPECTED)
    assert not missing, f"routes without an expected status per role: {sorted(missing)}"
    assert not set(EXPECTED) - endpoints, "rules for routes that no longer exist"


@pytest.mark.parametrize("role_index, role", list(enumerate(ROLES)))
def test_walk_every_route(app, client, auth, world, role_index, role):
    if role != "anoniem":
        auth.login(EMAILS[role])
    problems = []
    for endpoint, (template, statuses) in sorted(EXPECTED.items()):
        url = template.format(**world)
        with client.get(url) as response:
            status = response.status_code
        if status != statuses[role_index]:
            problems.append(f"{role} GET {url} ({endpoint}): {status}, expected {statuses[role_index]}")
    assert not problems, "\n".join(problems)


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {table.name: db.session.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables if table.name != "audit_events"}


@pytest.mark.parametrize("role", ROLES)
def test_no_post_without_csrf_token_changes_anything(app, client, auth, world, role):
    if role != "anoniem":
        auth.login(EMAILS[role])
    before = row_counts(app)
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint == "auth.logout":
            continue
        url = EXPECTED[rule.endpoint][0].format(**world)
        response = client.post(url.split("?")[0], data={"name": "x", "email": "x@voorbeeld.nl", "password": "x" * 12,
                                                        "confirm": "x" * 12, "target_date": "2030-01-01"})
        assert response.status_code < 500, (rule.endpoint, response.status_code)
    assert row_counts(app) == before
    with app.app_context():
        team = db.session.get(Team, world["team"])
        assert team.target_date is None and team.invite_token == world["token"] and team.location_id == world["location"]
