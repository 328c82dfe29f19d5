"""Benchmark: the item statistics page and CSV for 10,000 graded attempts.

Seeds 2,500 learners with 10,000 graded attempts of the real module 1 quiz (drawn by the real
blueprint, answered by simulated learners of varying ability) in a fresh database, then times the
statistics computation and the administrator's page in-process.

Run: .venv/bin/python bench/itemstats.py            (SQLite in a temporary folder)
     DATABASE_URL=postgresql://... .venv/bin/python bench/itemstats.py
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import insert, select, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from course import create_app, itemstats  # noqa: E402
from course.attempts import draw as draw_items  # noqa: E402

from teams import empty_database  # noqa: E402  (bench/teams.py)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # devtools: the throwaway PostgreSQL cluster and test helpers
from course.extensions import db  # noqa: E402
from course.models import QuizAttempt, QuizItemResult, User  # noqa: E402
from course.text import utcnow  # noqa: E402

from devtools import csrf_token  # noqa: E402

LEARNERS, ATTEMPTS = 2500, 10_000
PASSWORD = "benchmark-wachtwoord"


def simulated_answer(question, ability: float, rng: random.Random):
    """(points, chosen) for a learner of this ability: right with a chance, else a plausible wrong answer."""
    right = rng.random() < ability
    if question.type_name == "single":
        wrong = [o.id for o in question.options if not o.correct]
        return (1.0, question.key()) if right else (0.0, rng.choice(wrong))
    if question.type_name == "multiple":
        key = question.key()
        if right:
            return 1.0, ",".join(key)
        chosen = key[:-1] + [o.id for o in question.options if not o.correct][:1]
        return question.grade(chosen).points, ",".join(sorted(chosen))
    return (1.0 if right else rng.choice((0.0, 0.5))), ""


def seed(app) -> None:
    rng = random.Random(11)
    module = app.extensions["course"].modules[0]
    difficulty = {q.id: rng.uniform(-0.25, 0.25) for q in module.quiz.questions}
    with app.app_context():
        empty_database()
        password = generate_password_hash(PASSWORD)
        db.session.add(User(name="Bram Beheer", email="beheer@bench.nl", password_hash=password, is_admin=True))
        db.session.execute(insert(User), [{"name": "Cursist", "email": f"c{i}@bench.nl", "password_hash": password}
                                          for i in range(LEARNERS)])
        learner_ids = list(db.session.scalars(select(User.id).where(User.is_admin.is_(False))))
        now = utcnow()
        attempt_rows, item_rows = [], []
        for n in range(ATTEMPTS):
            user_id = learner_ids[n % LEARNERS]
            ability = 0.35 + 0.6 * ((user_id * 7919) % 1000) / 1000
            draw = draw_items(module.quiz, rng)
            answers = [(entry["q"], *simulated_answer(module.quiz.question(entry["q"]),
                                                      min(0.98, max(0.02, ability - difficulty[entry["q"]])), rng))
                       for entry in draw]
            total = sum(points for _, points, _ in answers)
            score = round(100 * total / len(draw), 1)
            attempt_rows.append({"id": n + 1, "user_id": user_id, "module_slug": module.slug, "quiz_hash": "bench",
                                 "draw": draw, "answers": {}, "started_at": now, "submitted_at": now, "score": score,
                                 "passed": score >= module.quiz.pass_mark})
            item_rows += [{"attempt_id": n + 1, "module_slug": module.slug, "question_id": qid, "points": points,
                           "attempt_points": total, "chosen": chosen} for qid, points, chosen in answers]
        db.session.execute(insert(QuizAttempt), attempt_rows)
        db.session.execute(insert(QuizItemResult), item_rows)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("SELECT setval('quiz_attempts_id_seq', (SELECT max(id) FROM quiz_attempts))"))
                conn.execute(text("ANALYZE"))


def timed(run, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    folder = tempfile.mkdtemp(prefix="vg-bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
    started = time.perf_counter()
    seed(app)
    print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}; seeded {ATTEMPTS:,} attempts "
          f"({ATTEMPTS * app.extensions['course'].modules[0].quiz.draw:,} item rows) in "
          f"{time.perf_counter() - started:.1f} s")
    module = app.extensions["course"].modules[0]
    with app.app_context():
        compute = timed(lambda: itemstats.module_stats(db.session, module))
        stats = itemstats.module_stats(db.session, module)
        print(f"module 1: {stats.attempts:,} attempts, pass rate {100 * stats.pass_rate:.0f}%, "
              f"{sum(bool(i.flags) for i in stats.items)} of {len(stats.items)} items flagged")
    client = app.test_client()
    page = client.get("/inloggen").get_data(as_text=True)
    token = csrf_token(page)
    client.post("/inloggen", data={"email": "beheer@bench.nl", "password": PASSWORD, "csrf_token": token})
    assert client.get("/beheer/vragen").status_code == 200
    page_ms = timed(lambda: client.get(f"/beheer/vragen?module={module.slug}"))
    csv_ms = timed(lambda: client.get("/beheer/vragen.csv"), repeat=5)
    print(f"{'what':<44} {'median':>10}")
    print(f"{'module_stats() for 10,000 attempts':<44} {compute:>8.0f} ms")
    print(f"{'statistics page (GET /beheer/vragen)':<44} {page_ms:>8.0f} ms")
    print(f"{'CSV of every module (GET /beheer/vragen.csv)':<44} {csv_ms:>8.0f} ms")


if __name__ == "__main__":
    main()
