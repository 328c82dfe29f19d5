"""Request-level wiring: user loading, template helpers and Dutch error pages."""
from __future__ import annotations

import secrets

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from .extensions import db, login_manager
from .forms import ActionForm
from .models import User

ERROR_TEXTS = {
    400: ("Dat ging niet goed", "Je verzoek kon niet worden verwerkt. Ga terug en probeer het opnieuw."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet (meer). Misschien is de link oud of zit er een typfout in."),
    405: ("Dat kan hier niet", "Deze pagina werkt niet op deze manier. Ga terug en gebruik de knoppen op de pagina."),
    413: ("Te veel gegevens", "Je formulier bevat te veel gegevens. Maak je invoer korter en probeer het opnieuw."),
    429: ("Even rustig aan", "Je hebt dit te vaak geprobeerd. Wacht een paar minuten en probeer het dan opnieuw."),
    500: ("Er ging iets mis", "Er ging aan onze kant iets mis. Je gegevens zijn niet kwijt. Probeer het over een "
                              "paar minuten opnieuw."),
}


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Load the user of a login cookie, if its session token is still current."""
    user_id, _, token = session_id.partition(".")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not token or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def register(app: Flask) -> None:
    """Attach template helpers and error handlers to the app."""
    app.jinja_env.globals["action_form"] = ActionForm

    @app.context_processor
    def inject():
        from flask_login import current_user

        from .catalog import get_course
        from .teams import is_any_manager
        manager = current_user.is_authenticated and not current_user.is_admin and is_any_manager(db.session,
                                                                                                   current_user)
        return {"course": get_course(), "is_manager": manager or (current_user.is_authenticated and
                                                                  current_user.is_admin)}

    @app.template_filter("nl_date")
    def nl_date(value) -> str:
        months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                  "oktober", "november", "december"]
        return f"{value.day} {months[value.month - 1]} {value.year}" if value else ""

    @app.template_filter("dutch_hours")
    def dutch_hours(value) -> str:
        from .certificates import format_hours
        return format_hours(value)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[400])
        return render_template("error.html", code=code, title=title, text=text), code

    @app.errorhandler(500)
    def server_error(error):
        # Unhandled exceptions arrive here wrapped (outside testing); undo any half-done work.
        db.session.rollback()
        app.logger.error("Onverwachte fout bij %s %s", request.method, request.path,
                         exc_info=getattr(error, "original_exception", None))
        title, text = ERROR_TEXTS[500]
        return render_template("error.html", code=500, title=title, text=text), 500
