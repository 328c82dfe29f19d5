"""Several workers and several servers: gunicorn's start-up warning, and two servers sharing one
PostgreSQL and one Redis."""
import os

import pytest

from conftest import FIXTURES
from course.config import rate_limit_warning
from servers import Gunicorn

WARNING = "RATELIMIT_STORAGE_URI"


@pytest.fixture
def base_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RATELIMIT_", "WEB_CONCURRENCY"))}
    return {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'leeg.sqlite'}",
            "CONTENT_DIR": str(FIXTURES / "content"), "QUIZ_DIR": str(FIXTURES / "quizzes"),
            "SECRET_KEY": "een-geheime-sleutel-voor-de-test", "FLASK_ENV": "production"}


def start_output(env, *args) -> str:
    """What gunicorn says up to the start of its workers (the warning comes before those)."""
    server = Gunicorn(env, *args)
    try:
        server.wait_for_text("Booting worker", count=int(args[args.index("--workers") + 1]))
    finally:
        output = server.stop()
    return output


def test_gunicorn_warns_when_several_workers_count_rate_limits_apart(base_env):
    output = start_output(base_env, "--workers", "2")
    assert "[WARNING]" in output and WARNING in output and "redis://" in output
    assert output.index(WARNING) < output.index("Booting worker")


def test_no_warning_with_a_shared_storage(base_env):
    assert WARNING not in start_output({**base_env, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"},
                                       "--workers", "2")


@pytest.mark.parametrize("workers, setting", [(2, {"RATELIMIT_ENABLED": "false"}), (2, {"FLASK_ENV": ""}), (1, {}),
                                              (3, {"RATELIMIT_STORAGE_URI": "redis://redis:6379/0"})])
def test_no_warning_needed(base_env, workers, setting):
    assert rate_limit_warning(workers, {**base_env, **setting}) is None
    assert "3 workers" in rate_limit_warning(3, base_env)
