"""flask practice purge: erase hand-in texts past their retention period."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from course.extensions import db

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
