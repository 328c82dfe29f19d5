"""Production start under gunicorn with several workers, and SQLite backup and restore."""
import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import event, select

from course import accounts, create_app
from course.extensions import db
from course.models import User

from conftest import FIXTURES, csrf_token
from devtools import free_port

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


class LoopbackPolicy(http.cookiejar.DefaultCookiePolicy):
    """Send the production (Secure) cookies over plain http to 127.0.0.1, as a TLS proxy would."""

    def return_ok_secure(self, cookie, request):
        return True


def flask_cmd(env, *args):
    return subprocess.run([str(VENV_BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def prod_env(tmp_path):
    """Production settings on a database of its own: a fresh SQLite file, or a fresh PostgreSQL database
    beside the suite's one when the suite runs on PostgreSQL."""
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    name = None
    if test_url.startswith("postgresql"):
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url
        name = f"vg_ops_{os.getpid()}"
        admin = create_engine(test_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(test_url).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'prod.sqlite'}"
    yield {**os.environ, "DATABASE_URL": url,
           "CONTENT_DIR": str(FIXTURES / "content"), "QUIZ_DIR": str(FIXTURES / "quizzes"),
           "QUIZ_MIN_ITEMS_PER_LESSON": "1", "SECRET_KEY": "een-geheime-sleutel-voor-de-test", "FLASK_ENV": "production", "RATELIMIT_ENABLED": "false"}
    if name:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_gunicorn_with_several_workers_serves_one_session(prod_env):
    assert flask_cmd(prod_env, "db", "upgrade").returncode == 0
    result = flask_cmd(prod_env, "demo-data")
    assert result.returncode == 0, result.stderr
    port = free_port()
    server = subprocess.Popen([str(VENV_BIN / "gunicorn"), "--workers", "3", "--bind", f"127.0.0.1:{port}", "app:app"],
                              cwd=ROOT, env=prod_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/gezond", timeout=5)
                break
            except OSError:  # not listening yet, or workers still booting
                time.sleep(0.1)
        jar = http.cookiejar.CookieJar(policy=LoopbackPolicy())
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(base + "/inloggen").read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
        data = urllib.parse.urlencode({"email": "anouk@voorbeeld.nl", "password": "gehecht-en-veilig",
                                       "csrf_token": token}).encode()
        opener.open(base + "/inloggen", data=data)
        for _ in range(30):
            response = opener.open(base + "/cursus/")
            assert response.status == 200 and "Verder leren" in response.read().decode()
        assert response.headers["Content-Security-Policy"]
        assert "Strict-Transport-Security" in response.headers
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert "Booting worker" in output and output.count("Booting worker") >= 3
    assert '"route": "/cursus/"' in output and "anouk@voorbeeld.nl" not in output


def test_production_refuses_to_start_without_secret_key(prod_env):
    env = {k: v for k, v in prod_env.items() if k != "SECRET_KEY"}
    result = flask_cmd(env, "routes")
    assert result.returncode != 0 and "SECRET_KEY is niet ingesteld" in result.stderr


def test_backup_and_restore_sqlite(tmp_path):
    from flask_migrate import upgrade
    database = f"sqlite:///{tmp_path / 'live.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "x", "TESTING": True,
                      "CONTENT_DIR": str(FIXTURES / "content"), "QUIZ_DIR": str(FIXTURES / "quizzes"),
                      "QUIZ_MIN_ITEMS_PER_LESSON": 1})
    runner = app.test_cli_runner()
    with app.app_context():
        upgrade()
        accounts.register_user(db.session, name="Bewaar Mij", email="bewaar@voorbeeld.nl", password="x" * 12)
    backup = tmp_path / "backups" / "vandaag.sqlite"
    result = runner.invoke(args=["backup", "create", str(backup)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.delete(db.session.scalar(select(User)))
        db.session.commit()
        assert db.session.scalar(select(User)) is None
        db.session.remove()
        db.engine.dispose()
    assert runner.invoke(args=["backup", "restore", str(backup)], input="n\n").exit_code != 0
    result = runner.invoke(args=["backup", "restore", "--yes", str(backup)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(User.name)) == "Bewaar Mij"
        db.engine.dispose()
    (tmp_path / "kapot.sqlite").write_bytes(b"geen database")
    assert runner.invoke(args=["backup", "restore", "--yes", str(tmp_path / "kapot.sqlite")]).exit_code != 0


def test_backup_refuses_postgresql_with_a_pointer_to_pg_dump():
    from course.backup import BackupError, sqlite_path
    with pytest.raises(BackupError, match="pg_dump"):
        sqlite_path("postgresql+psycopg://u@h/db")


READ_ONLY_PAGES = ["/", "/cursus/", "/cursus/verder", "/cursus/eerste-module/", "/cursus/eerste-module/les-2",
                   "/begrippen", "/signalenlijst", "/certificaten/", "/verify?code=AAAA-BBBB-CCCC",
                   "/verify/AAAA-BBBB-CCCC"]


@pytest.fixture
def statements(app):
    """Collect (first SQL word, isolation level) of every statement sent while the test runs."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite opens no transaction for reads; this is about PostgreSQL's round trips")
    seen = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement.split()[0], conn.get_execution_options().get("isolation_level")))
    event.listen(engine, "before_cursor_execute", before)
    yield seen
    event.remove(engine, "before_cursor_execute", before)


@pytest.mark.parametrize("url", READ_ONLY_PAGES)
def test_reading_pages_run_without_a_transaction_on_postgresql(client, learner, statements, url):
    """No BEGIN/ROLLBACK round trips for pages that only read, as in Django's autocommit default."""
    assert client.get(url).status_code in (200, 302, 404)
    assert statements and all(level == "AUTOCOMMIT" for _, level in statements)


def test_writes_keep_their_transaction_after_a_reading_page(client, learner, statements):
    """The connection goes back to the pool as it was: 'Les afgerond' still writes in a transaction."""
    token = csrf_token(client.get("/cursus/eerste-module/les-2").get_data(as_text=True))
    statements.clear()
    client.post("/cursus/eerste-module/les-2/afgerond", data={"csrf_token": token})
    assert any(kind == "INSERT" for kind, _ in statements)
    assert all(level is None for _, level in statements)


def test_the_database_enforces_foreign_keys(app):
    """SQLite too (a pragma on every connection): no progress row for a learner who does not exist."""
    from sqlalchemy.exc import IntegrityError

    from course.models import LessonProgress
    with app.app_context():
        db.engine.dispose()  # new connections, as a freshly started worker has
        db.session.add(LessonProgress(user_id=987654, module_slug="eerste-module", lesson_slug="les-1"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(select(LessonProgress.id)) is None


def test_read_only_works_whichever_side_of_login_required_it_sits(app):
    """The mark survives functools.wraps, so a hook that runs before every decorator finds it."""
    from flask_login import login_required

    from course.web.helpers import read_only

    def view():
        return "ok"
    above = read_only(login_required(view))
    below = login_required(read_only(lambda: "ok"))
    assert getattr(above, "read_only", False) and getattr(below, "read_only", False)
    for endpoint in ("learn.lesson", "learn.overview", "main.index", "certificates.verify_code", "manage.team"):
        assert getattr(app.view_functions[endpoint], "read_only", False), endpoint
    assert not getattr(app.view_functions["learn.lesson_done"], "read_only", False)
