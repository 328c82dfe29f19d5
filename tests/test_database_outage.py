"""When the database goes away: a Dutch 503 with Retry-After, not a 500, and no stale connection shown."""
import logging

import pytest
from sqlalchemy import create_engine, text

from conftest import csrf_token, make_app
from devtools import free_port


@pytest.fixture
def app_without_database(tmp_path):
    """An app whose PostgreSQL is not running (nothing listens on its port)."""
    return make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/vg")


def assert_unavailable(response):
    html = response.get_data(as_text=True)
    assert response.status_code == 503, html
    assert response.headers["Retry-After"].isdigit()
    assert "even niet bereikbaar" in html and "Foutcode 503" in html


def test_pages_say_in_dutch_that_the_platform_is_unreachable(app_without_database, caplog):
    from flask_login.utils import _create_identifier
    client = app_without_database.test_client()
    with caplog.at_level(logging.WARNING):
        assert_unavailable(client.get("/verify/AAAA-BBBB-CCCC"))
    # A logged-in learner: loading the user is the first query; the page is shown without a menu for them.
    with app_without_database.test_request_context():
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session.update({"_user_id": "1.token", "_fresh": True, "_id": identifier})
    with caplog.at_level(logging.WARNING):
        assert_unavailable(client.get("/cursus/"))
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(problems) == 2 and all(r.exc_info is None and "\n" not in r.getMessage() for r in problems)
    assert "database" in problems[0].getMessage().lower()


def test_health_check_says_whether_the_database_answers(client, app_without_database):
    response = client.get("/gezond")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "database": "ok"}
    response = app_without_database.test_client().get("/gezond")
    assert response.status_code == 503 and response.get_json()["database"] == "niet bereikbaar"
    assert response.headers["Retry-After"].isdigit() and response.headers["Cache-Control"] == "no-store"


def cut_connections(app):
    """Close every connection of the app's pool from the server side, as a database restart does."""
    with app.app_context():
        from course.extensions import db
        url = db.engine.url
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        cut = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                "WHERE pid <> pg_backend_pid() AND datname = current_database()")).scalar()
    admin.dispose()
    assert cut >= 1


def test_a_stale_pooled_connection_is_retried_not_shown(app, client, learner, caplog):
    with app.app_context():
        from course.extensions import db
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has no server that can drop a connection")
    assert client.get("/cursus/").status_code == 200  # the pool now holds a connection
    cut_connections(app)
    with caplog.at_level(logging.WARNING):
        response = client.get("/cursus/eerste-module/les-1")
    assert response.status_code == 200 and not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert client.get("/cursus/").status_code == 200
    # A form is not sent twice: it gets the 503 page, and sending it again works.
    token = csrf_token(client.get("/cursus/eerste-module/les-2").get_data(as_text=True))
    cut_connections(app)
    assert_unavailable(client.post("/cursus/eerste-module/les-2/afgerond", data={"csrf_token": token}))
    assert client.post("/cursus/eerste-module/les-2/afgerond", data={"csrf_token": token}).status_code == 302
