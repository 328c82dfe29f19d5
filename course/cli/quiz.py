"""flask quiz stats: how each quiz item performs."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from course import itemstats
from course.extensions import db

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
