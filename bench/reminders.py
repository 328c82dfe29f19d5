"""Benchmark: `flask reminders send` for an organisation of 5,000 learners in 100 teams (target: under 10 s).

Seeds the database with bench/teams.py's seeding (5,000 learners in 100 teams, one of 500, one manager
of every team), starts a real SMTP server on loopback (aiosmtpd) and runs the command itself, as cron
would, in a fresh process with the clock on the teams' target date: the wall-clock time includes
starting the app. Each run starts from an empty sent_mails table; after the timed runs one more run
checks that nothing is sent twice. `--profile` runs it once in-process under cProfile instead.

Run: .venv/bin/python bench/reminders.py            (SQLite in a temporary folder)
     DATABASE_URL=postgresql://... .venv/bin/python bench/reminders.py
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import delete, func, select  # noqa: E402

from course import create_app  # noqa: E402
from course.extensions import db  # noqa: E402
from course.models import (
    SentMail,  # noqa: E402
    Team,  # noqa: E402
)

import teams as seeding  # noqa: E402  (bench/teams.py)

seeding.TEAMS, seeding.MEMBERS, seeding.BIG = 100, 5000, 500


class Sink:
    """Accepts every mail and counts it."""
    count = 0

    async def handle_DATA(self, server, session, envelope):
        Sink.count += len(envelope.rcpt_tos)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def send(env: dict, now: datetime) -> tuple[float, float, float, str]:
    """Run `flask reminders send` as cron would.

    Returns its wall-clock seconds, its CPU seconds, the CPU seconds of the SMTP server meanwhile (this
    process, which only waits otherwise) and its last output line. On a busy machine the wall-clock
    time grows with the load; the CPU seconds much less.
    """
    start = time.perf_counter()
    children, server = cpu_seconds(resource.RUSAGE_CHILDREN), cpu_seconds(resource.RUSAGE_SELF)
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "reminders", "send", "--now",
                           now.isoformat(timespec="minutes")], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"reminders send failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return (seconds, cpu_seconds(resource.RUSAGE_CHILDREN) - children, cpu_seconds(resource.RUSAGE_SELF) - server,
            done.stdout.strip().splitlines()[-1])


def profile(app, now: datetime) -> None:
    """Run the reminder run once in-process under cProfile and print where the time goes."""
    import cProfile
    import pstats

    runner = app.test_cli_runner()
    profiler = cProfile.Profile()
    profiler.enable()
    result = runner.invoke(args=["reminders", "send", "--now", now.isoformat(timespec="minutes")])
    profiler.disable()
    print(result.output.strip())
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs (default 3)")
    parser.add_argument("--profile", action="store_true", help="one run in-process under cProfile")
    parser.add_argument("--learners", type=int, default=5000, help="learners (default 5000; for quick looks)")
    args = parser.parse_args()
    seeding.MEMBERS, seeding.BIG = args.learners, min(500, args.learners // 10)
    folder = tempfile.mkdtemp(prefix="vg-bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    controller = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    controller.start()
    config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "MAIL_SERVER": "127.0.0.1",
              "MAIL_PORT": controller.port}
    app = create_app(config)
    try:
        seeding.seed(app)
        with app.app_context():
            now = datetime.combine(db.session.scalar(select(func.min(Team.target_date))), datetime.min.time())
        now += timedelta(hours=7)
        if args.profile:
            profile(app, now)
            return
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "MAIL_SERVER": "127.0.0.1",
               "MAIL_PORT": str(controller.port), "FLASK_ENV": ""}
        times, cpus = [], []
        for _ in range(args.runs):
            with app.app_context():
                db.session.execute(delete(SentMail))
                db.session.commit()
            Sink.count = 0
            seconds, cpu, server, output = send(env, now)
            times.append(seconds)
            cpus.append(cpu)
            print(f"run {len(times)}: {seconds:6.2f} s (CPU {cpu:5.2f} s; SMTP server CPU {server:5.2f} s; "
                  f"load {os.getloadavg()[0]:.1f}), {Sink.count} mails received over SMTP; {output}")
        before = Sink.count
        seconds, cpu, server, output = send(env, now)
        print(f"once more right after: {seconds:6.2f} s (CPU {cpu:5.2f} s), {Sink.count - before} mails received; "
              f"{output}")
        print(f"flask reminders send, {seeding.MEMBERS} learners in {seeding.TEAMS} teams "
              f"({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, {Sink.count} mails): "
              f"median {statistics.median(times):.2f} s, min {min(times):.2f} s, "
              f"median CPU {statistics.median(cpus):.2f} s ({len(times)} runs; target 10 s)")
        if Sink.count != before:
            sys.exit("a second run sent mails again")
    finally:
        controller.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
