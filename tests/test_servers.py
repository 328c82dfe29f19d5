"""Several workers and several servers: gunicorn's start-up warning, and two servers sharing one
PostgreSQL and one Redis."""
import os
import subprocess

import pytest

from course.config import rate_limit_warning

from conftest import FIXTURES
from servers import ROOT, VENV_BIN, Gunicorn, PostgresCluster, RedisServer, Visitor

WARNING = "RATELIMIT_STORAGE_URI"


@pytest.fixture
def base_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RATELIMIT_", "WEB_CONCURRENCY"))}
    return {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'leeg.sqlite'}",
            "CONTENT_DIR": str(FIXTURES / "content"), "QUIZ_DIR": str(FIXTURES / "quizzes"),
            "QUIZ_MIN_ITEMS_PER_LESSON": "1", "SECRET_KEY": "een-geheime-sleutel-voor-de-test", "FLASK_ENV": "production"}


def start_output(env, *args) -> str:
    """What gunicorn says up to the start of its workers (the warning comes before those)."""
    server = Gunicorn(env, *args)
    try:
        server.wait_for_text("Booting worker", count=int(args[args.index("--workers") + 1]))
    finally:
        output = server.stop()
    return output


def test_gunicorn_warns_when_several_workers_count_rate_limits_apart(base_env):
    output = start_output(base_env, "--workers", "2")
    assert "[WARNING]" in output and WARNING in output and "redis://" in output
    assert output.index(WARNING) < output.index("Booting worker")


def test_no_warning_with_a_shared_storage(base_env):
    assert WARNING not in start_output({**base_env, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"},
                                       "--workers", "2")


@pytest.mark.parametrize("workers, setting", [(2, {"RATELIMIT_ENABLED": "false"}), (2, {"FLASK_ENV": ""}), (1, {}),
                                              (3, {"RATELIMIT_STORAGE_URI": "redis://redis:6379/0"})])
def test_no_warning_needed(base_env, workers, setting):
    assert rate_limit_warning(workers, {**base_env, **setting}) is None
    assert "3 workers" in rate_limit_warning(3, base_env)


# ----- two servers on one PostgreSQL and one Redis -----

@pytest.fixture(scope="module")
def postgres():
    cluster = PostgresCluster()
    yield cluster
    cluster.remove()


@pytest.fixture
def redis_server():
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture
def pg_env(postgres, base_env, tmp_path):
    """Production settings on a fresh database in the throwaway cluster, migrated, with the demo accounts."""
    from sqlalchemy import create_engine, text
    name = f"vg_{tmp_path.name[-20:].replace('-', '_').lower()}"
    admin = create_engine(postgres.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    env = {**base_env, "DATABASE_URL": postgres.url.rsplit("/", 1)[0] + f"/{name}"}
    for command in (["db", "upgrade"], ["demo-data"]):
        result = subprocess.run([str(VENV_BIN / "flask"), "--app", "app", *command], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
    return env


@pytest.fixture
def servers():
    """servers(env, n): start n gunicorn servers; all are stopped after the test."""
    started = []

    def start(env, count=2, *args):
        new = [Gunicorn(env, "--workers", "2", *args) for _ in range(count)]
        started.extend(new)
        for server in new:
            server.wait_until_serving()
        return new
    yield start
    for server in started:
        server.stop()


def app_for(env):
    """The app in this process, on the servers' database (to arrange data, as the CLI would)."""
    from course import create_app
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"].replace(
        "postgresql://", "postgresql+psycopg://"), "SECRET_KEY": "x", "CONTENT_DIR": env["CONTENT_DIR"],
        "QUIZ_DIR": env["QUIZ_DIR"], "QUIZ_MIN_ITEMS_PER_LESSON": 1})


def test_two_servers_share_sessions_certificates_and_rate_limits(pg_env, redis_server, servers):
    import redis
    from sqlalchemy import select

    from course.extensions import db
    from course.models import Certificate, User
    env = {**pg_env, "RATELIMIT_STORAGE_URI": redis_server.url, "LOGIN_RATE_LIMIT": "6 per minute"}
    one, two = servers(env)
    anouk = {"email": "anouk@voorbeeld.nl", "password": "gehecht-en-veilig"}

    # Logging out on one server ends the session on the other.
    browser = Visitor()
    status, _, headers = browser.post_form(one.base + "/inloggen", anouk)
    assert status == 302, "login failed"
    assert browser.request(two.base + "/cursus/")[0] == 200
    copied = browser.copy()
    assert browser.post_form(one.base + "/uitloggen", {}, page=one.base + "/cursus/")[0] == 302
    status, _, headers = copied.request(two.base + "/cursus/")
    assert status == 302 and "/inloggen" in headers["Location"]

    # A certificate issued on one server verifies on the other; so does the revocation of the old one.
    app = app_for(env)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "anouk@voorbeeld.nl"))
        old = Certificate(code="AAAA-BBBB-CCCC", user_id=user.id, scope="eerste-module", name="Anouk van der Meer",
                          title="Module 1: Eerste module", hours=2.0, issuer="Test")
        db.session.add(old)
        db.session.commit()
    browser = Visitor()
    assert browser.post_form(one.base + "/inloggen", anouk)[0] == 302
    status, _, _ = browser.post_form(one.base + "/certificaten/AAAA-BBBB-CCCC/opnieuw", {})
    assert status == 302
    with app.app_context():
        new = db.session.scalar(select(Certificate.code).where(Certificate.revoked_at.is_(None)))
        db.session.remove()
        db.engine.dispose()
    status, html, _ = Visitor().request(two.base + f"/verify/{new}")
    assert status == 200 and "Geldig certificaat" in html and "Anouk van der Meer-Çelik" in html
    status, html, _ = Visitor().request(two.base + "/verify/AAAA-BBBB-CCCC")
    assert status == 200 and "ingetrokken" in html

    # Failed logins spread over both servers (and their workers) count together.
    redis.Redis.from_url(redis_server.url).flushdb()
    statuses = [Visitor().post_form(server.base + "/inloggen", {**anouk, "password": "fout-wachtwoord"})[0]
                for server in (one, two) * 4]
    assert statuses == [422] * 6 + [429, 429], statuses


# ----- a database restart under load -----

def test_database_restart_under_load_gives_503_not_500_and_recovers(postgres, pg_env):
    """10 learners read a lesson while PostgreSQL restarts: only 200 or 503, and every request that
    starts once the database is back succeeds (the dead pooled connections are not shown to anyone)."""
    import threading
    import time
    server = Gunicorn(pg_env, "--workers", "2", "--worker-class", "gthread", "--threads", "4")
    try:
        server.wait_until_serving()
        learner = Visitor()
        assert learner.post_form(server.base + "/inloggen",
                                 {"email": "anouk@voorbeeld.nl", "password": "gehecht-en-veilig"})[0] == 302
        lesson = server.base + "/cursus/eerste-module/les-1"
        assert learner.request(lesson)[0] == 200
        results, stop = [], threading.Event()

        def read_lessons(visitor):
            while not stop.is_set():
                started = time.monotonic()
                try:
                    status = visitor.request(lesson, timeout=30)[0]
                except OSError as error:  # the server dropped the connection
                    status = repr(error)
                results.append((started, status))

        threads = [threading.Thread(target=read_lessons, args=(learner.copy(),)) for _ in range(10)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        postgres.restart()  # pg_ctl restart -m fast -w: returns when the database accepts connections again
        back = time.monotonic()
        time.sleep(2.5)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        output = server.stop()
    statuses = {}
    for _, status in results:
        statuses[status] = statuses.get(status, 0) + 1
    after = [status for started, status in results if started > back]
    assert set(statuses) <= {200, 503}, statuses
    assert len(after) > 20 and set(after) == {200}, (statuses, after[:20])
    assert "Traceback" not in output, output[-3000:]


def test_with_redis_gone_the_login_answers_and_still_limits(base_env, redis_server, servers):
    """Redis down: each worker counts on its own (Flask-Limiter's in-memory fallback), never a 500."""
    env = {**base_env, "RATELIMIT_STORAGE_URI": redis_server.url, "LOGIN_RATE_LIMIT": "3 per minute"}
    result = subprocess.run([str(VENV_BIN / "flask"), "--app", "app", "db", "upgrade"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    (server,) = servers(env, 1)  # two workers
    redis_server.stop()
    browser = Visitor()
    statuses = []
    for _ in range(7):  # two workers allow three each
        status, body, _ = browser.post_form(server.base + "/inloggen",
                                            {"email": "iemand@voorbeeld.nl", "password": "niet-het-wachtwoord"})
        statuses.append(status)
        assert status in (422, 429), body[:300]
        assert ("kennen we niet" if status == 422 else "te vaak geprobeerd") in body
    assert statuses[0] == 422 and 429 in statuses
    assert browser.request(server.base + "/")[0] == 200
