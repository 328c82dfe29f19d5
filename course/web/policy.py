"""Who may see what: one decorator per role, used by the views."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort
from flask_login import current_user, login_required

from course.extensions import db
from course.models import Team
from course.teams import can_manage

__all__ = ["admin_required", "login_required", "managed_team_or_404", "safe_next"]


def admin_required(view):
    """Allow only administrators; others get a 404 so the page does not reveal itself."""
    @login_required
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(404)
        return view(*args, **kwargs)
    return wrapped


def safe_next(target: str | None) -> str | None:
    """Return target if it is a path on this site, else None (no open redirects)."""
    if not target or "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def managed_team_or_404(team_id: int):
    """The team, if the current user manages it (or is an administrator); 404 otherwise.

    Every manager page and export goes through here, so another team's id in a URL reveals nothing.
    """
    team = db.session.get(Team, team_id)
    if team is None or not current_user.is_authenticated or not can_manage(db.session, current_user, team):
        abort(404)
    return team
