"""Benchmark: the organisation view, the year's XLSX and the reminder run for 5,000 learners.

Seeds (with bench/teams.py's seeding) 5,000 learners in 100 teams, one team of 500, tied to 40
locations with LRK numbers, one manager of every team; then times in-process. The reminder run
goes to a real SMTP server on loopback (aiosmtpd), with the clock on the teams' target date.

Run: .venv/bin/python bench/records.py            (SQLite in a temporary folder)
     DATABASE_URL=postgresql://... .venv/bin/python bench/records.py
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import teams as seeding  # noqa: E402  (bench/teams.py)
from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import insert, select, update  # noqa: E402

from course import create_app, reminders, reminders_send  # noqa: E402
from course.extensions import db  # noqa: E402
from course.mail import Batch  # noqa: E402
from course.models import Organisation, Team, utcnow  # noqa: E402
from course.models_records import Location  # noqa: E402
from course.web.reminder_mail import sender  # noqa: E402

seeding.TEAMS, seeding.MEMBERS, seeding.BIG = 100, 5000, 500
LOCATIONS = 40


class Sink:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        Sink.count += 1
        return "250 OK"


def timed(label, call, runs=7):
    call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    print(f"{label:<40} median {statistics.median(times):8.1f} ms   min {min(times):8.1f} ms   ({runs} runs)")


def main() -> None:
    folder = tempfile.mkdtemp(prefix="vg-bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port})
    seeding.seed(app)
    with app.app_context():
        organisation = db.session.scalar(select(Organisation))
        db.session.execute(insert(Location), [{"organisation_id": organisation.id, "name": f"Locatie {i + 1:02d}",
                                               "lrk_number": f"{100000000000 + i}"} for i in range(LOCATIONS)])
        locations = list(db.session.scalars(select(Location.id).order_by(Location.id)))
        for index, team_id in enumerate(db.session.scalars(select(Team.id).order_by(Team.id)).all()):
            db.session.execute(update(Team).where(Team.id == team_id).values(location_id=locations[index % LOCATIONS]))
        db.session.commit()
        target = db.session.scalar(select(Team.target_date))
    client = app.test_client()
    client.post("/inloggen", data={"email": "manager@bench.nl", "password": "benchmark-wachtwoord"})
    year = utcnow().year

    def get(path):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    timed("organisation view (5,000 learners)", lambda: get(f"/opleidingsoverzicht/?jaar={year}"))
    timed("organisation XLSX for a year", lambda: get(f"/opleidingsoverzicht/export.xlsx?jaar={year}"), runs=3)
    now = datetime.combine(target, datetime.min.time()) + timedelta(hours=7)
    with app.app_context():
        start = time.perf_counter()
        planned = reminders.plan(db.session, app.extensions["course"], now)
        planning = time.perf_counter() - start
        with Batch(app.config) as batch:
            report = reminders_send.deliver(db.session, planned, sender(app, batch), now)
        total = time.perf_counter() - start
    print(f"reminder run: planned {len(planned)} mails in {planning * 1000:.0f} ms, sent {len(report.sent)} "
          f"over SMTP on loopback; whole run {total:.2f} s")
    controller.stop()


if __name__ == "__main__":
    main()
