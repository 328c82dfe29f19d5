"""Blueprints, one per area; helpers they share."""
from functools import wraps

from flask import current_app

from ..extensions import db


def attachment(data: bytes | str, mimetype: str, filename: str):
    """A private download: never cached by a shared proxy, saved under filename."""
    return current_app.response_class(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


def read_only(view):
    """Run a view that only reads without opening a transaction (on PostgreSQL).

    Each statement then commits on its own, as in Django's default autocommit mode. Under READ
    COMMITTED every statement sees its own snapshot anyway, so a reading page sees the same data,
    but saves the BEGIN and ROLLBACK round trips. Put it outside login_required: the user query
    must be the first statement. Views that write must not use it: their writes would not be
    atomic. SQLite opens no transaction for reads in the first place.
    """
    @wraps(view)
    def wrapper(*args, **kwargs):
        if db.engine.dialect.name == "postgresql":
            db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        return view(*args, **kwargs)
    return wrapper
