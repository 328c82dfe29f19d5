"""Veilige Gehechtheid: the application factory."""
from __future__ import annotations

import os
import sys

from flask import Flask

from course.config import ROOT, ConfigError, from_environment


class CourseApp(Flask):
    """Flask, with error logs that carry no personal data (see security.describe_exception)."""

    def log_exception(self, exc_info) -> None:
        from course.web.security import describe_exception
        self.logger.error("Onverwachte fout: %s", describe_exception(exc_info))


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the app: config, extensions, catalog, blueprints, cli, errors."""
    app = CourseApp(__name__, instance_relative_config=True, template_folder=str(ROOT / "templates"))
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)
    from course.text import utcnow
    # The one clock of the quiz's retake rules and the practice answers: a test passes its own to pin the time.
    app.config.setdefault("CLOCK", utcnow)

    from course.extensions import csrf, db, limiter, login_manager, migrate
    db.init_app(app)
    limiter.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in om deze pagina te bekijken."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    from course import accounts
    accounts.use_hash_method(app.config["PASSWORD_HASH_METHOD"])
    _load_course(app)
    _load_badge_keys(app)
    from course.teams.cache import TeamReports
    app.extensions["team_reports"] = TeamReports(app.config["TEAM_TABLE_CACHE_TEAMS"])
    from course import cli, web
    web.init_app(app)
    cli.register(app)
    _configure_logging(app)
    return app


def _load_badge_keys(app: Flask) -> None:
    """The Open Badges keyring, and the fetcher that reads other installations' documents (tests replace it)."""
    from pathlib import Path

    from course.credentials import fetch, keys
    try:
        app.extensions["openbadge_keys"] = keys.load(Path(app.instance_path), app.config["OPENBADGE_SIGNING_KEY"],
                                                     app.config["OPENBADGE_SIGNING_KEY_FILE"],
                                                     app.config["OPENBADGE_RETIRED_KEYS"])
    except keys.KeyError_ as problem:
        raise ConfigError(str(problem)) from None
    app.extensions["openbadge_fetcher"] = fetch.live_fetcher(allow_local=app.testing)


def _configure_logging(app: Flask) -> None:
    """Request logs go to stderr as JSON lines, unless a handler is configured already."""
    import logging
    log = logging.getLogger("course.requests")
    if not log.handlers and not app.testing:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def _load_course(app: Flask) -> None:
    """Load and validate the course once; broken content stops the start with every problem listed."""
    from course.catalog import ContentError, load_catalog
    try:
        app.extensions["course"] = load_catalog(app.config["CONTENT_DIR"], app.config["QUIZ_DIR"],
                                                min_items_per_lesson=app.config["QUIZ_MIN_ITEMS_PER_LESSON"])
    except ContentError as error:
        print(f"De app start niet. {error}\n(`flask --app app content check` toont dezelfde lijst.)", file=sys.stderr)
        raise


__all__ = ["ConfigError", "create_app"]
