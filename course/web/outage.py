"""When the database goes away: a Dutch 503 page instead of a 500, and no stale connection shown.

While the database is down (or restarting), every request that needs it gets the page "even niet
bereikbaar" with status 503 and a Retry-After header, and the log gets one short line per request,
without a traceback.

After a restart, every connection in a worker's pool is dead. The pool pings each connection as it is
checked out (pool_pre_ping, course/config.py), replaces a dead one and, having seen the disconnect,
every older one too, so no request, a GET or a form, meets a dead connection. (An earlier version
skipped the ping and ran a GET a second time in WSGI; some GET views write audit rows, so that could
write twice.)
"""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify, make_response, render_template, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from course.extensions import db, login_manager

RETRY_AFTER_SECONDS = 30

log = logging.getLogger("course.database")


def is_outage(error: Exception) -> bool:
    return isinstance(error, (OperationalError, InterfaceError)) or (
        isinstance(error, DBAPIError) and error.connection_invalidated)


def short_reason(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return f"{type(original).__name__}: {lines[0] if lines else ''}"[:200]


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
    """The 503 handler for a database that does not answer."""

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
