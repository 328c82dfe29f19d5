"""Shared pages: a page that is the same for every viewer in the same situation is rendered once.

The lesson page is the page learners open most. Apart from a few per-learner parts, its HTML depends
only on the lesson, on whether this learner finished it, and on which menu items the viewer gets. So it
is rendered once per combination and kept per app. Course content is loaded at start and never changes
while the app runs, so nothing goes stale. Measured with callgrind (bench/lesson_cache.py, difference
of 100 and 300 views): 6.7 M instructions per lesson view shared, 8.3 M rendered per request (19% less).

The interface, in full:
- the view calls `render_shared(template, key, viewer, slots={...}, **context)`: `key` names what
  the page shows, `viewer` the only facts about the viewer the layout may use, and `slots` this
  request's own parts by name (a str is escaped, Markup is put in as it is);
- the template writes `{{ slot("name") }}` where each part goes, once per name; the CSRF token is a
  slot of its own that every page has (`csrf_token()`).
Each slot must be used by the template exactly once and every slot used must be given: anything else
raises SharedPageError, so a part can neither go missing nor be kept from one learner for the next.

A shared page must never show one person's data to another. It is rendered with stand-ins for
`current_user`, `request`, `session` and `g` that know only what is in the key: a template that asks
them for anything else (say `current_user.name`) fails with SharedPageError, in the tests, instead of
serving one learner's name to the next. How the parts are joined (the page is kept split at the slots)
stays inside this module.
"""
from __future__ import annotations

import secrets
from typing import Any

from flask import current_app, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

CSRF = "csrf"  # the slot every shared page has: csrf_token()


class SharedPageError(RuntimeError):
    """A shared page's template asked for per-request data that is not part of its key, or misused a slot."""


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


class _Page:
    """A rendered shared page: the HTML between its slots, and the slot names in the order they appear."""

    def __init__(self, html: str, marks: dict[str, str]):
        order = sorted(((html.find(mark), name) for name, mark in marks.items() if mark in html))
        self.names = tuple(name for _, name in order)
        for name, mark in marks.items():
            if html.count(mark) > 1 and name != CSRF:
                raise SharedPageError(f"De plek {name!r} staat meer dan eens in de gedeelde pagina.")
        self.parts: list[str] = []
        self.sequence: list[str] = []  # slot names between the parts, CSRF as often as the page has a token
        rest = html
        while True:
            found = [(rest.find(mark), name, mark) for name, mark in marks.items() if mark in rest]
            if not found:
                break
            at, name, mark = min(found)
            self.parts.append(rest[:at])
            self.sequence.append(name)
            rest = rest[at + len(mark):]
        self.parts.append(rest)

    def fill(self, values: dict[str, str]) -> str:
        out = [self.parts[0]]
        for name, part in zip(self.sequence, self.parts[1:]):
            out += [values[name], part]
        return "".join(out)


def _as_html(value: str | Markup) -> str:
    return str(value) if isinstance(value, Markup) else str(escape(value))


def render_shared(template: str, key: tuple, viewer: dict[str, bool], *, slots: dict[str, str | Markup] | None = None,
                  **context: Any) -> Markup:
    """Render a page shared by every viewer with the same key and viewer flags, once per app; fill in its slots.

    `key` names what the page shows (for a lesson: module, lesson, done); `viewer` holds the only facts
    about the viewer the layout may use (is_authenticated, is_admin, is_manager, is_coach); `slots` this
    request's own parts, which the template places with `{{ slot("name") }}`.
    """
    slots = dict(slots or {})
    if CSRF in slots:
        raise SharedPageError(f"{CSRF!r} is de plek van het CSRF-token; kies een andere naam.")
    if "_flashes" in session or getattr(current_user, "mail_refused_at", None):
        # A message waits for this viewer (a flash, or the banner about their refused address): render the page
        # the normal way, with the same slots.
        return Markup(render_template(template, slot=lambda name: Markup(_as_html(slots[name])),
                                      is_manager=viewer.get("is_manager", False),
                                      is_coach=viewer.get("is_coach", False), **context))
    cache: dict = current_app.extensions.setdefault("shared_pages", {})
    cache_key = (template, request.script_root, request.endpoint, key, tuple(sorted(viewer.items())),
                 tuple(sorted(slots)))
    page = cache.get(cache_key)
    if page is None:
        # Marks that cannot occur in escaped HTML nor in course content (a NUL and a random word).
        nonce = secrets.token_hex(8)
        marks = {name: f"\x00{nonce}:{name}\x00" for name in [*slots, CSRF]}
        used: list[str] = []

        def slot(name: str) -> Markup:
            if name not in slots:
                raise SharedPageError(f"De gedeelde pagina vraagt de plek {name!r}, maar de view geeft die niet.")
            used.append(name)
            return Markup(marks[name])

        html = render_template(
            template,
            current_user=_StandIn("current_user", is_anonymous=not viewer.get("is_authenticated"), **viewer),
            is_manager=viewer.get("is_manager", False), is_coach=viewer.get("is_coach", False),
            request=_StandIn("request", blueprint=request.blueprint, endpoint=request.endpoint),
            session=_StandIn("session"), g=_StandIn("g"), slot=slot,
            csrf_token=lambda: Markup(marks[CSRF]), get_flashed_messages=lambda **_: [], mail_refused=None,
            **context)
        missing = set(slots) - set(used)
        if missing or len(used) != len(set(used)):
            raise SharedPageError(f"Elke plek hoort precies één keer in de gedeelde pagina: {sorted(slots)}, "
                                  f"gebruikt: {used}.")
        page = cache[cache_key] = _Page(html, marks)
    values = {name: _as_html(value) for name, value in slots.items()}
    if CSRF in page.sequence:
        values[CSRF] = generate_csrf()
    return Markup(page.fill(values))
