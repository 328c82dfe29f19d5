"""Benchmark: the team page and its CSV export for a 500-member team.

Seeds an organisation with 20 teams and 2,000 members with realistic progress (lessons,
quiz attempts, completions, certificates) in a fresh database, then times requests in-process.

Run: .venv/bin/python bench/teams.py            (SQLite in a temporary folder)
     DATABASE_URL=postgresql://... .venv/bin/python bench/teams.py
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from course import create_app  # noqa: E402
from course.certificates import new_code  # noqa: E402
from course.extensions import db  # noqa: E402
from course.models import (Certificate, LessonProgress, ModuleCompletion, Organisation, QuizAttempt, Team,  # noqa: E402
                           TeamManager, TeamMembership, User, utcnow)

TEAMS, MEMBERS, BIG = 20, 2000, 500


def seed(app) -> int:
    """Fill the database; return the id of the 500-member team."""
    rng = random.Random(7)
    course = app.extensions["course"]
    now = utcnow()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        organisation = Organisation(name="Kinderopvang Benchmark")
        db.session.add(organisation)
        db.session.flush()
        team_ids = []
        for i in range(TEAMS):
            team = Team(organisation_id=organisation.id, name=f"Locatie {i + 1}", invite_token=f"token-{i}",
                        invite_expires_at=now + timedelta(days=14), target_date=(now + timedelta(days=30)).date())
            db.session.add(team)
            db.session.flush()
            team_ids.append(team.id)
        password = generate_password_hash("benchmark-wachtwoord")
        manager = User(name="Manager", email="manager@bench.nl", password_hash=password)
        db.session.add(manager)
        db.session.flush()
        db.session.execute(insert(TeamManager), [{"team_id": t, "user_id": manager.id} for t in team_ids])
        users = [{"name": f"Medewerker {i:04d} van der Meer", "email": f"m{i}@bench.nl", "password_hash": password,
                  "is_admin": False, "created_at": now} for i in range(MEMBERS)]
        db.session.execute(insert(User), users)
        user_ids = list(db.session.scalars(select(User.id).where(User.email.like("m%@bench.nl")).order_by(User.id)))
        sizes = [BIG] + [(MEMBERS - BIG) // (TEAMS - 1)] * (TEAMS - 1)
        memberships, start = [], 0
        for team_id, size in zip(team_ids, sizes):
            memberships += [{"team_id": team_id, "user_id": u, "joined_at": now} for u in user_ids[start:start + size]]
            start += size
        db.session.execute(insert(TeamMembership), memberships)
        lessons, attempts, completions, certificates = [], [], [], []
        for user_id in user_ids:
            modules_done = rng.choice([0, 0, 1, 2, 3, 4, 4])
            for index, module in enumerate(course.modules):
                if index < modules_done:
                    count = len(module.lessons)
                elif index == modules_done:
                    count = rng.randint(0, len(module.lessons))
                else:
                    count = 0
                lessons += [{"user_id": user_id, "module_slug": module.slug, "lesson_slug": l.slug, "completed_at": now}
                            for l in module.lessons[:count]]
                if index < modules_done:
                    attempts.append({"user_id": user_id, "module_slug": module.slug, "quiz_hash": "x", "draw": [],
                                     "answers": {}, "started_at": now, "submitted_at": now, "score": 90.0,
                                     "passed": True, "results": []})
                    completions.append({"user_id": user_id, "module_slug": module.slug, "completed_at": now})
                    certificates.append({"code": new_code(), "user_id": user_id, "scope": module.slug, "name": "x",
                                         "title": module.title, "hours": 1.75, "issuer": "Bench", "issued_at": now})
            if modules_done == len(course.modules):
                certificates.append({"code": new_code(), "user_id": user_id, "scope": "cursus", "name": "x",
                                     "title": course.title, "hours": 7, "issuer": "Bench", "issued_at": now})
        for model, rows in ((LessonProgress, lessons), (QuizAttempt, attempts), (ModuleCompletion, completions),
                            (Certificate, certificates)):
            for i in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[i:i + 5000])
        db.session.commit()
        print(f"seeded {TEAMS} teams, {MEMBERS} members, {len(lessons)} lessons done, {len(attempts)} attempts, "
              f"{len(certificates)} certificates ({db.engine.dialect.name})")
        return team_ids[0]


def main() -> None:
    folder = tempfile.mkdtemp(prefix="vg-bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    team_id = seed(app)
    client = app.test_client()
    client.post("/inloggen", data={"email": "manager@bench.nl", "password": "benchmark-wachtwoord"})
    for label, path in (("team page (500 members)", f"/teams/{team_id}/"),
                        ("CSV export (500 members)", f"/teams/{team_id}/export.csv"),
                        ("XLSX export (500 members)", f"/teams/{team_id}/export.xlsx")):
        assert client.get(path).status_code == 200
        times = []
        for _ in range(15):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        print(f"{label:<28} median {statistics.median(times):7.1f} ms   min {min(times):7.1f} ms   ({len(times)} runs)")


if __name__ == "__main__":
    main()
