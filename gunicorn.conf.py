"""Gunicorn settings for Veilige Gehechtheid: `gunicorn -c gunicorn.conf.py --workers 3 app:app`.

Command-line options (workers, bind, worker class) still apply; this file adds the start-up check and
takes what start-up loaded out of the garbage collector's way.
"""
import gc
import os

from course.config import rate_limit_warning


def when_ready(server):
    """Warn once at start-up when several workers would each count the rate limits on their own."""
    warning = rate_limit_warning(server.cfg.workers, os.environ)
    if warning:
        server.log.warning(warning)


def post_worker_init(worker):
    """Freeze the objects start-up made (course, templates, app) in each worker: they live as long as it does.

    The collector's full passes then skip them. A page that makes many objects (the team table of a
    500-member team) set off full passes over all 115,000 of them; frozen, the team report took about
    a third less CPU time in-process (README, "Benchmarks").
    """
    gc.freeze()
