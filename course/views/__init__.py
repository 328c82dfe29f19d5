"""Blueprints, one per area; helpers they share."""
from flask import current_app


def attachment(data: bytes | str, mimetype: str, filename: str):
    """A private download: never cached by a shared proxy, saved under filename."""
    return current_app.response_class(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})
