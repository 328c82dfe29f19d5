"""Helpers the tests and the benchmarks share: a free port, a throwaway PostgreSQL cluster, a page's CSRF token.

Not used by the app itself. The cluster is started the way scripts/test.sh starts one: initdb with
trust authentication on loopback, as the postgres user when run as root (PostgreSQL refuses root).
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN = os.environ.get("PG_BIN") or next(iter(sorted(
    (p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()),
    key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)), None)
_CSRF = re.compile(r'<input[^>]*name="[\w-]*csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="[\w-]*csrf_token"')


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def csrf_token(html: str | bytes) -> str:
    """The CSRF token of the first form on a page; AssertionError when the page has none."""
    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    match = _CSRF.search(text)
    assert match, "no CSRF token on the page"
    return match[1] or match[2]


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class PostgresCluster:
    """A throwaway PostgreSQL cluster on a free loopback port; remove() stops it and deletes its files."""

    def __init__(self, *settings: str, fsync: bool = False):
        if PG_BIN is None or not (Path(PG_BIN) / "initdb").exists():
            raise FileNotFoundError("PostgreSQL (initdb, pg_ctl; apt-get install postgresql, or set PG_BIN)")
        self.bin = Path(PG_BIN)
        self.dir = Path(tempfile.mkdtemp(prefix="vg-pg."))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.data = self.dir / "data"
        self.port = free_port()
        self.settings = [*settings, *([] if fsync else ["fsync=off"])]
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._pg("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()

    @property
    def version(self) -> str:
        return subprocess.run([str(self.bin / "postgres"), "--version"], capture_output=True, text=True,
                              timeout=30).stdout.strip()

    def _pg(self, tool: str, *args: str) -> None:
        result = subprocess.run(_as_postgres([str(self.bin / tool), *args]), capture_output=True, text=True,
                                timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{tool} {args}: {result.stdout}{result.stderr}")

    def _ctl(self, action: str, *args: str) -> None:
        options = " ".join([f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1",
                            *(f"-c {setting}" for setting in self.settings)])
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w", *args, "-o", options, action)

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def remove(self) -> None:
        subprocess.run(_as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"]),
                       capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)
