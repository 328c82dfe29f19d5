#!/usr/bin/env bash
# Set up everything and start the platform on SQLite, with demo accounts.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -qq --disable-pip-version-check -e .
export FLASK_APP=app
.venv/bin/flask content check
.venv/bin/flask db upgrade
echo
.venv/bin/flask demo-data
echo
echo "Open http://127.0.0.1:${PORT:-5000} in je browser (stoppen: Ctrl+C)."
exec .venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
