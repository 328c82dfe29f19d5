"""Load benchmark: the platform under gunicorn, driven over loopback, on SQLite or PostgreSQL.

Seeds a realistic database (bench/teams.py: 20 teams, 2,000 learners with lessons, quiz attempts,
completions and certificates), starts gunicorn on 127.0.0.1, and measures with wrk (Debian's
`apt-get install wrk`) the key pages beside the hello-world route /gezond served by the same
server in the same run. Then 50 concurrent learners (Python threads) take module quizzes for 60
seconds (start, open, submit, read the result; every fifth start and submit is sent twice at
once, like a double click) and the script checks that no submitted attempt was lost or graded
twice.

Run: .venv/bin/python bench/load.py                    (SQLite in a temporary folder)
     .venv/bin/python bench/load.py --db postgresql    (a throwaway PostgreSQL cluster on loopback)

Everything it starts (gunicorn, the PostgreSQL cluster) and every temporary folder is removed at the
end, also after an error or Ctrl-C. Only 127.0.0.1 is ever contacted.
"""
from __future__ import annotations

import argparse
import html.parser
import http.client
import importlib.util
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "tests"))  # devtools: the throwaway PostgreSQL cluster and test helpers
from devtools import PostgresCluster, csrf_token, free_port  # noqa: E402

sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
SECRET = "load-benchmark-not-secret"
USER_AGENT = "vg-load-benchmark"  # login sessions are bound to IP + User-Agent ("strong" protection)
PASSWORD = "benchmark-wachtwoord"  # set by bench/teams.py
HOST = "127.0.0.1"

WRK_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %.0f, "duration_us": %.0f, "p50_us": %.0f, "p95_us": %.0f, '
    .. '"p99_us": %.0f, "max_us": %.0f, "connect": %.0f, "read": %.0f, "write": %.0f, "status": %.0f, '
    .. '"timeout": %.0f}\n', summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


# --------------------------------------------------------------------------------------------------
# Small helpers


def cpu_busy(seconds: float) -> float:
    """Share of all CPUs busy over a short interval (from /proc/stat), while this script is idle."""
    def sample():
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait
    try:
        total1, idle1 = sample()
        time.sleep(seconds)
        total2, idle2 = sample()
    except OSError:
        return float("nan")
    return 1 - (idle2 - idle1) / max(1, total2 - total1)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def load_teams_module():
    """Import bench/teams.py (its seed() fills the database) under a name that cannot clash."""
    spec = importlib.util.spec_from_file_location("bench_teams", ROOT / "bench" / "teams.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Cleanup:
    """Processes and folders to remove at the end, whatever happens."""

    def __init__(self):
        self.steps: list[tuple[str, callable]] = []

    def add(self, label: str, fn) -> None:
        self.steps.append((label, fn))

    def run(self) -> None:
        while self.steps:
            label, fn = self.steps.pop()
            try:
                fn()
            except Exception as error:  # keep cleaning up
                print(f"cleanup: {label} failed: {error}", file=sys.stderr)


# --------------------------------------------------------------------------------------------------
# PostgreSQL: a throwaway cluster on loopback (same pattern as scripts/test.sh)


def start_postgres(tmp: Path, cleanup: Cleanup) -> str:
    """The project's throwaway cluster (tests/devtools.py), with fsync on and room for many connections."""
    try:
        cluster = PostgresCluster("max_connections=200", fsync=True)
    except FileNotFoundError as error:
        sys.exit(f"No {error}.")
    cleanup.add("stop PostgreSQL", cluster.remove)
    print(f"PostgreSQL cluster: {cluster.version} on {HOST}:{cluster.port} (default settings, fsync on)")
    return cluster.url


# --------------------------------------------------------------------------------------------------
# Seeding


@dataclass
class Fixture:
    team_id: int
    learner_email: str  # a learner with finished modules and certificates (home, overview, lesson, PDF)
    certificate_code: str
    lesson_path: str
    quiz_module: str
    quiz_emails: list[str]
    quiz: object  # the module's quiz bank, which the clients answer from


def seed(url: str, quiz_learners: int) -> Fixture:
    from sqlalchemy import insert, select

    from course import create_app
    from course.extensions import db
    from course.models import Certificate, LessonProgress, ModuleCompletion, User
    from course.text import utcnow

    teams = load_teams_module()
    sqlalchemy_url = "postgresql+psycopg://" + url[len("postgresql://"):] if url.startswith("postgresql://") else url
    app = create_app({"SQLALCHEMY_DATABASE_URI": sqlalchemy_url, "SECRET_KEY": SECRET})
    started = time.perf_counter()
    team_id = teams.seed(app)
    course = app.extensions["course"]
    module = course.modules[0]
    with app.app_context():
        # A learner with certificates, for the learner pages and the PDF download.
        certificate = db.session.scalars(select(Certificate).where(Certificate.scope == module.slug)
                                         .order_by(Certificate.id)).first()
        learner = db.session.get(User, certificate.user_id)
        # Quiz takers: learners without any completed module; give them all lessons of module 1.
        done_users = select(ModuleCompletion.user_id)
        takers = list(db.session.scalars(select(User).where(User.email.like("m%@bench.nl"), User.id.not_in(done_users))
                                         .order_by(User.id).limit(quiz_learners)))
        if len(takers) < quiz_learners:
            sys.exit(f"only {len(takers)} learners without a completed module; need {quiz_learners}")
        have = set(db.session.execute(select(LessonProgress.user_id, LessonProgress.lesson_slug).where(
            LessonProgress.user_id.in_([u.id for u in takers]), LessonProgress.module_slug == module.slug)).all())
        rows = [{"user_id": u.id, "module_slug": module.slug, "lesson_slug": lesson.slug, "completed_at": utcnow()}
                for u in takers for lesson in module.lessons if (u.id, lesson.slug) not in have]
        if rows:
            db.session.execute(insert(LessonProgress), rows)
        db.session.commit()
        lesson = next((l for l in module.lessons if l.slug == "vier-stijlen"), module.lessons[len(module.lessons) // 2])
        fixture = Fixture(team_id=team_id, learner_email=learner.email, certificate_code=certificate.code,
                          lesson_path=f"/cursus/{module.slug}/{lesson.slug}", quiz_module=module.slug,
                          quiz_emails=[u.email for u in takers], quiz=module.quiz)
        db.session.remove()
        db.engine.dispose()
    print(f"seeding took {time.perf_counter() - started:.1f} s; {quiz_learners} quiz takers got all lessons of "
          f"'{module.slug}'")
    return fixture


def db_state(url: str, since_id: int | None = None) -> dict:
    """Counts from the database, read directly (not through the app)."""
    from sqlalchemy import create_engine, text

    sqlalchemy_url = "postgresql+psycopg://" + url[len("postgresql://"):] if url.startswith("postgresql://") else url
    engine = create_engine(sqlalchemy_url)
    try:
        with engine.connect() as conn:
            out = {"max_attempt_id": conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM quiz_attempts")).scalar(),
                   "completions": conn.execute(text("SELECT COUNT(*) FROM module_completions")).scalar(),
                   "certificates": conn.execute(text("SELECT COUNT(*) FROM certificates")).scalar()}
            if since_id is not None:
                rows = conn.execute(text("SELECT id, user_id, submitted_at IS NOT NULL, score FROM quiz_attempts "
                                         "WHERE id > :since"), {"since": since_id}).all()
                out["new_attempts"] = {r[0]: {"user_id": r[1], "submitted": bool(r[2]), "score": r[3]} for r in rows}
                out["double_completions"] = conn.execute(text(
                    "SELECT COUNT(*) FROM (SELECT user_id, module_slug FROM module_completions "
                    "GROUP BY user_id, module_slug HAVING COUNT(*) > 1) d")).scalar()
                out["double_certificates"] = conn.execute(text(
                    "SELECT COUNT(*) FROM (SELECT user_id, scope FROM certificates WHERE revoked_at IS NULL "
                    "GROUP BY user_id, scope HAVING COUNT(*) > 1) d")).scalar()
            return out
    finally:
        engine.dispose()


# --------------------------------------------------------------------------------------------------
# gunicorn


class Server:
    def __init__(self, url: str, tmp: Path, worker_class: str, workers: int, threads: int, cleanup: Cleanup):
        self.port = free_port()
        self.log_path = tmp / "gunicorn.log"
        self.log_offset = 0
        self.args = [str(VENV_BIN / "gunicorn"), "app:app", "--bind", f"{HOST}:{self.port}",
                     "--worker-class", worker_class, "--workers", str(workers), "--threads", str(threads),
                     "--timeout", "60", "--log-level", "warning"]
        env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET, RATELIMIT_ENABLED="false",
                   BASE_URL=f"http://{HOST}:{self.port}")
        env.pop("FLASK_ENV", None)  # production would make the cookies Secure, and this is plain http
        env.pop("APP_ENV", None)
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        cleanup.add("stop gunicorn", self.stop)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_path.read_text()}")
            try:
                if Client(self.port).get("/gezond").status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer /gezond within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # its own process group: the master and its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()

    def new_log(self) -> dict:
        """Tally the app's request log (JSON lines) and problems written since the last call."""
        with open(self.log_path, "rb") as f:
            f.seek(self.log_offset)
            data = f.read()
            self.log_offset += len(data)
        statuses: dict[int, int] = {}
        app_ms: dict[tuple[str, str], list[float]] = {}  # (method, route) -> time inside the app, from its log
        problems = []
        for line in data.decode("utf-8", "replace").splitlines():
            if line.startswith("{"):
                try:
                    entry = json.loads(line)
                except ValueError:
                    problems.append(line)
                    continue
                statuses[entry.get("status")] = statuses.get(entry.get("status"), 0) + 1
                if entry.get("ms") is not None:
                    app_ms.setdefault((entry.get("method"), entry.get("route")), []).append(entry["ms"])
            elif line.strip():
                problems.append(line)
        return {"statuses": statuses, "problems": problems, "app_ms": app_ms}


# --------------------------------------------------------------------------------------------------
# HTTP client (standard library; a new connection per request, as simple and robust as it gets)


@dataclass
class Reply:
    status: int
    location: str
    body: bytes
    ms: float
    content_type: str


class Client:
    def __init__(self, port: int):
        self.port = port
        self.cookie: str | None = None

    def request(self, method: str, path: str, form: dict | None = None) -> Reply:
        headers = {"User-Agent": USER_AGENT}
        if self.cookie:
            headers["Cookie"] = f"session={self.cookie}"
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            ms = (time.perf_counter() - started) * 1000
        finally:
            conn.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                cookie = value.split(";", 1)[0][len("session="):]
                self.cookie = cookie or None
        location = urlsplit(response.getheader("Location") or "").path
        return Reply(response.status, location, data, ms, response.getheader("Content-Type") or "")

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> Reply:
        return self.request("POST", path, form)

    def login(self, email: str) -> None:
        token = csrf_token(self.get("/inloggen").body)
        reply = self.post("/inloggen", {"email": email, "password": PASSWORD, "csrf_token": token})
        if reply.status != 302 or not self.cookie:
            raise RuntimeError(f"login as {email} failed: HTTP {reply.status}")


class FormFields(html.parser.HTMLParser):
    """Names of the answer fields on a quiz attempt page, with the values they offer."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name") or ""
        if tag == "input" and a.get("type") in ("radio", "checkbox") and name.startswith("q-"):
            self.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name.startswith("q-"):
            self._select = name
            self.fields.setdefault(name, [])
        elif tag == "option" and self._select and a.get("value"):
            self.fields[self._select].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def answers_for(quiz, fields: dict[str, list[str]], rng: random.Random, correct: bool) -> dict[str, list[str]]:
    """Answers for the questions shown: the key when `correct`, otherwise a random (valid) answer."""
    form: dict[str, list[str]] = {}
    for q in quiz.questions:
        if q.type_name in ("single", "multiple"):
            if q.field() not in fields:
                continue
            ids = [o.id for o in q.options]
            if q.type_name == "single":
                form[q.field()] = [q.key() if correct else rng.choice(ids)]
            else:
                form[q.field()] = q.key() if correct else rng.sample(ids, rng.randint(1, len(ids)))
        elif q.type_name == "classify":
            if q.field(q.items[0].id) not in fields:
                continue
            cats = [c.id for c in q.categories]
            for item in q.items:
                form[q.field(item.id)] = [item.category if correct else rng.choice(cats)]
        elif q.type_name == "order":
            if q.field(q.items[0].id) not in fields:
                continue
            positions = list(range(1, len(q.items) + 1))
            if not correct:
                rng.shuffle(positions)
            for item, position in zip(q.items, positions):
                form[q.field(item.id)] = [str(position)]
    unknown = set(form) - set(fields)
    if unknown or len(form) != len(fields):
        raise RuntimeError(f"quiz page fields do not match the catalog: {sorted(unknown)[:3]} / {len(fields)}")
    return form


# --------------------------------------------------------------------------------------------------
# wrk


@dataclass
class Row:
    page: str
    path: str
    tool: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    errors: int
    app_ms: float = float("nan")  # median time inside the app (its own request log), without queueing or HTTP
    ratio: float = float("nan")  # req/s divided by the hello-world req/s of the same driver, measured alongside
    note: str = ""
    baseline: str = "wrk"

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_wrk(port: int, path: str, cookie: str | None, seconds: int, threads: int, connections: int,
            lua: Path) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(lua),
           "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        cmd += ["-H", f"Cookie: session={cookie}"]
    cmd.append(f"http://{HOST}:{port}{path}")
    return wrk_result(cmd, seconds)


def wrk_result(cmd: list[str], seconds: int) -> dict:
    """Run a wrk command whose Lua script prints a WRKJSON line; that line as a dict, with its errors summed."""
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    line = next((l for l in out.stdout.splitlines() if l.startswith("WRKJSON ")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stdout}\n{out.stderr}")
    result = json.loads(line[len("WRKJSON "):])
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    return result


# --------------------------------------------------------------------------------------------------
# The quiz test: many learners at once, checking every attempt


@dataclass
class QuizLog:
    submits: list[dict] = field(default_factory=list)  # one per attempt: id, statuses of its submit POSTs, correct
    timings: dict[str, list[float]] = field(default_factory=lambda: {"start": [], "page": [], "submit": [],
                                                                     "result": []})
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def time(self, kind: str, ms: float) -> None:
        with self.lock:
            self.timings[kind].append(ms)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def twice(fn, *args):
    """Send the same request from two threads at once (a double click); return both replies."""
    replies: list = [None, None]

    def one(i):
        try:
            replies[i] = fn(*args)
        except Exception as error:  # reported by the caller
            replies[i] = error

    threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return replies


def quiz_client(client: Client, token: str, email: str, module_slug: str, quiz, deadline: float, log: QuizLog,
                seed: int, max_cycles: int = 10_000) -> None:
    rng = random.Random(seed)
    base = f"/cursus/{module_slug}/quiz"
    attempt_re = re.compile(rf"^{re.escape(base)}/poging/(\d+)$")
    cycle = 0
    while time.monotonic() < deadline and cycle < max_cycles:
        cycle += 1
        double = cycle % 5 == 0
        try:
            # 1. start (or double-click start): both replies must lead to the same open attempt
            replies = twice(client.post, f"{base}/start", {"csrf_token": token}) if double else \
                [client.post(f"{base}/start", {"csrf_token": token})]
            ids = set()
            for reply in replies:
                if isinstance(reply, Exception):
                    raise reply
                log.time("start", reply.ms)
                match = attempt_re.match(reply.location) if reply.status == 302 else None
                if not match:
                    raise RuntimeError(f"start: HTTP {reply.status} -> {reply.location or '-'}")
                ids.add(int(match.group(1)))
            if len(ids) != 1:
                raise RuntimeError(f"double start gave two attempts {sorted(ids)}")
            attempt_id = ids.pop()
            path = f"{base}/poging/{attempt_id}"
            # 2. the attempt page
            page = client.get(path)
            log.time("page", page.ms)
            if page.status != 200:
                raise RuntimeError(f"attempt page: HTTP {page.status}")
            parser = FormFields()
            parser.feed(page.body.decode())
            token = csrf_token(page.body)
            correct = rng.random() < 0.5
            form = answers_for(quiz, parser.fields, rng, correct)
            form.update(csrf_token=[token], actie=["toch-inleveren"])
            # 3. submit (or double-click submit): every reply must be the redirect to the result
            replies = twice(client.post, path, form) if double else [client.post(path, form)]
            statuses = []
            for reply in replies:
                if isinstance(reply, Exception):
                    raise reply
                log.time("submit", reply.ms)
                statuses.append(reply.status)
                if reply.status != 302 or reply.location != f"{path}/uitslag":
                    raise RuntimeError(f"submit {attempt_id}: HTTP {reply.status} -> {reply.location or '-'}")
            with log.lock:
                log.submits.append({"id": attempt_id, "email": email, "posts": len(replies), "correct": correct})
            # 4. the result page (also clears the flash message from the session)
            result = client.get(f"{path}/uitslag")
            log.time("result", result.ms)
            if result.status != 200:
                raise RuntimeError(f"result page {attempt_id}: HTTP {result.status}")
        except Exception as error:
            log.error(f"{email} cycle {cycle}: {error!r}"[:300])
            time.sleep(0.2)  # do not spin on a persistent error


def hello_python(port: int, clients: int, seconds: float) -> Row:
    """/gezond with the same Python driver and concurrency as the quiz test, as its baseline."""
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run():
        client = Client(port)
        for _ in range(1_000_000):
            if time.monotonic() >= deadline:
                break
            try:
                reply = client.get("/gezond")
                ok = reply.status == 200
            except OSError:
                ok = False
            with lock:
                if ok:
                    times.append(reply.ms)
                else:
                    errors[0] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    elapsed = time.monotonic() - started
    return Row("hello-world `/gezond`", "/gezond", f"python, {clients} clients", len(times), elapsed,
               statistics.median(times), pct(times, 95), errors[0], baseline="python")


def quiz_test(port: int, fixture: Fixture, clients: int, seconds: float) -> tuple[QuizLog, float]:
    log = QuizLog()
    # Log everyone in first (password hashing is deliberately slow; it is not what this test measures).
    sessions = []
    for email in fixture.quiz_emails[:clients]:
        client = Client(port)
        client.login(email)
        sessions.append((client, csrf_token(client.get(f"/cursus/{fixture.quiz_module}/quiz/").body), email))
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    threads = [threading.Thread(target=quiz_client, args=(client, token, email, fixture.quiz_module, fixture.quiz,
                                                          deadline, log, i))
               for i, (client, token, email) in enumerate(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    if any(t.is_alive() for t in threads):
        log.error("some quiz clients were still running 120 s after the end")
    return log, time.monotonic() - started


def check_attempts(log: QuizLog, before: dict, after: dict) -> list[tuple[str, bool, str]]:
    ids = [s["id"] for s in log.submits]
    new = after["new_attempts"]
    submitted = {i for i, a in new.items() if a["submitted"]}
    still_open = {i for i, a in new.items() if not a["submitted"]}
    correct_not_100 = [s["id"] for s in log.submits if s["correct"] and (new.get(s["id"], {}).get("score") != 100.0)]
    new_completions = after["completions"] - before["completions"]
    new_certificates = after["certificates"] - before["certificates"]
    return [
        ("every attempt the clients submitted is graded once in the database (none lost)",
         set(ids) <= submitted, f"{len(set(ids) - submitted)} missing"),
        ("no attempt id came back for a second cycle (no attempt reused or graded twice)",
         len(ids) == len(set(ids)), f"{len(ids) - len(set(ids))} repeated"),
        ("submitted attempts created in the run == attempts the clients submitted (none extra)",
         len(submitted) == len(set(ids)), f"{len(submitted)} in the database, {len(set(ids))} by the clients"),
        ("no open attempt left behind (no duplicate from a double-clicked start)",
         not still_open, f"{len(still_open)} open"),
        ("attempts answered with the key scored 100 (answers not lost)",
         not correct_not_100, f"{len(correct_not_100)} wrong"),
        ("one certificate per new completion, no learner with two completions or two valid certificates",
         new_certificates == new_completions and not after["double_completions"] and not after["double_certificates"],
         f"{new_completions} completions, {new_certificates} certificates"),
    ]


# --------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seconds", type=int, default=8, help="wrk duration per page and round (default 8)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds per page, each after its own hello-world run (default 3)")
    parser.add_argument("--connections", type=int, default=20, help="wrk connections (default 20)")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--worker-class", choices=("gthread", "sync"), default="gthread",
                        help="gunicorn worker class (default gthread)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker (default 2)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent quiz takers (default 50)")
    parser.add_argument("--quiz-seconds", type=int, default=60, help="length of the quiz test (default 60)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")
    if not 1 <= args.rounds <= 20:
        sys.exit("keep --rounds in 1..20")
    if not 1 <= args.seconds <= 300 or not 1 <= args.quiz_seconds <= 600 or not 1 <= args.clients <= 200:
        sys.exit("keep --seconds in 1..300, --quiz-seconds in 1..600 and --clients in 1..200")

    return run_cleaned_up(run, args, "vg-load-")


def run_cleaned_up(run, args, prefix: str) -> int:
    """run(args, tmp, cleanup) in a fresh temporary folder; whatever it started is stopped at the end,
    also on an error, SIGTERM or Ctrl-C."""
    # Seeding creates the app in this process too: give it the same secret, never a production env.
    os.environ["SECRET_KEY"] = SECRET
    os.environ.pop("FLASK_ENV", None)
    cleanup = Cleanup()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C cleans up too, even if started with it ignored
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    cleanup.add("remove temporary folder", lambda: shutil.rmtree(tmp, ignore_errors=True))
    try:
        return run(args, tmp, cleanup)
    finally:
        cleanup.run()


def run(args, tmp: Path, cleanup: Cleanup) -> int:
    url = start_postgres(tmp, cleanup) if args.db == "postgresql" else f"sqlite:///{tmp}/load.sqlite"
    fixture = seed(url, args.clients)
    others_busy = cpu_busy(2.0)
    server = Server(url, tmp, args.worker_class, args.workers, args.threads, cleanup)
    settings = (f"gunicorn {' '.join(server.args[1:2] + server.args[4:])} on {HOST}:{server.port}; "
                f"wrk -t{args.wrk_threads} -c{args.connections} -d{args.seconds}s per page, {args.rounds} rounds; "
                f"quiz: {args.clients} Python clients for {args.quiz_seconds} s; {os.cpu_count()} CPUs")
    print(settings)
    print(f"CPU use by other processes just before the test: {others_busy:.0%}", flush=True)
    if others_busy > 0.15:
        print("NOTE: something else is using the CPUs, so absolute numbers will be low and noisy", flush=True)

    learner, manager = Client(server.port), Client(server.port)
    learner.login(fixture.learner_email)
    manager.login("manager@bench.nl")
    hello = ("hello-world `/gezond`", "/gezond", None, "application/json")
    pages = [
        # The floor for any page behind the login: the same route, with a learner's login cookie to read.
        ("hello-world `/gezond` with a login cookie", "/gezond", learner, "application/json"),
        ("home `/` (logged in)", "/", learner, "text/html"),
        ("course overview `/cursus/`", "/cursus/", learner, "text/html"),
        (f"lesson `{fixture.lesson_path}`", fixture.lesson_path, learner, "text/html"),
        ("team page, 500 members", f"/teams/{fixture.team_id}/", manager, "text/html"),
        ("certificate PDF download", f"/certificaten/{fixture.certificate_code}.pdf", learner, "application/pdf"),
        ("verification `/verify/<code>`", f"/verify/{fixture.certificate_code}", None, "text/html"),
    ]
    lua = tmp / "stats.lua"
    lua.write_text(WRK_LUA)
    # Warm up every worker (first requests open database connections and fill caches).
    run_wrk(server.port, fixture.lesson_path, learner.cookie, 3, args.wrk_threads, args.connections, lua)
    server.new_log()
    server_notes: list[str] = []

    def measure(label: str, path: str, who: Client | None, content_type: str, seconds: int) -> Row:
        probe = (who or Client(server.port)).get(path)
        if probe.status != 200 or not probe.content_type.startswith(content_type):
            raise RuntimeError(f"{path} answers HTTP {probe.status} {probe.content_type} before the test")
        cookie = who.cookie if who else None  # after the probe: the session holds its CSRF token, as a browser's does
        result = run_wrk(server.port, path, cookie, seconds, args.wrk_threads, args.connections, lua)
        time.sleep(2)  # let the server finish what wrk left queued, so it neither slows nor pads the next run
        after = (who or Client(server.port)).get(path)  # the session must still be valid afterwards
        tally = server.new_log()
        not_ok = sum(n for status, n in tally["statuses"].items() if status != 200) + (after.status != 200)
        app_ms = [ms for ts in tally["app_ms"].values() for ms in ts]
        server_notes.extend(f"{label}: {p}" for p in tally["problems"][:5])
        return Row(label, path, f"wrk -c{args.connections}", int(result["requests"]), result["duration_us"] / 1e6,
                   result["p50_us"] / 1000, result["p95_us"] / 1000, int(result["errors"]) + not_ok,
                   statistics.median(app_ms) if app_ms else float("nan"))

    # Each page runs in rounds, each right after its own hello-world run, and its ratio is the median
    # of the rounds' ratios: the machine's background load changes over a few minutes (a hello-world
    # run can drop to half now and then), but hardly between two neighbouring runs.
    hello_seconds = max(3, args.seconds // 2)
    hello_runs: list[Row] = []
    page_rows: list[Row] = []
    for label, path, who, content_type in pages:
        rounds: list[Row] = []
        ratios: list[float] = []
        for _ in range(args.rounds):
            hello_runs.append(measure(*hello, hello_seconds))
            rounds.append(measure(label, path, who, content_type, args.seconds))
            ratios.append(rounds[-1].rps / hello_runs[-1].rps if hello_runs[-1].rps else float("nan"))
        row = Row(label, path, rounds[0].tool, sum(r.requests for r in rounds), sum(r.seconds for r in rounds),
                  statistics.median(r.p50_ms for r in rounds), statistics.median(r.p95_ms for r in rounds),
                  sum(r.errors for r in rounds), statistics.median(r.app_ms for r in rounds),
                  ratio=statistics.median(ratios), note=f"{min(ratios):.2f}-{max(ratios):.2f}")
        page_rows.append(row)
        print(f"  {label:<50} {row.rps:8.1f} req/s  median {row.p50_ms:7.1f} ms  p95 {row.p95_ms:7.1f} ms  "
              f"errors {row.errors}   ratio {row.ratio:.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios)}; "
              f"hello-world: {', '.join(f'{h.rps:.0f}' for h in hello_runs[-args.rounds:])} req/s)", flush=True)
    hello_row = Row(f"hello-world `/gezond` (median of {len(hello_runs)} runs)", "/gezond", f"wrk -c{args.connections}",
                    0, 1.0, statistics.median(r.p50_ms for r in hello_runs),
                    statistics.median(r.p95_ms for r in hello_runs), sum(r.errors for r in hello_runs),
                    statistics.median(r.app_ms for r in hello_runs), ratio=1.0,
                    note=f"{min(r.rps for r in hello_runs):.0f}-{max(r.rps for r in hello_runs):.0f} req/s")
    hello_row.requests = round(statistics.median(r.rps for r in hello_runs))
    rows: list[Row] = [hello_row, *page_rows]

    hello_py = hello_python(server.port, args.clients, 10)
    tally = server.new_log()
    hello_py.app_ms = statistics.median([ms for ts in tally["app_ms"].values() for ms in ts] or [float("nan")])
    print(f"  hello-world, Python driver, {args.clients} clients: {hello_py.rps:.1f} req/s", flush=True)
    hello_py.ratio = 1.0
    rows.append(hello_py)

    before = db_state(url)
    print(f"quiz test: {args.clients} learners for {args.quiz_seconds} s ...", flush=True)
    log, elapsed = quiz_test(server.port, fixture, args.clients, args.quiz_seconds)
    after = db_state(url, since_id=before["max_attempt_id"])
    tally = server.new_log()
    server_notes += [f"quiz test: {p}" for p in tally["problems"][:10]]
    if len(tally["problems"]) > 10:
        server_notes.append(f"quiz test: ... {len(tally['problems']) - 10} more log lines")
    statuses = tally["statuses"]
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    submits = log.timings["submit"]
    all_times = [t for ts in log.timings.values() for t in ts]
    submit_app = tally["app_ms"].get(("POST", "/cursus/<module_slug>/quiz/poging/<int:attempt_id>"), [])
    all_app = [ms for ts in tally["app_ms"].values() for ms in ts]
    nan = float("nan")
    rows.append(Row(f"quiz submit (POST, {args.clients} learners)", "", f"python, {args.clients} clients",
                    len(submits), elapsed, statistics.median(submits) if submits else nan, pct(submits, 95),
                    len(log.errors), statistics.median(submit_app) if submit_app else nan, baseline="python"))
    rows.append(Row("quiz, all 4 steps (start, page, submit, result)", "", f"python, {args.clients} clients",
                    len(all_times), elapsed, statistics.median(all_times) if all_times else nan, pct(all_times, 95),
                    len(log.errors), statistics.median(all_app) if all_app else nan, baseline="python"))

    for row in rows[-2:]:
        row.ratio = row.rps / hello_py.rps if hello_py.rps else nan

    # ---- report
    db_label = "SQLite" if args.db == "sqlite" else "PostgreSQL"
    print()
    print(f"## Results on {db_label}")
    print()
    print(f"Settings: {settings}; CPU busy with other work before the test: {others_busy:.0%}.")
    print(f"Ratio: req/s divided by the hello-world req/s of the same driver. For wrk, each page ran "
          f"{args.rounds} times, each right after a {hello_seconds} s hello-world run; the ratio is the median of "
          f"the rounds' ratios, with the lowest and highest beside it.")
    print()
    print("| page | driver | req/s | median ms | p95 ms | ratio to hello-world | lowest-highest | app ms (median) "
          "| errors |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(f"| {row.page} | {row.tool} | {row.rps:.1f} | {row.p50_ms:.1f} | {row.p95_ms:.1f} | {row.ratio:.2f} | "
              f"{row.note} | {row.app_ms:.1f} | {row.errors} |")
    print()
    double = sum(s["posts"] == 2 for s in log.submits)
    print(f"Quiz test: {len(log.submits)} attempts submitted in {elapsed:.1f} s by {args.clients} learners "
          f"({double} of them double-clicked: start and submit sent twice at once; {len(submits)} submit POSTs, "
          f"{len(all_times)} requests); slowest submit {max(submits, default=0):.0f} ms; server statuses "
          f"{dict(sorted(statuses.items()))}; {len(log.errors)} client errors; {server_errors} server errors (5xx).")
    for text in log.errors[:10]:
        print(f"  client error: {text}")
    if len(log.errors) > 10:
        print(f"  ... {len(log.errors) - 10} more client errors")
    checks = check_attempts(log, before, after)
    for text, ok, detail in checks:
        print(f"  [{'ok' if ok else 'FAILED'}] {text} ({detail})")
    for note in server_notes[:20]:
        print(f"  server log: {note[:300]}")

    lesson = next(r for r in rows if r.page.startswith("lesson"))
    lesson_ratio = lesson.ratio
    errors = sum(r.errors for r in rows) + server_errors
    targets = [("lesson page >= 0.5 x hello-world throughput", lesson_ratio >= 0.5, f"{lesson_ratio:.2f}"),
               (f"no errors, no lost or duplicated attempt with {args.clients} clients for {args.quiz_seconds} s",
                errors == 0 and all(ok for _, ok, _ in checks), f"{errors} errors")]
    print()
    for text, ok, detail in targets:
        print(f"Target {'met' if ok else 'NOT met'}: {text} ({detail})")
    return 0 if all(ok for _, ok, _ in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
