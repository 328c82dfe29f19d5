"""What every form shares: CSRF with a Dutch message, the text, name, e-mail and password rules."""
from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import MultiDict
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from course import text
from course.accounts import password_problem
from course.web import inputs

CSRF_MESSAGE = (
    "Dit formulier was verlopen (of is vanaf een andere pagina verstuurd). Je gegevens staan er nog: "
    "controleer ze en verstuur het formulier opnieuw."
)


class Form(FlaskForm):
    """Base form: Dutch built-in messages and a friendly CSRF message."""

    class Meta:
        locales = ["nl_NL", "nl"]

        def wrap_formdata(self, form, formdata):
            # Text fields only: none of our forms takes a file or JSON. A file part sent in a text field
            # reads as an empty value (so the field's own "Vul ... in" message answers it) instead of
            # reaching the validators as a file object; a JSON body is not read as a form at all.
            if formdata is not _Auto:
                return formdata
            if not _is_submitted():
                return None
            if not request.files:
                return request.form
            data = MultiDict(request.form)
            for key in request.files:
                data.setlist(key, [""])
            return data

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if getattr(self, "csrf_token", None) is not None and self.csrf_token.errors:
            self.csrf_token.errors = [CSRF_MESSAGE]
        return valid


def _required(what: str) -> DataRequired:
    return DataRequired(message=f"Vul {what} in.")


class ValidName:
    """The one name rule (course/text.py) as a WTForms validator; the field's filter normalised it already."""

    def __init__(self, group: bool = False):
        self.group = group

    def __call__(self, form, field) -> None:
        problem = text.name_problem(field.data or "", group=self.group)
        if problem:
            raise ValidationError(problem)


class ValidText:
    """The free-text rule (course/text.py: no NUL, lone surrogates or control characters) as a validator."""

    def __init__(self, multiline: bool = True):
        self.multiline = multiline

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str):
            problem = text.text_problem(field.data, multiline=self.multiline)
            if problem:
                raise ValidationError(problem)


class ValidDay:
    """A date within the range the platform works with (2000-2100): a typo like 31-12-9999 is refused."""

    def __call__(self, form, field) -> None:
        if field.data is not None and not inputs.FIRST_DAY <= field.data <= inputs.LAST_DAY:
            raise ValidationError("Vul een datum tussen 2000 en 2100 in, bijvoorbeeld 31-12-2026.")


def _text_filter(value):
    return text.normalise(value) if isinstance(value, str) else value


def _name_field() -> StringField:
    return StringField(
        "Volledige naam",
        filters=[_text_filter],
        validators=[_required("je volledige naam"),
                    Length(max=120, message="Je naam mag hoogstens 120 tekens lang zijn."), ValidName()],
        description="Zoals hij op je certificaten moet staan, bijvoorbeeld: Anouk van der Meer-Çelik.",
        render_kw={"autocomplete": "name", "maxlength": 120},
    )


def _email_field() -> EmailField:
    return EmailField(
        "E-mailadres",
        validators=[_required("je e-mailadres"),
                    Length(max=254, message="Dit e-mailadres is te lang."), ValidText(multiline=False),
                    Email(message="Dit is geen geldig e-mailadres. Controleer het nog eens.",
                          check_deliverability=False)],
        render_kw={"autocomplete": "email", "maxlength": 254},
    )


def _new_password_field(label: str = "Wachtwoord") -> PasswordField:
    """One field for a new password; registration asks it once (with "Toon wachtwoord" to check it)."""
    return PasswordField(
        label,
        validators=[_required("een wachtwoord"), Length(max=200, message="Kies een wachtwoord van hoogstens 200 tekens."),
                    ValidText(multiline=False)],
        description="Minstens 10 tekens. Een korte zin is sterk en makkelijk te onthouden.",
        render_kw={"autocomplete": "new-password", "maxlength": 200},
    )


def _new_password_fields(label: str = "Wachtwoord"):
    password = _new_password_field(label)
    confirm = PasswordField(
        "Herhaal het wachtwoord",
        validators=[_required("het wachtwoord nog een keer"),
                    EqualTo("password", message="De twee wachtwoorden zijn niet gelijk.")],
        render_kw={"autocomplete": "new-password", "maxlength": 200},
    )
    return password, confirm


class StrongPasswordMixin:
    """One password rule for registration, change and reset (accounts.password_problem).

    The rule compares the password with the account's e-mail address and name: from the form's own
    fields at registration, from the `account` passed in when changing or resetting.
    """

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def validate_password(self, field) -> None:
        email = self.email.data if hasattr(self, "email") else getattr(self.account, "email", "")
        name = self.name.data if hasattr(self, "name") else getattr(self.account, "name", "")
        problem = password_problem(field.data or "", email=email or "", name=name or "")
        if problem:
            raise ValidationError(problem)



class ActionForm(Form):
    """A button-only form (log out, mark a lesson done): CSRF token and nothing else."""


def _current_password_field(label: str, what: str = "je wachtwoord", **extra) -> PasswordField:
    """The password the user has now (to log in, or to confirm a change): never checked against the rule."""
    return PasswordField(label, validators=[_required(what), Length(max=200), ValidText(multiline=False)],
                         render_kw={"autocomplete": "current-password"}, **extra)
