"""WTForms classes, all with CSRF protection and Dutch messages."""
from __future__ import annotations

from flask import request
from werkzeug.datastructures import MultiDict
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from wtforms import (BooleanField, DateField, EmailField, PasswordField, SelectField, StringField, SubmitField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from course import text
from course.accounts import password_problem
from course.models import ORGANISATION_KINDS
from course.teams.locations import InvalidLrk, clean_lrk

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
                    Length(max=254, message="Dit e-mailadres is te lang."),
                    Email(message="Dit is geen geldig e-mailadres. Controleer het nog eens.",
                          check_deliverability=False)],
        render_kw={"autocomplete": "email", "maxlength": 254},
    )


def _new_password_field(label: str = "Wachtwoord") -> PasswordField:
    """One field for a new password; registration asks it once (with "Toon wachtwoord" to check it)."""
    return PasswordField(
        label,
        validators=[_required("een wachtwoord"), Length(max=200, message="Kies een wachtwoord van hoogstens 200 tekens.")],
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


class RegisterForm(StrongPasswordMixin, Form):
    name = _name_field()
    email = _email_field()
    password = _new_password_field()
    submit = SubmitField("Account aanmaken")


class LoginForm(Form):
    email = _email_field()
    password = PasswordField("Wachtwoord", validators=[_required("je wachtwoord"), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField("Inloggen")


class NameForm(Form):
    name = _name_field()
    submit = SubmitField("Naam opslaan")


class PasswordForm(StrongPasswordMixin, Form):
    current = PasswordField("Huidig wachtwoord", validators=[_required("je huidige wachtwoord"), Length(max=200)],
                            render_kw={"autocomplete": "current-password"})
    password, confirm = _new_password_fields("Nieuw wachtwoord")
    submit = SubmitField("Wachtwoord wijzigen")


class ForgotForm(Form):
    email = _email_field()
    submit = SubmitField("Stuur mij een link")


class ResetForm(StrongPasswordMixin, Form):
    password, confirm = _new_password_fields("Nieuw wachtwoord")
    submit = SubmitField("Wachtwoord opslaan")


class ActionForm(Form):
    """A button-only form (log out, mark a lesson done): CSRF token and nothing else."""


class TargetDateForm(Form):
    # The date picker sends 2026-12-31; someone typing may write 31-12-2026.
    target_date = DateField("Streefdatum", validators=[Optional()], format=["%Y-%m-%d", "%d-%m-%Y"],
                            description="Wanneer moet iedereen de cursus af hebben? Leeg laten mag.")
    submit = SubmitField("Opslaan")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.target_date.errors:
            self.target_date.errors = ["Vul een geldige datum in, bijvoorbeeld 31-12-2026."]
        return valid


class OrganisationForm(Form):
    name = StringField("Naam van de organisatie", filters=[_text_filter], validators=[
        _required("een naam"), Length(max=200, message="De naam mag hoogstens 200 tekens lang zijn."),
        ValidName(group=True)])
    kind = SelectField("Soort", choices=[SelectChoice(value, label) for value, label in ORGANISATION_KINDS.items()])
    submit = SubmitField("Organisatie aanmaken")


class TeamForm(Form):
    name = StringField("Naam van het team (locatie of groep)", filters=[_text_filter], validators=[
        _required("een naam"), Length(max=200, message="De naam mag hoogstens 200 tekens lang zijn."),
        ValidName(group=True)])
    submit = SubmitField("Team aanmaken")


class ValidLrk:
    """The LRK-number rule (course/teams/locations.py: 12 digits) as a validator; empty passes."""

    def __call__(self, form, field) -> None:
        try:
            clean_lrk(field.data)
        except InvalidLrk as problem:
            raise ValidationError(str(problem))


def _lrk_field(label: str = "LRK-nummer") -> StringField:
    return StringField(label, filters=[_text_filter], validators=[Length(max=40, message="Een LRK-nummer heeft 12 "
                                                                                          "cijfers."), ValidLrk()],
                       description="12 cijfers, te vinden in het Landelijk Register Kinderopvang. Leeg laten mag.",
                       render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 40})


class LocationForm(Form):
    name = StringField("Naam van de locatie", filters=[_text_filter], validators=[
        _required("een naam"), Length(max=200, message="De naam mag hoogstens 200 tekens lang zijn."),
        ValidName(group=True)])
    lrk = _lrk_field()
    submit = SubmitField("Locatie toevoegen")


class OrganisationLrkForm(Form):
    lrk = _lrk_field("LRK-nummer van de organisatie zelf")
    submit = SubmitField("LRK-nummer opslaan")


class TeamLocationForm(Form):
    location = SelectField("Locatie", choices=[], validate_choice=False, description="Op welke locatie werkt dit team?")
    submit = SubmitField("Locatie opslaan")

    def validate_location(self, field) -> None:
        if field.data not in {value for value, _ in field.choices}:  # the organisation's own locations, or none
            raise ValidationError("Kies een locatie van deze organisatie uit de lijst, of ‘Geen locatie’.")


class ManagerForm(Form):
    email = _email_field()
    submit = SubmitField("Benoem als leidinggevende")


class DeleteAccountForm(Form):
    password = PasswordField("Je wachtwoord, ter bevestiging", validators=[_required("je wachtwoord"), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    keep_name = BooleanField("Laat mijn naam op mijn certificaten staan, zodat een werkgever of inspecteur ze "
                             "ook later nog met naam kan controleren")
    submit = SubmitField("Verwijder mijn account definitief")


class MailSettingsForm(Form):
    reminders = BooleanField("Herinneringen aan de streefdatum van je team")
    resume = BooleanField("Eén seintje als je drie weken niet verder bent gegaan")
    digest = BooleanField("Weekoverzicht van je team (als je leidinggevende bent)")
    handins = BooleanField("Een mail als een praktijkopdracht op je feedback wacht (als je coach bent)")
    submit = SubmitField("Opslaan")


PRIVACY_HINT = "Geen namen of andere herkenbare gegevens van kinderen of ouders: schrijf bijvoorbeeld ‘kind A’."


class ReflectionForm(Form):
    """The reflection box under a lesson, when it is sent without JavaScript."""
    text = TextAreaField("Jouw antwoord", validators=[Length(max=5000, message="Je reflectie mag hoogstens 5000 "
                                                                                 "tekens lang zijn.")],
                         render_kw={"maxlength": 5000, "rows": 6})
    submit = SubmitField("Reflectie opslaan")


def hand_in_form(assignment, reflections: list[tuple[str, str]], **kwargs) -> Form:
    """The hand-in form of one assignment: a text field per question, each with the privacy reminder.

    `reflections` are (lesson slug, lesson title) of the learner's own reflections in this module: one
    may be attached, and only then does the coach see it.
    """
    class HandInForm(Form):
        pass
    for item in assignment.fields:
        setattr(HandInForm, item.id, TextAreaField(
            item.label, description=f"{item.hint} {PRIVACY_HINT}".strip(),
            validators=[_required("dit antwoord"),
                        Length(max=3000, message="Dit antwoord mag hoogstens 3000 tekens lang zijn.")],
            render_kw={"maxlength": 3000, "rows": 6}))
    HandInForm.reflectie = SelectField(
        "Een reflectie meesturen (mag, hoeft niet)",
        choices=[SelectChoice(value, label) for value, label in [("", "Geen reflectie meesturen")] + reflections],
        description="Alleen als je er een kiest, leest je coach die reflectie mee.", validate_choice=False)
    HandInForm.submit = SubmitField("Inleveren")
    return HandInForm(**kwargs)


class ReviewForm(Form):
    feedback = TextAreaField("Je feedback voor de cursist", validators=[
        _required("je feedback"), Length(max=3000, message="Je feedback mag hoogstens 3000 tekens lang zijn.")],
        description="De cursist leest dit. Ook hier: geen namen van kinderen of ouders.",
        render_kw={"maxlength": 3000, "rows": 6})
    sign_off = SubmitField("Aftekenen")
    revise = SubmitField("Vraag om herziening")


class CoachForm(Form):
    email = _email_field()
    role = SelectField("Rol (staat op de praktijkverklaring)")
    submit = SubmitField("Benoem als coach")
