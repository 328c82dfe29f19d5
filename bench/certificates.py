"""Benchmark: one certificate PDF, and a ZIP of 500 certificates (a 100-learner team) as a manager downloads it.

Seeds a fresh database with a team of 100 learners who each hold the four module certificates
(with learning goals, so two pages) and the course certificate, then times in-process:
drawing one PDF; all 500 drawn and zipped with nothing stored; `flask certificate store-pdfs`, which
draws and stores them once (certificates issued before PDFs were stored); the team's ZIP after that
(read from the stored PDFs); and the same 500 certificates as the training record's ZIP of the year.

Run: .venv/bin/python bench/certificates.py            (SQLite in a temporary folder)
     DATABASE_URL=postgresql://... .venv/bin/python bench/certificates.py
"""
from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import insert, select  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from course import create_app  # noqa: E402
from course.certificates import CertificateData, module_goals, new_code, render_pdf, zip_of  # noqa: E402
from course.extensions import db  # noqa: E402
from course.models import Certificate, Organisation, Team, TeamManager, TeamMembership, User  # noqa: E402
from course.text import utcnow  # noqa: E402

from teams import empty_database  # noqa: E402  (bench/teams.py)

BASE_URL = "https://cursus.example.nl"
LEARNERS = 100


def seed(app) -> int:
    """A team of LEARNERS learners with five certificates each, issued over the past year; return the team id."""
    course = app.extensions["course"]
    now = utcnow()
    with app.app_context():
        empty_database()
        organisation = Organisation(name="Kinderopvang De Regenboog")
        db.session.add(organisation)
        db.session.flush()
        team = Team(organisation_id=organisation.id, name="Locatie Zonnestraal", invite_token="bench",
                    invite_expires_at=now + timedelta(days=14))
        manager = User(name="Manager", email="manager@bench.nl", password_hash=generate_password_hash("benchmark-wachtwoord"))
        db.session.add_all([team, manager])
        db.session.flush()
        db.session.add(TeamManager(team_id=team.id, user_id=manager.id))
        db.session.execute(insert(User), [{"name": f"Medewerker {i} van der Meer-Çelik", "email": f"m{i}@bench.nl",
                                           "password_hash": "x", "is_admin": False} for i in range(LEARNERS)])
        ids = list(db.session.scalars(select(User.id).where(User.email.like("m%@bench.nl"), User.id != manager.id)))
        db.session.execute(insert(TeamMembership), [{"team_id": team.id, "user_id": u, "joined_at": now} for u in ids])
        rows = []
        for n, user_id in enumerate(ids):
            new_year = datetime(now.year, 1, 1)
            issued = new_year + (now - new_year) * (n + 1) / (LEARNERS + 1)  # spread over this year so far
            for module in course.modules:
                rows.append({"code": new_code(), "user_id": user_id, "scope": module.slug,
                             "name": f"Medewerker {n} van der Meer-Çelik", "title": f"Module {module.number}: {module.title}",
                             "hours": module.total_hours, "practice_hours": module.practice_hours,
                             "issuer": "Kinderopvang De Regenboog", "issued_at": issued,
                             "goals": module_goals(module)})
            rows.append({"code": new_code(), "user_id": user_id, "scope": Certificate.COURSE_SCOPE,
                         "name": f"Medewerker {n} van der Meer-Çelik", "title": course.title,
                         "hours": course.total_hours, "practice_hours": course.practice_hours,
                         "issuer": "Kinderopvang De Regenboog", "issued_at": issued})
        db.session.execute(insert(Certificate), rows)
        db.session.commit()
        print(f"seeded 1 team, {LEARNERS} learners, {len(rows)} certificates ({db.engine.dialect.name})")
        return team.id


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    folder = tempfile.mkdtemp(prefix="vg-bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "BASE_URL": BASE_URL})
    team_id = seed(app)
    with app.app_context():
        team = [CertificateData.of(c) for c in db.session.scalars(select(Certificate).order_by(Certificate.id))]
    render_pdf.__wrapped__(team[0], BASE_URL)  # warm up: font registration happens once per process
    single = timed(lambda: render_pdf.__wrapped__(team[1], BASE_URL), 100)
    size = len(render_pdf.__wrapped__(team[1], BASE_URL))
    print(f"one certificate PDF (with its goals page)   median {statistics.median(single):7.2f} ms   "
          f"p95 {sorted(single)[int(len(single) * .95)]:7.2f} ms   ({len(single)} runs, {size / 1024:.0f} KiB)")
    drawn = timed(lambda: zip_of(team, BASE_URL), 1)
    print(f"{len(team)} PDFs drawn and zipped, nothing stored  {drawn[0]:7.0f} ms   (what every team ZIP cost before)")
    client = app.test_client()
    client.post("/inloggen", data={"email": "manager@bench.nl", "password": "benchmark-wachtwoord"})

    def download(path: str) -> None:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert len(zipfile.ZipFile(io.BytesIO(response.get_data())).namelist()) == len(team)
    # Certificates issued before PDFs were stored: `flask certificate store-pdfs` draws them once, after
    # an update, so that no manager's ZIP has to (without it, the first ZIP draws and stores them).
    runner = app.test_cli_runner()
    stored = timed(lambda: runner.invoke(args=["certificate", "store-pdfs"]), 1)
    print(f"flask certificate store-pdfs ({len(team)})        {stored[0]:7.0f} ms   (once, after an update)")
    first = timed(lambda: download(f"/teams/{team_id}/certificaten.zip"), 1)
    print(f"team ZIP, first download after that          {first[0]:7.0f} ms")
    again = timed(lambda: download(f"/teams/{team_id}/certificaten.zip"), 7)
    print(f"team ZIP of {len(team)} certificates              median {statistics.median(again):7.0f} ms   "
          f"min {min(again):7.0f} ms   (7 runs)")
    year = utcnow().year
    record = timed(lambda: download(f"/opleidingsoverzicht/certificaten.zip?jaar={year}"), 7)
    print(f"training record ZIP of the year ({len(team)})     median {statistics.median(record):7.0f} ms   "
          f"min {min(record):7.0f} ms   (7 runs)")


if __name__ == "__main__":
    main()
