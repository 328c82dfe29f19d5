"""flask reminders send: the reminder and digest mails, for cron or a systemd timer."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from course.extensions import db

reminders = AppGroup("reminders", help="Herinneringsmails (voor cron of een systemd-timer).")


@reminders.command("send")
@click.option("--dry-run", is_flag=True, help="Toon alleen wat verstuurd zou worden.")
@click.option("--now", "now_text", metavar="JJJJ-MM-DDTUU:MM", help="Doe alsof het nu dit moment is (UTC; voor tests).")
def send_reminders(dry_run: bool, now_text: str | None):
    """Verstuur de herinneringen, weekoverzichten en seintjes die nu aan de beurt zijn (elk maar één keer)."""
    from datetime import datetime

    from course import reminders as planning
    from course.reminders import deliver as reminders_send
    from course.text import utcnow
    from course.web.mails.reminders import Sender, subject
    try:
        now = datetime.fromisoformat(now_text) if now_text else utcnow()
    except ValueError:
        raise click.ClickException(f"--now {now_text!r} is geen datum en tijd, bijvoorbeeld 2026-03-02T07:00.")
    now = now.replace(tzinfo=None)
    if not dry_run:  # rows a run that died left "bezig": free again, so this run sends them
        from datetime import timedelta

        from course.mail import queue
        queue.free_stale_reminders(db.session, now, timedelta(seconds=current_app.config["MAIL_CLAIM_TIMEOUT"]))
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
