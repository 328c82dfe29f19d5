"""flask content check: validate content/ and quizzes/.

Also a plugin command (pyproject's flask.commands entry point), so Flask finds it without building the
app: it must be able to report content that keeps the app from starting.
"""
from __future__ import annotations

import os

import click

from course.catalog import ContentError, load_catalog
from course.catalog.loader import MIN_ITEMS_PER_LESSON, describe
from course.config import ROOT


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
    from course.bankcheck import report
    for module in course.modules:
        if module.quiz:
            click.echo(report(module))
