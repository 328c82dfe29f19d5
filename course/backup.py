"""Online backup and restore of the SQLite database (PostgreSQL: use pg_dump, see README)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    pass


def sqlite_path(database_uri: str) -> Path:
    """The file behind an SQLite URL; BackupError for any other database."""
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError("Deze opdracht werkt alleen met het SQLite-bestand. Gebruik voor PostgreSQL pg_dump "
                          "en pg_restore (zie de README).")
    return Path(url.database)


def backup(database_uri: str, target: Path) -> None:
    """Copy the live database to target, consistently, while the app keeps running."""
    source_path = sqlite_path(database_uri)
    if not source_path.exists():
        raise BackupError(f"Database {source_path} bestaat niet.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)  # SQLite's online backup API: a consistent snapshot, also under writes
    _check(target)


def restore(database_uri: str, backup_file: Path) -> None:
    """Replace the live database's contents with a backup (stop the app first)."""
    target_path = sqlite_path(database_uri)
    _check(backup_file)
    with sqlite3.connect(backup_file) as source, sqlite3.connect(target_path) as live:
        source.backup(live)


def _check(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if result != "ok" or "users" not in tables:
        raise BackupError(f"{path} is geen geldige back-up van dit platform ({result}).")
