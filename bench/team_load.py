"""Load benchmark: 20 managers open the team page of a 500-member team at once, under gunicorn.

Seeds the bench/teams.py database (20 teams, 2,000 learners; team 1 has 500 members), adds 20 managers
of that team, logs each in with its own session (Flask-Login binds a session to the User-Agent it logged
in with, so every request sends the same one), and drives gunicorn with wrk: 20 connections, each
reloading the team page as soon as the last one arrived, every connection with the cookie of its own
manager. Prints the latency percentiles wrk saw (queueing included) and the time inside the app from
its own request log; exits 1 when the 95th percentile is 300 ms or more.

With --lessons-per-second N, members of that team finish lessons at that rate while the managers look
(through the function the lesson page uses), so the page keeps building the rows of members who moved
(course/teams/cache.py) instead of reusing all of them.

Run: .venv/bin/python bench/team_load.py                    (SQLite in a temporary folder)
     .venv/bin/python bench/team_load.py --db postgresql    (a throwaway PostgreSQL cluster on loopback)
     .venv/bin/python bench/team_load.py --lessons-per-second 2

Same gunicorn settings as bench/load.py (gthread, 4 workers, 2 threads, rate limits off). Everything
it starts is stopped and every temporary folder removed at the end, also on an error or Ctrl-C.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import random
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 300


def _bench_module(name: str):
    """Import a sibling script (bench/load.py, bench/teams.py) under a name that cannot clash."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while they are made
    spec.loader.exec_module(module)
    return module


load = _bench_module("load")
teams_bench = _bench_module("teams")

# wrk gives each thread its own Lua state, calls init() once per thread and request() once per request.
# Each thread takes its own half of the managers' session cookies and sends them in turn, so the 20
# requests in flight at any moment come from 20 managers (nearly always all different), each with the
# session it logged in with.
WRK_LUA = r"""
local counter, cookies, mine, next_one = 0, {}, {}, 0
setup = function(thread)
  thread:set("first", counter)
  counter = counter + 1
end
init = function(args)
  for i, c in ipairs(args) do cookies[i] = c end
  local threads, per = tonumber(cookies[1]), tonumber(cookies[2])
  for i = 1, per do mine[i] = cookies[2 + first * per + i] end
end
request = function()
  next_one = next_one % #mine + 1
  local headers = {}  -- wrk.format's headers replace wrk.headers (the User-Agent given with -H): copy them
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Cookie"] = "session=" .. mine[next_one]
  return wrk.format("GET", nil, headers)
end
""" + load.WRK_LUA


def seed_managers(url: str, managers: int) -> tuple[int, list[str]]:
    """The bench/teams.py database, plus `managers` managers of its 500-member team; their e-mail addresses."""
    from sqlalchemy import insert, select

    from course import create_app
    from course.extensions import db
    from course.models import TeamManager, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(url), "SECRET_KEY": load.SECRET})
    team_id = teams_bench.seed(app)
    emails = [f"leiding{i:02d}@bench.nl" for i in range(managers)]
    with app.app_context():
        password = db.session.scalar(select(User.password_hash).where(User.email == "manager@bench.nl"))
        db.session.execute(insert(User), [{"name": f"Leidinggevende {i:02d}", "email": e, "password_hash": password}
                                          for i, e in enumerate(emails)])
        ids = db.session.scalars(select(User.id).where(User.email.in_(emails))).all()
        db.session.execute(insert(TeamManager), [{"team_id": team_id, "user_id": user_id} for user_id in ids])
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return team_id, emails


def _sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + url[len("postgresql://"):] if url.startswith("postgresql://") else url


class LearnersAtWork(threading.Thread):
    """Members of the team finishing lessons at a steady rate, each a different lesson, while managers look."""

    def __init__(self, url: str, team_id: int, per_second: float):
        super().__init__(daemon=True)
        from course import create_app
        self.app = create_app({"SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(url), "SECRET_KEY": load.SECRET})
        self.todo = teams_bench.lessons_to_finish(self.app, team_id, random.Random(3))
        self.interval, self.finished, self.halt = 1 / per_second, 0, threading.Event()

    def run(self) -> None:
        due = time.monotonic()
        while not self.halt.is_set() and self.todo:
            teams_bench.finish_lesson(self.app, self.todo)
            self.finished += 1
            due += self.interval
            self.halt.wait(max(0.0, due - time.monotonic()))


def run_wrk(port: int, path: str, cookies: list[str], seconds: int, threads: int, lua: Path) -> dict:
    per = len(cookies) // threads
    cmd = ["wrk", f"-t{threads}", f"-c{len(cookies)}", f"-d{seconds}s", "--timeout", "10s", "--latency",
           "-s", str(lua), "-H", f"User-Agent: {load.USER_AGENT}", f"http://{load.HOST}:{port}{path}",
           "--", str(threads), str(per), *cookies]
    return load.wrk_result(cmd, seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--managers", type=int, default=20, help="managers at once (default 20; even)")
    parser.add_argument("--seconds", type=int, default=20, help="length of each run (default 20)")
    parser.add_argument("--rounds", type=int, default=3, help="runs; the median run's figures are reported")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker (default 2)")
    parser.add_argument("--lessons-per-second", type=float, default=0.0,
                        help="lessons the team's members finish per second meanwhile (default 0)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")
    if not (2 <= args.managers <= 200 and args.managers % 2 == 0 and 1 <= args.seconds <= 300
            and 1 <= args.rounds <= 10):
        sys.exit("keep --managers even in 2..200, --seconds in 1..300 and --rounds in 1..10")
    return load.run_cleaned_up(run, args, "vg-teamload-")


def run(args, tmp: Path, cleanup) -> int:
    url = load.start_postgres(tmp, cleanup) if args.db == "postgresql" else f"sqlite:///{tmp}/load.sqlite"
    team_id, emails = seed_managers(url, args.managers)
    others_busy = load.cpu_busy(2.0)
    server = load.Server(url, tmp, "gthread", args.workers, args.threads, cleanup)
    path = f"/teams/{team_id}/"
    cookies = []
    for email in emails:
        manager = load.Client(server.port)
        manager.login(email)
        probe = manager.get(path)
        if probe.status != 200 or b"<strong>500</strong> leden" not in probe.body:
            raise RuntimeError(f"{email} does not get the 500-member team page: HTTP {probe.status}")
        cookies.append(manager.cookie)
    lua = tmp / "managers.lua"
    lua.write_text(WRK_LUA)
    print(f"gunicorn gthread {args.workers} workers x {args.threads} threads on {load.HOST}:{server.port}; "
          f"wrk -t2 -c{args.managers} -d{args.seconds}s, {args.rounds} runs; {args.managers} managers, each its "
          f"own session; page {len(probe.body) // 1024} KB; {os.cpu_count()} CPUs; "
          f"CPU busy with other work before the test: {others_busy:.0%}", flush=True)
    run_wrk(server.port, path, cookies, 3, 2, lua)  # warm up every worker
    time.sleep(2)
    server.new_log()
    learners = None
    if args.lessons_per_second > 0:
        learners = LearnersAtWork(url, team_id, args.lessons_per_second)
        learners.start()
        cleanup.add("stop the learners", learners.halt.set)
    runs = []
    for _ in range(args.rounds):
        result = run_wrk(server.port, path, cookies, args.seconds, 2, lua)
        time.sleep(2)  # let the server finish what wrk left queued
        tally = server.new_log()
        app_ms = [ms for ts in tally["app_ms"].values() for ms in ts]
        not_ok = sum(n for status, n in tally["statuses"].items() if status != 200)
        runs.append({"rps": result["requests"] / (result["duration_us"] / 1e6), "p50": result["p50_us"] / 1000,
                     "p95": result["p95_us"] / 1000, "p99": result["p99_us"] / 1000, "max": result["max_us"] / 1000,
                     "errors": int(result["errors"]) + not_ok, "app_ms": statistics.median(app_ms or [float("nan")]),
                     "problems": tally["problems"][:5], "statuses": dict(sorted(tally["statuses"].items()))})
        r = runs[-1]
        print(f"  run: {r['rps']:6.1f} req/s  p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  p99 {r['p99']:7.1f} ms  "
              f"max {r['max']:7.1f} ms  app ms (median) {r['app_ms']:6.1f}  errors {r['errors']}  statuses {r['statuses']}",
              flush=True)
        for problem in r["problems"]:
            print(f"  server log: {problem[:300]}")
    if learners:
        learners.halt.set()
        print(f"  meanwhile the team's members finished {learners.finished} lessons "
              f"({args.lessons_per_second:g} per second)")
    median = sorted(runs, key=lambda r: r["p95"])[len(runs) // 2]
    db_label = "SQLite" if args.db == "sqlite" else "PostgreSQL"
    ok = median["p95"] < TARGET_P95_MS and not any(r["errors"] for r in runs)
    print()
    print("| database | managers at once | lessons/s meanwhile | req/s | p50 ms | p95 ms | app ms (median) | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| {db_label} | {args.managers} | {args.lessons_per_second:g} | {median['rps']:.1f} | {median['p50']:.1f} | {median['p95']:.1f} | "
          f"{median['app_ms']:.1f} | {sum(r['errors'] for r in runs)} |")
    print(f"\nTarget {'met' if ok else 'NOT met'}: p95 under {TARGET_P95_MS} ms with {args.managers} managers at once, "
          f"no errors (median run of {len(runs)}: p95 {median['p95']:.1f} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
