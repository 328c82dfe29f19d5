"""Shared pages: a page that is the same for every viewer in the same situation is rendered once.

The lesson page is the page learners open most. Apart from its CSRF token, its HTML depends only
on the lesson, on whether this learner finished it, and on which menu items the viewer gets. So
it is rendered once per combination and kept per app; each request puts in its own CSRF token.
Course content is loaded at start and never changes while the app runs, so nothing goes stale.

A shared page must never show one person's data to another. It is rendered with stand-ins for
`current_user`, `request`, `session` and `g` that know only what is in the key: a template that
asks them for anything else (say `current_user.name`) fails with SharedPageError, in the tests,
instead of serving one learner's name to the next.
"""
from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

# Stands where the CSRF token goes while a shared page renders; it cannot occur in escaped HTML.
_TOKEN_HOLE = "\x00csrf-token\x00"


class SharedPageError(RuntimeError):
    """A shared page's template asked for per-request data that is not part of its cache key."""


class _StandIn:
    """Replaces a per-request object during a shared render; only the given attributes exist."""

    def __init__(self, name: str, **allowed: Any):
        self.__dict__.update(allowed)
        self.__dict__["_name"] = name

    def __getattr__(self, attribute: str):
        # Not AttributeError: Jinja would turn that into an empty string and cache it silently.
        raise SharedPageError(f"Een gedeelde pagina vraagt {self._name}.{attribute}; zet het in de "
                              "sleutel van de pagina of render de pagina per verzoek.")

    def __getitem__(self, key: str):
        return self.__getattr__(f"[{key!r}]")

    def get(self, key: str, default: Any = None):
        return self.__getattr__(f"get({key!r})")


def render_shared(template: str, key: tuple, viewer: dict[str, bool], **context: Any) -> str:
    """Render a page shared by every viewer with the same key and viewer flags, once per app.

    `key` names what the page shows (for a lesson: module, lesson, done); `viewer` holds the
    only facts about the viewer the layout may use (is_authenticated, is_admin, is_manager).
    """
    if "_flashes" in session or getattr(current_user, "mail_refused_at", None):
        # A message waits for this viewer (a flash, or the banner about their refused address): render the page
        # the normal way.
        return render_template(template, is_manager=viewer.get("is_manager", False),
                               is_coach=viewer.get("is_coach", False), **context)
    cache: dict = current_app.extensions.setdefault("shared_pages", {})
    cache_key = (template, request.script_root, request.endpoint, key, tuple(sorted(viewer.items())))
    parts = cache.get(cache_key)
    if parts is None:
        html = render_template(
            template,
            current_user=_StandIn("current_user", is_anonymous=not viewer.get("is_authenticated"), **viewer),
            is_manager=viewer.get("is_manager", False), is_coach=viewer.get("is_coach", False),
            request=_StandIn("request", blueprint=request.blueprint, endpoint=request.endpoint),
            session=_StandIn("session"), g=_StandIn("g"),
            csrf_token=lambda: _TOKEN_HOLE, get_flashed_messages=lambda **_: [], mail_refused=None,
            **context)
        parts = cache[cache_key] = tuple(html.split(_TOKEN_HOLE))
    return generate_csrf().join(parts) if len(parts) > 1 else parts[0]
