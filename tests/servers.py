"""Throwaway servers for the operations tests: gunicorn, a PostgreSQL cluster and Redis on loopback."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

import devtools
from devtools import free_port

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
IN_CI = os.environ.get("CI", "").lower() == "true"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def missing(what: str) -> None:
    """Skip locally, fail in CI (where .ci/run installs everything the suite needs)."""
    if IN_CI:
        pytest.fail(f"CI=true maar {what} ontbreekt: deze test mag in CI niet overslaan.")
    pytest.skip(f"{what} ontbreekt")


class Gunicorn:
    """gunicorn serving app:app from the repository, with its output collected line by line."""

    def __init__(self, env: dict, *args: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        import gunicorn
        # gunicorn 27 opens a control socket at one path per user; servers started side by side (here, or by
        # another test run on this machine) must not take it from each other.
        own = ["--no-control-socket"] if gunicorn.version_info >= (27,) else []
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", *own, "--bind", f"127.0.0.1:{self.port}", *args,
             "app:app"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_text(self, text: str, count: int = 1, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.output.count(text) < count:
            assert self.process.poll() is None, f"gunicorn stopped:\n{self.output}"
            assert time.monotonic() < deadline, f"no {text!r} x{count} from gunicorn:\n{self.output}"
            time.sleep(0.05)

    def wait_until_serving(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self.process.poll() is None, f"gunicorn stopped:\n{self.output}"
            try:
                urllib.request.urlopen(self.base + "/privacy", timeout=5)
                return
            except OSError:
                assert time.monotonic() < deadline, f"gunicorn does not answer:\n{self.output}"
                time.sleep(0.1)

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=60)  # it ends at the end of the output, once gunicorn has exited
        if not self._reader.is_alive():
            self.process.stdout.close()
        return self.output


class PostgresCluster(devtools.PostgresCluster):
    """The shared throwaway cluster; a missing PostgreSQL skips the test locally and fails it in CI."""

    def __init__(self, *settings: str):
        try:
            super().__init__(*settings)
        except FileNotFoundError as error:
            missing(str(error))


class RedisServer:
    """Debian's redis-server on a free loopback port, without persistence."""

    def __init__(self):
        if not Path(REDIS_SERVER).exists():
            missing("redis-server (apt-get install redis-server)")
        import redis
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen([REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no", "--daemonize", "no"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        try:
            for _ in range(100):
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    time.sleep(0.05)
            self.stop()
            raise AssertionError(f"redis-server does not answer on port {self.port}")
        finally:
            client.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


class Visitor:
    """One browser: a cookie jar shared by every server it talks to (as behind a load balancer)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, jar=None):
        import http.cookiejar

        class LoopbackPolicy(http.cookiejar.DefaultCookiePolicy):
            """Send the production (Secure) cookies over plain http to 127.0.0.1, as a TLS proxy would."""
            def return_ok_secure(self, cookie, request):
                return True
        self.policy = LoopbackPolicy()
        self.jar = jar if jar is not None else http.cookiejar.CookieJar(policy=self.policy)
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), self._NoRedirect)

    def copy(self) -> "Visitor":
        """Another browser holding a copy of this one's cookies (a copied or stolen cookie)."""
        import copy
        import http.cookiejar
        jar = http.cookiejar.CookieJar(policy=self.policy)
        for cookie in self.jar:
            jar.set_cookie(copy.copy(cookie))
        return Visitor(jar)

    def request(self, url: str, data: dict | None = None, timeout: float = 30):
        """(status, body, headers) without following redirects; HTTP errors are answers too."""
        import urllib.error
        import urllib.parse
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=timeout) as response:
                return response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode(), error.headers

    def post_form(self, url: str, data: dict, page: str | None = None):
        import re
        status, html, _ = self.request(page or url)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
        assert token, f"no CSRF token on {page or url} ({status})"
        return self.request(url, {**data, "csrf_token": token[1]})
