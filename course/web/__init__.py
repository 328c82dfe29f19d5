"""The web layer: everything that knows HTTP. The domain modules beside this package never import Flask.

init_app wires it up: the WSGI layers (database outage, trusted proxies), the URL converter, the
blueprints in views/, the login loader, template helpers, the Dutch error pages and the security
headers and request log (security.py).
"""
from __future__ import annotations

import secrets
from functools import lru_cache

from flask import Flask, render_template, request
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import undefer
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from course import workplace
from course.errors import NotFound
from course.extensions import db, login_manager
from course.models import User
from course.text import dutch_date, dutch_datetime, dutch_hours
from course.web.assets import asset
from course.web.helpers import get_course, start_read_only
from course.web.inputs import whole_number

ERROR_TEXTS = {
    400: ("Dat ging niet goed", "Je verzoek kon niet worden verwerkt. Ga terug en probeer het opnieuw."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet (meer). Misschien is de link oud of zit er een typfout in."),
    405: ("Dat kan hier niet", "Deze pagina werkt niet op deze manier. Ga terug en gebruik de knoppen op de pagina."),
    413: ("Te veel gegevens", "Je formulier bevat te veel gegevens. Maak je invoer korter en probeer het opnieuw."),
    429: ("Even rustig aan", "Je hebt dit te vaak geprobeerd. Wacht een paar minuten en probeer het dan opnieuw."),
    500: ("Er ging iets mis", "Er ging aan onze kant iets mis. Je gegevens zijn niet kwijt. Probeer het over een "
                              "paar minuten opnieuw."),
    503: ("Even niet bereikbaar", "Het leerplatform is even niet bereikbaar. Je gegevens zijn niet kwijt. Probeer "
                                  "het over een minuut opnieuw."),
}


LAYOUT_ENDPOINTS = ("main.index", "learn.overview", "main.glossary", "certificates.mine", "manage.overview",
                    "admin.organisations", "account.settings", "auth.logout", "auth.login", "auth.register",
                    "certificates.verify", "main.privacy", "coach.overview", "main.guide")
# The layout's static files: their URLs carry a version (web/assets.py), so they are made on each page.
LAYOUT_ASSETS = ("style.css", "favicon.svg", "menu.js")


# The largest id both databases hold in an INTEGER column (PostgreSQL's int4; SQLite allows 2^63-1).
MAX_ID = 2**31 - 1


class DatabaseId(IntegerConverter):
    """`<int:...>` in every route: 0 to 2^31-1, so a larger number is a 404 instead of an overflow."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Attach the whole web layer to the app."""
    from course.web import assets, inputs, outage, security
    from course.web.views import (
        account,
        admin,
        auth,
        badges,
        certificates,
        coach,
        learn,
        main,
        manage,
        practice,
        quiz,
        records,
        reminders,
    )
    outage.register(app)  # the Dutch 503 page when the database does not answer (see outage.py)
    _trust_proxies(app)
    install_converters(app)
    for module in (main, auth, account, learn, practice, quiz, certificates, badges, manage, coach, admin, records,
                   reminders):
        app.register_blueprint(module.bp)
    inputs.init_app(app)
    from course.web.mails import postman
    postman.init_app(app)  # the sender thread starts on the first stored mail, not here
    register(app)
    assets.register(app)
    security.register(app)
    app.before_request(start_read_only)


def _trust_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT proxies, take the client's address, scheme and host from their X-Forwarded-*
    headers (the last PROXY_COUNT entries only: anything before those is the client's own claim).
    Without it every client would share the proxy's address, and so one rate-limit count."""
    count = app.config.get("PROXY_COUNT", 0)
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def install_converters(app: Flask) -> None:
    """Replace the `int` URL converter before any route is registered."""
    app.url_map.converters["int"] = DatabaseId


@lru_cache(maxsize=8)
def _layout_links(script_root: str) -> dict[str, str]:
    """The layout's fixed links, built once per mount point instead of on every page."""
    from flask import url_for
    links = {}
    for name in LAYOUT_ENDPOINTS:
        endpoint, _, filename = name.partition(":")
        links[name] = url_for(endpoint, filename=filename) if filename else url_for(endpoint)
    return links


@lru_cache(maxsize=1)
def _user_statement():
    """Built once: it runs on every request, and building it costs more than running it."""
    return (select(User).options(undefer(User.manages_teams), undefer(User.coaches_teams))
            .where(User.id == bindparam("user_id")))


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Load the user of a login cookie, if its session token is still current (one query, with the menu's flag)."""
    user_id, _, token = session_id.partition(".")
    number = whole_number(user_id)
    if number is None or not token:
        return None
    user = db.session.scalar(_user_statement(), {"user_id": number})
    if user is None or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def viewer_flags(user) -> dict[str, bool]:
    """What the layout may know about its viewer: logged in, administrator, manager, coach (for the menu)."""
    authenticated = bool(user.is_authenticated)
    admin = authenticated and bool(user.is_admin)
    return {"is_authenticated": authenticated, "is_admin": admin,
            "is_manager": admin or (authenticated and bool(user.manages_teams)),
            "is_coach": authenticated and bool(user.coaches_teams)}


def register(app: Flask) -> None:
    """Attach template helpers and error handlers to the app."""

    @app.context_processor
    def inject():
        flags = viewer_flags(current_user)
        links = dict(_layout_links(request.script_root))
        links.update((f"static:{name}", asset(name)) for name in LAYOUT_ASSETS)
        return {"course": get_course(), "is_manager": flags["is_manager"], "is_coach": flags["is_coach"],
                "links": links,
                "mail_refused": current_user.email if flags["is_authenticated"] and current_user.mail_refused_at
                else None}

    app.add_template_filter(dutch_date, "nl_date")
    app.add_template_filter(dutch_datetime, "nl_datetime")

    app.add_template_filter(dutch_hours, "dutch_hours")
    app.add_template_filter(workplace.label, "setting_label")

    @app.errorhandler(NotFound)
    def not_found(error: NotFound):
        # Domain code says "not found" for what does not exist or may not be known to exist; the
        # visitor sees the same 404 page either way.
        title, text = ERROR_TEXTS[404]
        return render_template("error.html", code=404, title=title, text=text), 404

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[400])
        return render_template("error.html", code=code, title=title, text=text), code

    @app.errorhandler(500)
    def server_error(error):
        # Unhandled exceptions arrive here wrapped (outside testing), already logged by
        # CourseApp.log_exception without personal data; undo any half-done work.
        db.session.rollback()
        title, text = ERROR_TEXTS[500]
        return render_template("error.html", code=500, title=title, text=text), 500
