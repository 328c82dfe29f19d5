"""Gunicorn settings for Veilige Gehechtheid: `gunicorn -c gunicorn.conf.py --workers 3 app:app`.

Command-line options (workers, bind, worker class) still apply; this file adds the start-up check.
"""
import os

from course.config import rate_limit_warning


def when_ready(server):
    """Warn once at start-up when several workers would each count the rate limits on their own."""
    warning = rate_limit_warning(server.cfg.workers, os.environ)
    if warning:
        server.log.warning(warning)
