"""flask commands, one module per command group; register() adds them all to the app.

Module-level click groups, as in the Flask tutorial. `flask content check` is also found without building
the app (pyproject's flask.commands entry point names course.cli:content).
"""
from __future__ import annotations

from flask import Flask

from course.cli.backup import backup
from course.cli.certificates import certificate
from course.cli.content import content
from course.cli.mail import mail
from course.cli.practice import practice_group
from course.cli.quiz import quiz
from course.cli.reminders import reminders
from course.cli.setup import create_admin, demo_data, org

__all__ = ["content", "register"]


def register(app: Flask) -> None:
    """Attach the project's commands to the app."""
    app.cli.add_command(content)
    app.cli.add_command(demo_data, "demo-data")
    app.cli.add_command(create_admin, "create-admin")
    for group in (certificate, org, backup, quiz, reminders, practice_group, mail):
        app.cli.add_command(group)
