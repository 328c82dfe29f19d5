"""flask mail send: deliver every stored mail that is due (for cron; each app process also has a sender thread)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

mail = AppGroup("mail", help="Uitgaande mail (wachtwoord vergeten, inleveringen voor coaches).")


@mail.command("send")
@click.option("--now", "now_text", metavar="JJJJ-MM-DDTUU:MM", help="Doe alsof het nu dit moment is (UTC; voor tests).")
def send_mail(now_text: str | None):
    """Verstuur de mails die klaarstaan, ook die een gestopt proces liet liggen (elke mail maar één keer)."""
    from datetime import datetime

    from course.extensions import db
    from course.mail import queue
    from course.text import utcnow
    from course.web.mails import postman, render
    try:
        fixed = datetime.fromisoformat(now_text).replace(tzinfo=None) if now_text else None
    except ValueError:
        raise click.ClickException(f"--now {now_text!r} is geen datum en tijd, bijvoorbeeld 2026-03-02T07:00.")
    app = current_app._get_current_object()
    report = queue.send_due(db.session, app.config, render.renderer(app), (lambda: fixed) if fixed else utcnow,
                            **postman.settings(app))
    click.echo(f"Verstuurd: {report.sent}; later opnieuw: {report.retried}; opgegeven: {report.given_up}; "
               f"adres geweigerd: {report.refused}; niet (meer) nodig: {report.skipped}; blijven staan: {report.left}.")
    if report.left:
        raise SystemExit(1)
