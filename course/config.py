"""Settings read from the environment, with safe defaults for local use."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def from_environment(instance_path: str, env: dict[str, str] | None = None) -> dict:
    """Build the config mapping from environment variables."""
    env = dict(os.environ if env is None else env)
    production = env.get("FLASK_ENV", env.get("APP_ENV", "")).lower() == "production"
    secret = env.get("SECRET_KEY")
    if not secret:
        if production:
            raise ConfigError(
                "SECRET_KEY is niet ingesteld. Zet in productie een lange, geheime waarde in "
                "de omgevingsvariabele SECRET_KEY (bijvoorbeeld: python -c "
                "'import secrets; print(secrets.token_urlsafe(48))')."
            )
        secret = _local_secret(Path(instance_path))
    database_url = env.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'veilige-gehechtheid.sqlite'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://"):]
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    return {
        "PRODUCTION": production,
        "PROXY_COUNT": _proxy_count(env.get("PROXY_COUNT", "")),
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "BASE_URL": env.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        # Without BASE_URL, outside production, links shown on a page use the address the browser used
        # (web/helpers.py: page_link), so they work on any port; mails and certificates keep BASE_URL.
        "BASE_URL_SET": bool(env.get("BASE_URL")),
        "CONTENT_DIR": env.get("CONTENT_DIR", str(ROOT / "content")),
        "QUIZ_DIR": env.get("QUIZ_DIR", str(ROOT / "quizzes")),
        # A bank needs this many items per lesson (and this many minus one more than a draw takes).
        "QUIZ_MIN_ITEMS_PER_LESSON": int(env.get("QUIZ_MIN_ITEMS_PER_LESSON", "3")),
        # After the second failed attempt at a module quiz, the next one opens after this many minutes;
        # after the third and later, after 24 hours (course/attempts.py, retake_rule).
        "QUIZ_RETAKE_WAIT_MINUTES": int(env.get("QUIZ_RETAKE_WAIT_MINUTES", "60")),
        "ISSUER_NAME": env.get("ISSUER_NAME", "Leerplatform Veilige Gehechtheid"),
        # Open Badges signing key (Ed25519, PEM): the PEM itself, or a path to it. Neither: one is generated on
        # first start into the instance folder. Retired keys (PEM paths, comma-separated) stay published so the
        # credentials they signed stay verifiable (docs/production.md, "Sleutel voor Open Badges wisselen").
        "OPENBADGE_SIGNING_KEY": env.get("OPENBADGE_SIGNING_KEY", ""),
        "OPENBADGE_SIGNING_KEY_FILE": env.get("OPENBADGE_SIGNING_KEY_FILE", ""),
        "OPENBADGE_RETIRED_KEYS": env.get("OPENBADGE_RETIRED_KEYS", ""),
        # Days after a coach's review that a hand-in's texts are kept (`flask practice purge` erases them).
        "PRACTICE_RETENTION_DAYS": int(env.get("PRACTICE_RETENTION_DAYS", "90")),
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25") or 25),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS")),
        "MAIL_SENDER": env.get("MAIL_SENDER", "Veilige Gehechtheid <noreply@localhost>"),
        # Seconds between tries when the mail server fails: after 30 s, 2 and 10 minutes, then give up.
        "MAIL_RETRY_DELAYS": tuple(int(v) for v in env.get("MAIL_RETRY_DELAYS", "30,120,600").split(",") if v.strip()),
        "MAIL_TIMEOUT": int(env.get("MAIL_TIMEOUT", "10")),
        # A mail claimed by a process that then died is taken back after this many seconds (course/mail/queue.py).
        "MAIL_CLAIM_TIMEOUT": int(env.get("MAIL_CLAIM_TIMEOUT", "300") or 300),
        # The sender thread wakes on every new mail and at least this often (retries, rows of a stopped process).
        "MAIL_POLL_SECONDS": float(env.get("MAIL_POLL_SECONDS", "5") or 5),
        # SMTP connections the reminder run sends over at once (many providers allow a few per account).
        "MAIL_CONNECTIONS": max(1, int(env.get("MAIL_CONNECTIONS", "3") or 3)),
        # Team tables each worker keeps between views (course/teams/cache.py); 0 builds every view afresh.
        "TEAM_TABLE_CACHE_TEAMS": max(0, int(env.get("TEAM_TABLE_CACHE_TEAMS", "64") or 0)),
        # werkzeug's method for new password hashes. Leave it: only the test suite sets a cheap one.
        "PASSWORD_HASH_METHOD": env.get("PASSWORD_HASH_METHOD", "scrypt"),
        "PASSWORD_RESET_MAX_AGE": int(env.get("PASSWORD_RESET_MAX_AGE", "3600")),
        "OPT_OUT_MAX_AGE": int(env.get("OPT_OUT_MAX_AGE", str(365 * 24 * 3600))),  # opt-out links in mails
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis away: each worker counts in memory until it is back (Flask-Limiter checks now and then),
        # instead of every rate-limited page failing.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), default=True),
        "VERIFY_RATE_LIMIT": env.get("VERIFY_RATE_LIMIT", "20 per minute; 200 per hour"),
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute; 100 per hour"),
        "REGISTER_RATE_LIMIT": env.get("REGISTER_RATE_LIMIT", "5 per minute; 30 per hour"),
        "RESET_RATE_LIMIT": env.get("RESET_RATE_LIMIT", "5 per minute; 30 per hour"),
        "JOIN_RATE_LIMIT": env.get("JOIN_RATE_LIMIT", "10 per minute; 60 per hour"),
        # Our largest form is a quiz attempt of a few kilobytes; anything near this is not a person typing.
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", str(256 * 1024))),
        "MAX_FORM_MEMORY_SIZE": 256 * 1024,
        "MAX_FORM_PARTS": 200,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        # Every POST view validates a FlaskForm, which checks the CSRF token itself and, unlike the
        # global check, can show the form again with the user's input and a Dutch message.
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_I18N_ENABLED": False,  # use WTForms' own Dutch messages; Flask-Babel is not needed
        # The pool pings a connection at checkout, so after a database restart no request meets a dead
        # one (a GET or a form alike); bench/pre_ping.py measures the price (a round trip on loopback).
        # Connections a proxy cut are also recycled within minutes.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_recycle": 300, "pool_pre_ping": True},
    }


def rate_limit_warning(workers: int, env: dict[str, str]) -> str | None:
    """A start-up warning when, in production, several workers keep rate-limit counts in their own memory."""
    production = env.get("FLASK_ENV", env.get("APP_ENV", "")).lower() == "production"
    storage = env.get("RATELIMIT_STORAGE_URI", "") or "memory://"
    if not production or workers <= 1 or not _bool(env.get("RATELIMIT_ENABLED"), default=True):
        return None
    if not storage.startswith("memory://"):
        return None
    return (f"Let op: {workers} workers met RATELIMIT_STORAGE_URI={storage}: elke worker telt de rate limits "
            f"apart, dus een limiet geldt tot {workers} keer. Zet RATELIMIT_STORAGE_URI=redis://host:6379/0. "
            f"(Each of the {workers} workers counts rate limits on its own; set RATELIMIT_STORAGE_URI to a shared "
            "storage such as redis://host:6379/0.)")


def _proxy_count(value: str) -> int:
    """How many proxies in front of the app set X-Forwarded-For/-Proto/-Host (0: believe none)."""
    value = value.strip() or "0"
    if not value.isdigit():
        raise ConfigError(
            f"PROXY_COUNT moet een heel getal zijn (0 of meer), niet {value!r}: het aantal proxy's voor de app "
            "(meestal 1 achter een TLS-proxy, 0 zonder proxy)."
        )
    return int(value)


def _local_secret(instance: Path) -> str:
    """Return a per-checkout development secret, created once in the instance folder."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()
