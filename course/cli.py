"""flask commands: check the content, create demo data, manage administrators."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from .catalog import ContentError, load_catalog
from .catalog.loader import describe
from .errors import AlreadyRevoked, DomainError
from .models import ORGANISATION_KINDS


def register(app: Flask) -> None:
    """Attach the project's commands to the app."""

    @app.cli.group()
    def content():
        """Cursusinhoud en quizzen."""

    @content.command("check")
    def check_content():
        """Controleer content/ en quizzes/; stop met code 1 bij fouten."""
        try:
            course = load_catalog(current_app.config["CONTENT_DIR"], current_app.config["QUIZ_DIR"],
                                  min_items_per_lesson=current_app.config["QUIZ_MIN_ITEMS_PER_LESSON"])
        except ContentError as error:
            click.echo(str(error), err=True)
            click.echo(f"{len(error.problems)} probleem/problemen gevonden.", err=True)
            raise SystemExit(1)
        click.echo(f"Inhoud in orde: {describe(course)}")

    @app.cli.command("demo-data")
    def demo_data():
        """Maak de demo-accounts aan (als ze nog niet bestaan) en toon ze."""
        from .demo import DEMO_ACCOUNTS, DEMO_PASSWORD, create_demo_data
        from .extensions import db
        create_demo_data(db.session, current_app.extensions["course"])
        click.echo("Demo-accounts (wachtwoord voor allemaal: %s):" % DEMO_PASSWORD)
        for account in DEMO_ACCOUNTS:
            click.echo(f"  {account.email:<24} {account.role} ({account.name})")

    @app.cli.group()
    def certificate():
        """Certificaten beheren."""

    @certificate.command("revoke")
    @click.argument("code")
    @click.option("--reason", required=True, help="Reden; staat op de openbare controlepagina.")
    def revoke_certificate(code: str, reason: str):
        """Trek een certificaat in (de controlepagina meldt het daarna)."""
        from . import certificates
        from .extensions import db
        found = certificates.find(db.session, code)
        if found is None:
            raise click.ClickException(f"Geen certificaat met code {code!r} gevonden.")
        try:
            certificates.revoke(db.session, found, reason)
        except AlreadyRevoked as error:
            raise click.ClickException(str(error))
        click.echo(f"Certificaat {found.code} ({found.title}, {found.name}) is ingetrokken.")

    @app.cli.group()
    def org():
        """Organisaties en teams inrichten."""

    @org.command("create")
    @click.argument("name")
    @click.option("--kind", type=click.Choice(list(ORGANISATION_KINDS)), default="kinderopvang")
    def create_org(name: str, kind: str):
        """Maak een organisatie aan."""
        from . import teams
        from .extensions import db
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
        from sqlalchemy import func, select

        from . import teams
        from .extensions import db
        from .models import Organisation
        found = db.session.scalar(select(Organisation).where(
            (Organisation.id == int(organisation)) if organisation.isdigit()
            else func.lower(Organisation.name) == organisation.lower()))
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
        from . import accounts, teams
        from .extensions import db
        from .models import Team
        team = db.session.get(Team, team_id)
        user = accounts.find_user_by_email(db.session, email)
        if team is None or user is None:
            raise click.ClickException("Team of account niet gevonden.")
        teams.appoint_manager(db.session, None, team, user)
        click.echo(f"{user.name} is leidinggevende van {team.name}.")

    @app.cli.group()
    def backup():
        """Back-up en herstel van de SQLite-database."""

    @backup.command("create")
    @click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
    def backup_create(target: Path):
        """Maak een consistente back-up, ook terwijl de app draait."""
        from .backup import BackupError, backup as run_backup
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
        from .backup import BackupError, restore
        try:
            restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
        except BackupError as error:
            raise click.ClickException(str(error))
        click.echo(f"Back-up {source} teruggezet.")

    @app.cli.group()
    def quiz():
        """Quizzen: vraagstatistiek."""

    @quiz.command("stats")
    @click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
                  help="Schrijf de statistiek per vraag ook naar dit CSV-bestand.")
    def quiz_stats(csv_path: Path | None):
        """Toon per module de slaagkans en scores, en per vraag de signalen."""
        from . import itemstats
        from .catalog import get_course
        from .extensions import db
        stats = [itemstats.module_stats(db.session, m) for m in get_course().modules if m.quiz]
        for s in stats:
            rate = "–" if s.pass_rate is None else f"{100 * s.pass_rate:.0f}%"
            click.echo(f"Module {s.module.number}: {s.attempts} pogingen van {s.learners} cursisten, geslaagd {rate}")
            for item in s.items:
                if item.flags and item.flags != ["te weinig pogingen"]:
                    click.echo(f"  {item.question_id}: {', '.join(item.flags)}")
        if csv_path:
            csv_path.write_bytes(itemstats.export_csv(stats))
            click.echo(f"Statistiek per vraag geschreven naar {csv_path}.")

    @app.cli.command("create-admin")
    @click.option("--name", prompt="Volledige naam")
    @click.option("--email", prompt="E-mailadres")
    @click.password_option(prompt="Wachtwoord")
    def create_admin(name: str, email: str, password: str):
        """Maak een beheerder aan, of maak een bestaand account beheerder."""
        from . import accounts
        from .extensions import db
        problem = accounts.password_problem(password, email=email, name=name)
        user = accounts.find_user_by_email(db.session, email)
        if user is None:
            if problem:
                raise click.ClickException(problem)
            try:
                user = accounts.register_user(db.session, name=name, email=email, password=password, is_admin=True)
            except DomainError as error:
                raise click.ClickException(str(error))
        else:
            user.is_admin = True
            db.session.commit()
        click.echo(f"{user.email} is beheerder.")
