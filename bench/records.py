"""Benchmark: the organisation view, the year's XLSX and CSV, and one employee's record for 5,000 learners.

Seeds (with bench/teams.py's seeding: a year of activity) 5,000 learners in 100 teams, one team of
500, tied to 40 locations with LRK numbers, one manager of every team; then times in-process. Each
figure is wall-clock (what a visitor waits) and CPU time of this process (on SQLite that includes
the database's work, and it is less disturbed by other programs on the machine). The reminder run
has its own benchmark: bench/reminders.py.

Run: .venv/bin/python bench/records.py            (SQLite in a temporary folder)
     DATABASE_URL=postgresql://... .venv/bin/python bench/records.py
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from sqlalchemy import func, insert, select, update  # noqa: E402

from course import create_app  # noqa: E402
from course.extensions import db  # noqa: E402
from course.models import (  # noqa: E402
    Location,  # noqa: E402
    ModuleCompletion,
    Organisation,
    Team,
    TeamMembership,
)
from course.text import utcnow  # noqa: E402

import teams as seeding  # noqa: E402  (bench/teams.py)

seeding.TEAMS, seeding.MEMBERS, seeding.BIG = 100, 5000, 500
LOCATIONS = 40


def timed(label, call, runs=7):
    call()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    print(f"{label:<44} median {statistics.median(wall):8.1f} ms   min {min(wall):8.1f} ms   "
          f"CPU median {statistics.median(cpu):8.1f} ms   ({runs} runs)")


def main() -> None:
    folder = tempfile.mkdtemp(prefix="vg-bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    seeding.seed(app)
    year = utcnow().year
    with app.app_context():
        organisation = db.session.scalar(select(Organisation))
        db.session.execute(insert(Location), [{"organisation_id": organisation.id, "name": f"Locatie {i + 1:02d}",
                                               "lrk_number": f"{100000000000 + i}"} for i in range(LOCATIONS)])
        locations = list(db.session.scalars(select(Location.id).order_by(Location.id)))
        for index, team_id in enumerate(db.session.scalars(select(Team.id).order_by(Team.id)).all()):
            db.session.execute(update(Team).where(Team.id == team_id).values(location_id=locations[index % LOCATIONS]))
        db.session.commit()
        month = func.extract("month", ModuleCompletion.completed_at)
        by_month = db.session.execute(select(month, func.count())
                                      .where(func.extract("year", ModuleCompletion.completed_at) == year)
                                      .group_by(month).order_by(month)).all()
        employee = db.session.scalar(select(TeamMembership.user_id).join(ModuleCompletion, ModuleCompletion.user_id
                                                                         == TeamMembership.user_id).limit(1))
    print("modules completed per month of", year, ":", ", ".join(f"{int(m)}: {n}" for m, n in by_month))
    client = app.test_client()
    client.post("/inloggen", data={"email": "manager@bench.nl", "password": "benchmark-wachtwoord"})

    def get(path):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        response.get_data()
    timed("organisation view (5,000 learners)", lambda: get(f"/opleidingsoverzicht/?jaar={year}"))
    timed("organisation XLSX for a year", lambda: get(f"/opleidingsoverzicht/export.xlsx?jaar={year}"), runs=5)
    timed("organisation CSV for a year", lambda: get(f"/opleidingsoverzicht/export.csv?jaar={year}"), runs=5)
    timed("one employee's 'overzicht scholing' (PDF)",
          lambda: get(f"/opleidingsoverzicht/medewerkers/{employee}.pdf?jaar={year}"))


if __name__ == "__main__":
    main()
