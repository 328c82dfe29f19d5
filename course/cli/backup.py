"""flask backup create|restore: a consistent copy of the SQLite database, and putting one back."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from course.backup import BackupError
from course.backup import backup as run_backup
from course.backup import restore as run_restore

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
