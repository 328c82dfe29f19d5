"""Benchmark: what the shared lesson page saves, in CPU instructions per lesson view.

Renders one lesson page N times in-process, once through the shared-page cache and once rendered
per request (the same template, the same queries). Run it under callgrind for figures that do not
depend on what else the machine is doing, or plainly for wall-clock requests per second:

    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python bench/lesson_cache.py shared 300
    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python bench/lesson_cache.py alone 300
    .venv/bin/python bench/lesson_cache.py both 2000
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import render_template  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from markupsafe import Markup, escape  # noqa: E402

from course import accounts, create_app  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # devtools: the throwaway PostgreSQL cluster and test helpers
from course.extensions import db  # noqa: E402
from course.web.views import learn  # noqa: E402

from devtools import csrf_token  # noqa: E402

PASSWORD = "een-lang-wachtwoord"


def render_alone(template, key, viewer, *, slots=None, **context):
    """The view's page rendered the ordinary way, for this viewer only (what the shared page replaces)."""
    slots = slots or {}
    return Markup(render_template(template, slot=lambda name: slots[name] if isinstance(slots[name], Markup)
                                  else escape(slots[name]), **context))


def client_on_a_lesson():
    folder = tempfile.mkdtemp(prefix="vg-lesson-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/b.sqlite", "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        accounts.register_user(db.session, name="Anna Bel", email="anna@bench.nl", password=PASSWORD)
    client = app.test_client()
    page = client.get("/inloggen").get_data(as_text=True)
    token = csrf_token(page)
    client.post("/inloggen", data={"email": "anna@bench.nl", "password": PASSWORD, "csrf_token": token})
    module = app.extensions["course"].modules[0]
    url = f"/cursus/{module.slug}/{module.lessons[3].slug}"
    assert client.get(url).status_code == 200
    return client, url


def run(client, url, n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        client.get(url)
    return n / (time.perf_counter() - started)


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "both"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    client, url = client_on_a_lesson()
    shared = learn.render_shared
    if mode == "alone":
        learn.render_shared = render_alone
    if mode in ("shared", "alone"):
        print(f"{mode}: {run(client, url, n):.0f} lesson views/s over {n}")
        return
    rates = {"shared": [], "alone": []}
    for _ in range(3):
        learn.render_shared = shared
        rates["shared"].append(run(client, url, n))
        learn.render_shared = render_alone
        rates["alone"].append(run(client, url, n))
    best = {k: max(v) for k, v in rates.items()}
    print(f"shared {best['shared']:.0f}/s, rendered per request {best['alone']:.0f}/s (best of 3 rounds of {n}); "
          f"the cache gains {100 * (best['shared'] / best['alone'] - 1):.0f}%")


if __name__ == "__main__":
    main()
