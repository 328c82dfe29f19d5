"""flask demo-data, create-admin and org ...: set up accounts, organisations, teams and locations."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from course import accounts, teams
from course.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, create_demo_data
from course.errors import DomainError
from course.extensions import db
from course.models import ORGANISATION_KINDS, Team


@click.command("demo-data")
@with_appcontext
def demo_data():
    """Maak de demo-accounts aan (als ze nog niet bestaan) en toon ze."""
    create_demo_data(db.session, current_app.extensions["course"])
    click.echo("Demo-accounts (wachtwoord voor allemaal: %s):" % DEMO_PASSWORD)
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.email:<24} {account.role} ({account.name})")


@click.command("create-admin")
@click.option("--name", prompt="Volledige naam")
@click.option("--email", prompt="E-mailadres")
@click.password_option(prompt="Wachtwoord")
@with_appcontext
def create_admin(name: str, email: str, password: str):
    """Maak een beheerder aan, of maak een bestaand account beheerder."""
    user = accounts.find_user_by_email(db.session, email)
    if user is None:
        problem = accounts.password_problem(password, email=email, name=name)
        if problem:
            raise click.ClickException(problem)
        try:
            user = accounts.register_user(db.session, name=name, email=email, password=password, is_admin=True)
        except DomainError as error:
            raise click.ClickException(str(error))
    else:
        accounts.make_admin(db.session, user)
    click.echo(f"{user.email} is beheerder.")


org = AppGroup("org", help="Organisaties en teams inrichten.")


@org.command("create")
@click.argument("name")
@click.option("--kind", type=click.Choice(list(ORGANISATION_KINDS)), default="kinderopvang")
def create_org(name: str, kind: str):
    """Maak een organisatie aan."""
    try:
        organisation = teams.create_organisation(db.session, None, name, kind)
    except DomainError as error:
        raise click.ClickException(str(error))
    click.echo(f"Organisatie {organisation.id}: {organisation.name}")


@org.command("add-team")
@click.argument("organisation")
@click.argument("name")
def add_team(organisation: str, name: str):
    """Maak een team aan in ORGANISATION (naam of nummer)."""
    found = teams.find_organisation(db.session, organisation)
    if found is None:
        raise click.ClickException(f"Organisatie {organisation!r} bestaat niet.")
    try:
        team = teams.create_team(db.session, None, found, name)
    except DomainError as error:
        raise click.ClickException(str(error))
    click.echo(f"Team {team.id}: {found.name} / {team.name}")


@org.command("appoint")
@click.argument("team_id", type=int)
@click.argument("email")
def appoint(team_id: int, email: str):
    """Benoem het account met EMAIL tot leidinggevende van team TEAM_ID."""
    team = db.session.get(Team, team_id)
    user = accounts.find_user_by_email(db.session, email)
    if team is None or user is None:
        raise click.ClickException("Team of account niet gevonden.")
    teams.appoint_manager(db.session, None, team, user)
    click.echo(f"{user.name} is leidinggevende van {team.name}.")


@org.command("appoint-coach")
@click.argument("team_id", type=int)
@click.argument("email")
@click.option("--role", default=None,
              help=f"De rol die op de praktijkverklaring staat: {', '.join(teams.COACH_ROLES)}. Standaard: "
                   "pedagogisch coach; bij een gastouderbureau bemiddelingsmedewerker.")
def appoint_coach(team_id: int, email: str, role: str | None):
    """Benoem het account met EMAIL tot coach van team TEAM_ID (tekent praktijkopdrachten af)."""
    known = {r.lower(): r for r in teams.COACH_ROLES}
    chosen = known.get(role.strip().lower(), "") if role is not None else None
    if chosen == "":
        raise click.ClickException(f"Onbekende rol. Kies uit: {', '.join(teams.COACH_ROLES)}.")
    team = db.session.get(Team, team_id)
    user = accounts.find_user_by_email(db.session, email)
    if team is None or user is None:
        raise click.ClickException("Team of account niet gevonden.")
    role = chosen or teams.default_coach_role(team)
    added = teams.appoint_coach(db.session, None, team, user, role)
    click.echo(f"{user.name} is coach ({role.lower()}) van {team.name}." if added else
               f"{user.name} was al coach ({role.lower()}) van {team.name}.")


@org.command("lrk")
@click.argument("organisation")
@click.argument("lrk", required=False)
def org_lrk(organisation: str, lrk: str | None):
    """Zet het LRK-nummer van ORGANISATION (leeg: weghalen)."""
    from course.teams import locations
    found = teams.find_organisation(db.session, organisation)
    if found is None:
        raise click.ClickException(f"Organisatie {organisation!r} bestaat niet.")
    try:
        locations.set_organisation_lrk(db.session, None, found, lrk)
    except DomainError as error:
        raise click.ClickException(str(error))
    click.echo(f"{found.name}: LRK-nummer {found.lrk_number or '(geen)'}")


@org.command("add-location")
@click.argument("organisation")
@click.argument("name")
@click.option("--lrk", help="Registratienummer van de locatie in het Landelijk Register Kinderopvang.")
def add_location(organisation: str, name: str, lrk: str | None):
    """Maak een locatie aan in ORGANISATION, met haar LRK-nummer."""
    from course.teams import locations
    found = teams.find_organisation(db.session, organisation)
    if found is None:
        raise click.ClickException(f"Organisatie {organisation!r} bestaat niet.")
    try:
        location = locations.add_location(db.session, None, found, name, lrk)
    except DomainError as error:
        raise click.ClickException(str(error))
    click.echo(f"Locatie {location.id}: {found.name} / {location.name} (LRK {location.lrk_number or '-'})")


@org.command("set-location")
@click.argument("team_id", type=int)
@click.argument("location_id", type=int, required=False)
def set_location(team_id: int, location_id: int | None):
    """Koppel team TEAM_ID aan locatie LOCATION_ID (zonder LOCATION_ID: loskoppelen)."""
    from course.models import Location
    from course.teams import locations
    team = db.session.get(Team, team_id)
    location = db.session.get(Location, location_id) if location_id else None
    if team is None or (location_id and location is None):
        raise click.ClickException("Team of locatie niet gevonden.")
    try:
        locations.tie_team(db.session, None, team, location)
    except DomainError as error:
        raise click.ClickException(str(error))
    click.echo(f"{team.name} hoort bij locatie {location.name if location else '(geen)'}.")
