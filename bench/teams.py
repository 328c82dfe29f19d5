"""Benchmark: the team page and its CSV export for a 500-member team.

Seeds an organisation with 20 teams and 2,000 members with realistic progress (lessons,
quiz attempts, completions, certificates), spread over the past year, in a fresh database, then
times requests in-process. The team page is timed three ways: nothing changed since the last view (the
rows are reused), one member finished a lesson just before (only their row is built again), and built
afresh (as after someone joined the team, or on a new day); "Mijn teams" of the manager of all 20 teams
with nothing changed and counted afresh.

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
from course.models import (  # noqa: E402
    Certificate,
    LessonProgress,
    ModuleCompletion,
    Organisation,
    QuizAttempt,
    Team,
    TeamManager,
    TeamMembership,
    User,
)
from course.text import utcnow  # noqa: E402

TEAMS, MEMBERS, BIG = 20, 2000, 500


def empty_database() -> None:
    """An empty database at the newest migration (PostgreSQL: the schema dropped first). In an app context."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade()


def seed(app) -> int:
    """Fill the database; return the id of the 500-member team."""
    rng = random.Random(7)
    course = app.extensions["course"]
    now = utcnow()
    with app.app_context():
        empty_database()
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
        # A year of activity: each learner joins on a day of the past year and studies from then on, a
        # lesson every day or few, the quiz after a module's lessons; nothing lies in the future.
        joined = [now - timedelta(days=rng.uniform(0, 365)) for _ in range(MEMBERS)]
        users = [{"name": f"Medewerker {i:04d} van der Meer", "email": f"m{i}@bench.nl", "password_hash": password,
                  "is_admin": False, "created_at": joined[i]} for i in range(MEMBERS)]
        db.session.execute(insert(User), users)
        user_ids = list(db.session.scalars(select(User.id).where(User.email.like("m%@bench.nl"), User.id != manager.id)
                                           .order_by(User.id)))
        each, rest = divmod(MEMBERS - BIG, TEAMS - 1)  # every learner in a team: the first teams get one more
        sizes = [BIG] + [each + (i < rest) for i in range(TEAMS - 1)]
        memberships, start = [], 0
        for team_id, size in zip(team_ids, sizes):
            memberships += [{"team_id": team_id, "user_id": u, "joined_at": joined[start + n]}
                            for n, u in enumerate(user_ids[start:start + size])]
            start += size
        db.session.execute(insert(TeamMembership), memberships)
        lessons, attempts, completions, certificates = [], [], [], []
        for n, user_id in enumerate(user_ids):
            name = users[n]["name"]
            moment = joined[n] + timedelta(hours=rng.uniform(1, 24 * 14))
            modules_done = rng.choice([0, 0, 1, 2, 3, 4, 4])
            counts = [len(m.lessons) if i < modules_done else rng.randint(0, len(m.lessons)) if i == modules_done
                      else 0 for i, m in enumerate(course.modules)]
            # A lesson every few days, the quiz a day or so later; a learner who joined recently has not
            # got as far yet: what would lie in the future did not happen.
            done = 0
            for index, module in enumerate(course.modules):
                for lesson in module.lessons[:counts[index]]:
                    moment += timedelta(hours=rng.uniform(2, 24 * 5))
                    if moment >= now:
                        break
                    lessons.append({"user_id": user_id, "module_slug": module.slug, "lesson_slug": lesson.slug,
                                    "completed_at": moment})
                if index < modules_done:
                    started, moment = moment, moment + timedelta(hours=rng.uniform(1, 24 * 3))
                    if moment >= now:
                        break
                    done += 1
                    attempts.append({"id": len(attempts) + 1, "user_id": user_id, "module_slug": module.slug,
                                     "quiz_hash": "x", "draw": [], "answers": {}, "started_at": started,
                                     "submitted_at": moment, "score": float(rng.randint(70, 100)), "passed": True,
                                     "results": []})
                    completions.append({"user_id": user_id, "module_slug": module.slug, "completed_at": moment,
                                        "attempt_id": len(attempts)})
                    certificates.append({"code": new_code(), "user_id": user_id, "scope": module.slug, "name": name,
                                         "title": f"Module {module.number}: {module.title}",
                                         "hours": module.total_hours, "practice_hours": module.practice_hours,
                                         "issuer": "Bench", "issued_at": moment,
                                         "goals": [goal for lesson in module.lessons for goal in lesson.goals]})
            if done == len(course.modules):
                certificates.append({"code": new_code(), "user_id": user_id, "scope": "cursus", "name": name,
                                     "title": course.title, "hours": course.total_hours,
                                     "practice_hours": course.practice_hours, "issuer": "Bench",
                                     "issued_at": moment})
        for model, rows in ((LessonProgress, lessons), (QuizAttempt, attempts), (ModuleCompletion, completions),
                            (Certificate, certificates)):
            for i in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[i:i + 5000])
        if db.engine.dialect.name == "postgresql":  # the attempts came with their ids: move the sequence on
            db.session.execute(text("SELECT setval(pg_get_serial_sequence('quiz_attempts', 'id'), "
                                    "(SELECT max(id) FROM quiz_attempts))"))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":  # the statistics autovacuum keeps on a database in use
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                # The triggers counted each user's version up once per row above, all in one transaction:
                # 35,000 dead versions of 2,000 user rows. A live database spreads those updates over a
                # year, where HOT updates and autovacuum keep the table near its size; so compact it here.
                conn.execute(text("VACUUM FULL users"))
                conn.execute(text("VACUUM ANALYZE"))
        print(f"seeded {TEAMS} teams, {MEMBERS} members, {len(lessons)} lessons done, {len(attempts)} attempts, "
              f"{len(certificates)} certificates over the past year ({db.engine.dialect.name})")
        return team_ids[0]


def lessons_to_finish(app, team_id: int, rng: random.Random) -> list[tuple[int, str, str]]:
    """(member id, module slug, lesson slug) of lessons the team's members have not finished, shuffled."""
    course = app.extensions["course"]
    with app.app_context():
        members = list(db.session.scalars(select(TeamMembership.user_id).where(TeamMembership.team_id == team_id)))
        done = set(db.session.execute(select(LessonProgress.user_id, LessonProgress.module_slug,
                                             LessonProgress.lesson_slug)).tuples())
    open_ = [(user_id, lesson.module_slug, lesson.slug) for user_id in members for lesson in course.lessons
             if (user_id, lesson.module_slug, lesson.slug) not in done]
    rng.shuffle(open_)
    return open_


def finish_lesson(app, todo: list[tuple[int, str, str]]) -> None:
    """One member finishes one lesson, through the function the lesson page uses."""
    from course.progress import mark_lesson_done
    user_id, module_slug, lesson_slug = todo.pop()
    with app.app_context():
        lesson = app.extensions["course"].module(module_slug).lesson(lesson_slug)
        mark_lesson_done(db.session, db.session.get(User, user_id), lesson)
        db.session.remove()


def main() -> None:
    folder = tempfile.mkdtemp(prefix="vg-bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    team_id = seed(app)
    todo = lessons_to_finish(app, team_id, random.Random(11))
    import gc
    gc.freeze()  # as gunicorn.conf.py does in each worker once the app is loaded
    client = app.test_client()
    client.post("/inloggen", data={"email": "manager@bench.nl", "password": "benchmark-wachtwoord"})
    page = f"/teams/{team_id}/"
    # The team page keeps each team's rows between views (course/teams/cache.py): nothing changed, one
    # member changed (only their row is built again), or built afresh (someone joined, a new day).
    for label, path, before in (("team page (500 members)", page, None),
                                ("  after one lesson finished", page, lambda: finish_lesson(app, todo)),
                                ("  built afresh", page, app.extensions["team_reports"].clear),
                                ("Mijn teams (20 teams, 2,000)", "/teams/", None),
                                ("  counted afresh", "/teams/", app.extensions["team_reports"].clear),
                                ("CSV export (500 members)", f"/teams/{team_id}/export.csv", None),
                                ("XLSX export (500 members)", f"/teams/{team_id}/export.xlsx", None)):
        assert client.get(path).status_code == 200
        times = []
        for _ in range(15):
            if before:
                before()
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        print(f"{label:<28} median {statistics.median(times):7.1f} ms   min {min(times):7.1f} ms   ({len(times)} runs)")


if __name__ == "__main__":
    main()
