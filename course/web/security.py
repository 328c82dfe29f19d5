"""Response headers, structured request logs and rate-limit settings for every request."""
from __future__ import annotations

import json
import logging
import re
import time
import traceback
from pathlib import Path

from flask import Flask, abort, g, request

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])

request_log = logging.getLogger("course.requests")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def register(app: Flask) -> None:
    """Add security headers and a one-line JSON log per request (user id only, no names or paths)."""

    @app.url_value_preprocessor
    def refuse_control_characters_in_urls(endpoint, values):
        # Slugs, codes and tokens never hold control characters; PostgreSQL refuses NUL outright.
        if values and any(isinstance(v, str) and _CONTROL.search(v) for v in values.values()):
            abort(404)

    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()
        # NUL is never part of what a person types, and PostgreSQL cannot store or even compare it. In a
        # query string (search boxes, filters) it is refused here; in a form, each field's validator
        # answers it with a message next to the field, before anything reaches the database.
        if any("\x00" in value for value in request.args.values()):
            abort(400)

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("PRODUCTION"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        user = g.get("_login_user")
        if "Cache-Control" not in response.headers and user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "private, no-store"
        _log(response)
        return response


def _log(response) -> None:
    if not request_log.isEnabledFor(logging.INFO):
        return
    started = g.get("request_started")
    # The URL rule, not the path: paths can hold reset tokens, invitation links and certificate codes.
    rule = request.url_rule.rule if request.url_rule else "(geen route)"
    user = g.get("_login_user")  # only if the request loaded it already: logging must not cost a query
    user_id = user.id if user is not None and user.is_authenticated else None
    request_log.info(json.dumps({
        "method": request.method, "route": rule, "status": response.status_code,
        "ms": round((time.perf_counter() - started) * 1000, 1) if started else None, "user": user_id,
    }))


def describe_exception(exc_info) -> str:
    """One log line for an exception without personal data: its type and where it happened.

    An exception's text can carry a learner's name or e-mail address (a database error repeats the
    row it refused) and the request path can carry a certificate code or a reset token, so neither
    is logged: the route, the exception's class and the frames (file:line in function) are enough
    to find the bug.
    """
    _, error, tb = exc_info
    frames = [f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}" for frame in traceback.extract_tb(tb)]
    kinds = []
    while error is not None and len(kinds) < 5:
        kinds.append(f"{type(error).__module__}.{type(error).__qualname__}")
        error = error.__cause__ or error.__context__
    rule = request.url_rule.rule if request and request.url_rule else "(geen route)"
    return json.dumps({"error": " <- ".join(kinds), "method": request.method if request else None,
                       "route": rule, "frames": frames[-12:]})
