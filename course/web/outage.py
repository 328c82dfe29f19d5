"""When the database goes away: a Dutch 503 page instead of a 500, and no stale connection shown.

While the database is down (or restarting), every request that needs it gets the page "even niet
bereikbaar" with status 503 and a Retry-After header, and the log gets one short line per request,
without a traceback.

After a restart, every connection in a worker's pool is dead, but the pool does not know: we do not
ping before each checkout (pool_pre_ping costs a round trip on every request). The first statement
on a dead connection fails; SQLAlchemy recognises the disconnect (`connection_invalidated`), throws
that connection away and marks every older connection in the pool as stale, so the next checkout
opens a fresh one (psycopg marks a connection whose server went away as broken, which is what
SQLAlchemy's psycopg dialect checks). What remains is the one request that hit the dead connection. A GET or HEAD is
then simply run once more (`RetryAfterDisconnect`, a WSGI layer directly around the app that holds
back the first attempt's status and headers, so the visitor sees only the second). A POST is not
repeated: its body has been read and the layer cannot know what it did; it gets the 503 page, and
sending the form again works.
"""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify, make_response, render_template, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from course.extensions import db, login_manager

RETRY_AFTER_SECONDS = 30
_RETRY = "course.retry_after_disconnect"  # set by the error handler: run this request again
_RETRIED = "course.retried_after_disconnect"  # this is the second run; do not ask again

log = logging.getLogger("course.database")


def is_outage(error: Exception) -> bool:
    return isinstance(error, (OperationalError, InterfaceError)) or (
        isinstance(error, DBAPIError) and error.connection_invalidated)


def short_reason(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return f"{type(original).__name__}: {lines[0] if lines else ''}"[:200]


class RetryAfterDisconnect:
    """Run a GET or HEAD request a second time when its first run met a connection that had died."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.wsgi_app(environ, start_response)
        held = []

        def hold(status, headers, exc_info=None):
            held[:] = [status, headers, exc_info]
            return _no_write

        body = self.wsgi_app(environ, hold)
        if environ.pop(_RETRY, False):
            if hasattr(body, "close"):
                body.close()
            environ[_RETRIED] = True
            return self.wsgi_app(environ, start_response)
        status, headers, exc_info = held
        start_response(status, headers, exc_info) if exc_info else start_response(status, headers)
        return body


def _no_write(data):
    raise RuntimeError("write() is not supported here; return the body instead")


def database_answers() -> bool:
    """Does the database answer a trivial query? A dead pooled connection is replaced once."""
    for attempt in (1, 2):
        try:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("SELECT 1")
            return True
        except DBAPIError as error:
            if not (error.connection_invalidated and attempt == 1):
                log.warning("Database niet bereikbaar (gezondheidscontrole): %s", short_reason(error))
                return False
    return False


def unavailable_response():
    from course.web import ERROR_TEXTS
    title, text = ERROR_TEXTS[503]
    response = make_response(render_template("error.html", code=503, title=title, text=text), 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    """The 503 handler, and the retry layer around the app (inside any proxy layer added later)."""
    app.wsgi_app = RetryAfterDisconnect(app.wsgi_app)

    @app.errorhandler(DBAPIError)
    def database_unavailable(error: DBAPIError):
        if not is_outage(error):
            raise error  # a real bug (say an IntegrityError nobody expected): the normal 500 page
        try:
            db.session.rollback()
        except SQLAlchemyError:
            pass
        # The page must not ask the database who is logged in (the user may not be loaded yet, and
        # the rollback has expired it): show it as to a visitor.
        g._login_user = login_manager.anonymous_user()
        if (error.connection_invalidated and request.method in ("GET", "HEAD")
                and not request.environ.get(_RETRIED)):
            request.environ[_RETRY] = True  # RetryAfterDisconnect throws this answer away
        else:
            rule = request.url_rule.rule if request.url_rule else "(geen route)"
            log.warning("Database niet bereikbaar bij %s %s: %s", request.method, rule, short_reason(error))
        return unavailable_response()


def health():
    """/gezond, for load balancers: 200 when the database answers, 503 when it does not."""
    if database_answers():
        response = jsonify(status="ok", database="ok")
    else:
        response = jsonify(status="fout", database="niet bereikbaar")
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response
