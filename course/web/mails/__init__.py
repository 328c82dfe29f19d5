"""The mails the platform sends, rendered from templates: reminders and digests, hand-in notices, password reset.

The opt-out part every optional mail shares lives here, once: the signed one-click link, the
List-Unsubscribe headers (RFC 8058) and the link to the mail settings page.
"""
from __future__ import annotations

from flask import Flask

from course.reminders import DIGEST, HANDIN
from course.reminders.preferences import make_opt_out_token


class OptOut:
    """The opt-out links of a kind of mail, built once per app or run: link(user_id, kind), headers(link)."""

    def __init__(self, app: Flask) -> None:
        urls = app.url_map.bind("localhost")
        self.secret = app.config["SECRET_KEY"]
        self.settings = app.config["BASE_URL"] + urls.build("reminders.settings")
        # The link is this prefix plus the token (URL-safe characters only): no URL building per mail.
        self._prefix = app.config["BASE_URL"] + urls.build("reminders.opt_out", {"token": "T"})[:-1]

    def link(self, user_id: int, kind: str) -> str:
        """The one-click link that turns off this kind of mail for this user, without logging in."""
        return self._prefix + make_opt_out_token(self.secret, user_id, kind)

    def context(self, link: str, kind: str = HANDIN) -> dict:
        """What the shared footer (templates/mail/_footer.txt, _base.html) needs."""
        return {"opt_out": link, "settings": self.settings, "mail": {"kind": kind}, "DIGEST": DIGEST}

    @staticmethod
    def headers(link: str) -> dict[str, str]:
        """RFC 8058: mail programs show an "afmelden" button that POSTs to the link, without a page."""
        return {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
