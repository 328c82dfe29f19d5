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
    if _same_file(source_path, target):
        raise BackupError(f"{target} is de database zelf. Kies een ander bestand voor de back-up, bijvoorbeeld "
                          f"backups/$(date +%F).sqlite.")
    if target.exists():
        raise BackupError(f"{target} bestaat al. Kies een nieuwe bestandsnaam; een bestaande back-up wordt niet "
                          f"overschreven.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)  # SQLite's online backup API: a consistent snapshot, also under writes
    _check(target)


def restore(database_uri: str, backup_file: Path) -> None:
    """Replace the live database's contents with a backup (stop the app first)."""
    target_path = sqlite_path(database_uri)
    if _same_file(target_path, backup_file):
        raise BackupError(f"{backup_file} is de database zelf; er valt niets terug te zetten.")
    _check(backup_file)
    with sqlite3.connect(backup_file) as source, sqlite3.connect(target_path) as live:
        source.backup(live)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.exists() and a.samefile(b))
    except OSError:
        return False


def _check(path: Path) -> None:
    """Refuse anything that is not an intact SQLite database of this platform, with a clear message."""
    try:
        # Read-only: checking a file must never create or change it.
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.Error:
        raise BackupError(f"{path} is geen SQLite-database, dus geen back-up van dit platform. Controleer of je "
                          f"het goede bestand hebt gekozen.") from None
    if result != "ok" or "users" not in tables:
        raise BackupError(f"{path} is geen geldige back-up van dit platform ({result}).")
