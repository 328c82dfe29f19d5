"""flask commands: check the content, demo data, organisations, backups, quiz statistics (certificates: cli_certificates).

Module-level click groups, as in the Flask tutorial; register() adds them to the app. `flask content
check` is also a plugin command (pyproject's flask.commands entry point), so Flask finds it without
building the app: it must be able to report content that keeps the app from starting.
"""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from course import accounts, itemstats, teams
from course.backup import BackupError, backup as run_backup, restore as run_restore
from course.catalog import ContentError, load_catalog
from course.catalog.loader import MIN_ITEMS_PER_LESSON, describe
from course.config import ROOT
from course.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, create_demo_data
from course.errors import DomainError
from course.extensions import db
from course.models import ORGANISATION_KINDS, Team


@click.group()
def content():
    """Cursusinhoud en quizzen."""


@content.command("check")
def check_content():
    """Controleer content/ en quizzes/; stop met code 1 bij fouten."""
    env = os.environ
    try:
        course = load_catalog(env.get("CONTENT_DIR", str(ROOT / "content")), env.get("QUIZ_DIR", str(ROOT / "quizzes")),
                              min_items_per_lesson=int(env.get("QUIZ_MIN_ITEMS_PER_LESSON", MIN_ITEMS_PER_LESSON)))
    except ContentError as error:
        click.echo(str(error), err=True)
        click.echo(f"{len(error.problems)} probleem/problemen gevonden.", err=True)
        raise SystemExit(1)
    click.echo(f"Inhoud in orde: {describe(course)}")


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
@click.option("--role", default=teams.COACH_ROLES[0], show_default=True,
              help=f"De rol die op de praktijkverklaring staat: {', '.join(teams.COACH_ROLES)}.")
def appoint_coach(team_id: int, email: str, role: str):
    """Benoem het account met EMAIL tot coach van team TEAM_ID (tekent praktijkopdrachten af)."""
    known = {r.lower(): r for r in teams.COACH_ROLES}
    role = known.get(role.strip().lower(), "")
    if not role:
        raise click.ClickException(f"Onbekende rol. Kies uit: {', '.join(teams.COACH_ROLES)}.")
    team = db.session.get(Team, team_id)
    user = accounts.find_user_by_email(db.session, email)
    if team is None or user is None:
        raise click.ClickException("Team of account niet gevonden.")
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
    from course.models_records import Location
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


backup = AppGroup("backup", help="Back-up en herstel van de SQLite-database.")


@backup.command("create")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup_create(target: Path):
    """Maak een consistente back-up, ook terwijl de app draait."""
    try:
        run_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
    except BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Back-up geschreven naar {target}.")


@backup.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.confirmation_option(prompt="Dit vervangt alle gegevens door die uit de back-up. Zeker weten?")
def backup_restore(source: Path):
    """Zet een back-up terug (stop de app eerst)."""
    try:
        run_restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Back-up {source} teruggezet.")


quiz = AppGroup("quiz", help="Quizzen: vraagstatistiek.")


@quiz.command("stats")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Schrijf de statistiek per vraag ook naar dit CSV-bestand.")
def quiz_stats(csv_path: Path | None):
    """Toon per module de slaagkans en scores, en per vraag de signalen."""
    stats = [itemstats.module_stats(db.session, m) for m in current_app.extensions["course"].modules if m.quiz]
    for s in stats:
        rate = "–" if s.pass_rate is None else f"{100 * s.pass_rate:.0f}%"
        click.echo(f"Module {s.module.number}: {s.attempts} pogingen van {s.learners} cursisten, geslaagd {rate}")
        for item in s.items:
            if item.flags and item.flags != ["te weinig pogingen"]:
                click.echo(f"  {item.question_id}: {', '.join(item.flags)}")
    if csv_path:
        csv_path.write_bytes(itemstats.export_csv(stats))
        click.echo(f"Statistiek per vraag geschreven naar {csv_path}.")


reminders = AppGroup("reminders", help="Herinneringsmails (voor cron of een systemd-timer).")


@reminders.command("send")
@click.option("--dry-run", is_flag=True, help="Toon alleen wat verstuurd zou worden.")
@click.option("--now", "now_text", metavar="JJJJ-MM-DDTUU:MM", help="Doe alsof het nu dit moment is (UTC; voor tests).")
def send_reminders(dry_run: bool, now_text: str | None):
    """Verstuur de herinneringen, weekoverzichten en seintjes die nu aan de beurt zijn (elk maar één keer)."""
    from datetime import datetime

    from course import reminders as planning, reminders_send
    from course.models import utcnow
    from course.web.reminder_mail import Sender, subject
    try:
        now = datetime.fromisoformat(now_text) if now_text else utcnow()
    except ValueError:
        raise click.ClickException(f"--now {now_text!r} is geen datum en tijd, bijvoorbeeld 2026-03-02T07:00.")
    now = now.replace(tzinfo=None)
    planned = planning.plan(db.session, current_app.extensions["course"], now)
    if dry_run:
        for mail in planned:
            click.echo(f"{mail.kind:<11} {mail.due_key:<24} {mail.email}  {subject(mail)}")
        click.echo(f"{len(planned)} mail(s) zouden worden verstuurd (proefdraai: niets verstuurd).")
        return
    with Sender(current_app._get_current_object()) as send:
        report = reminders_send.deliver(db.session, planned, send, now, connections=send.connections)
    click.echo(f"Verstuurd: {len(report.sent)}; al door een andere run verstuurd: {report.skipped}; "
               f"mislukt (volgende run opnieuw): {report.failed}; adres geweigerd: {report.refused}; "
               f"blijven staan: {report.left}.")
    if report.server_down:
        raise SystemExit(1)


practice_group = AppGroup("practice", help="Praktijkopdrachten.")


@practice_group.command("purge")
def practice_purge():
    """Wis de teksten van inleveringen waarvan de bewaartermijn voorbij is (voor een dagelijkse timer)."""
    from course import practice
    days = current_app.config["PRACTICE_RETENTION_DAYS"]
    purged = practice.purge_expired(db.session, days)
    click.echo(f"{purged.reviewed} beoordeelde inlevering(en) gewist (beoordeeld meer dan {days} dagen geleden); "
               f"{purged.expired} nooit beoordeelde inlevering(en) verlopen en gewist (ingeleverd meer dan {days} "
               "dagen geleden).")


def register(app: Flask) -> None:
    """Attach the project's commands to the app."""
    app.cli.add_command(content)
    app.cli.add_command(demo_data, "demo-data")
    app.cli.add_command(create_admin, "create-admin")
    from course.cli_certificates import certificate
    for group in (certificate, org, backup, quiz, reminders, practice_group):
        app.cli.add_command(group)
