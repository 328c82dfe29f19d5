"""The sender thread of one app process: runs course.mail.queue's claim-and-send loop.

It starts on the first mail stored in this process (never at import or in create_app), wakes at once
when a request commits a new mail and otherwise every MAIL_POLL_SECONDS, and on its first round also
takes back what a process that died left behind. Under TESTING it stays off until a test starts it;
`flask mail send` runs the same loop once, for cron.
"""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from course.extensions import db
from course.mail import queue
from course.text import utcnow

log = logging.getLogger("course.mail")


def settings(app: Flask) -> dict:
    """The loop's settings from the app config."""
    return {"delays": tuple(app.config.get("MAIL_RETRY_DELAYS", (30, 120, 600))),
            "timeout": timedelta(seconds=app.config.get("MAIL_CLAIM_TIMEOUT", 300)),
            "connections": app.config["MAIL_CONNECTIONS"] if app.config.get("MAIL_SERVER") else 1}


def send_due(app: Flask) -> queue.Report:
    """One round of the loop in this app's context (the caller has pushed it)."""
    from course.web.mails import render
    return queue.send_due(db.session, app.config, render.renderer(app), utcnow, **settings(app))


class Postman:
    """One per app (app.extensions["postman"]): the thread that sends what is stored."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.enabled = not app.testing  # a test starts it itself
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        """A mail was stored: send it now (starts the thread on first use)."""
        if not self.enabled:
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="mail-sender", daemon=True)
                self._thread.start()
        self._wake.set()

    def start(self) -> None:
        """Enable and start the thread (tests; a process that wants to pick up old rows at once)."""
        self.enabled = True
        self.wake()

    def stop(self, timeout: float = 10) -> bool:
        """Stop after the mail being sent; False if the thread did not end in time."""
        self.enabled = False
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is None:
            return True
        self._stop.set()
        self._wake.set()
        thread.join(timeout)
        return not thread.is_alive()

    def _run(self) -> None:
        poll = float(self.app.config.get("MAIL_POLL_SECONDS", 5))
        while not self._stop.is_set():
            self._wake.clear()
            wait = poll
            try:
                with self.app.app_context():
                    try:
                        send_due(self.app)
                        due = queue.next_due_in(db.session, utcnow())
                        if due is not None:
                            wait = min(poll, max(0.05, due))
                    finally:
                        db.session.remove()
            except Exception as error:  # a bug or a database outage: logged without personal data, tried again
                log.error("Mailronde mislukt: %s; volgende ronde over %s s.", type(error).__name__, poll)
            self._wake.wait(wait)

    def wait_idle(self, timeout: float = 10) -> bool:
        """Wait until no stored mail waits or is being sent (for tests and the CLI); False on timeout."""
        import time
        deadline = time.monotonic() + timeout
        while True:
            with self.app.app_context():
                try:
                    if queue.pending(db.session) == 0:
                        return True
                finally:
                    db.session.remove()
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)


def _after_commit(session: Session) -> None:
    if session.info.pop(queue.WAKE, False) and has_app_context():
        postman = current_app.extensions.get("postman")
        if postman is not None:
            postman.wake()


def _after_rollback(session: Session) -> None:
    session.info.pop(queue.WAKE, None)


def init_app(app: Flask) -> None:
    app.extensions["postman"] = Postman(app)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", lambda session, previous: _after_rollback(session))
