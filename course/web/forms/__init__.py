"""WTForms classes, all with CSRF protection and Dutch messages."""
from __future__ import annotations

from flask import request
from werkzeug.datastructures import MultiDict
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from wtforms import BooleanField, DateField, EmailField, PasswordField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from course import text, workplace
from course.accounts import password_problem
from course.models import ORGANISATION_KINDS
from course.teams.locations import InvalidLrk, clean_lrk
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


def _current_password_field(label: str, what: str = "je wachtwoord", **extra) -> PasswordField:
    """The password the user has now (to log in, or to confirm a change): never checked against the rule."""
    return PasswordField(label, validators=[_required(what), Length(max=200), ValidText(multiline=False)],
                         render_kw={"autocomplete": "current-password"}, **extra)


def _new_password_fields(label: str = "Wachtwoord"):
    password = PasswordField(
        label,
        validators=[_required("een wachtwoord"), Length(max=200, message="Kies een wachtwoord van hoogstens 200 tekens."),
                    ValidText(multiline=False)],
        description="Minstens 10 tekens. Een korte zin is sterk en makkelijk te onthouden.",
        render_kw={"autocomplete": "new-password", "maxlength": 200},
    )
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


SETTING_DESCRIPTION = "Je praktijkopdrachten passen zich hieraan aan. Je kunt dit later wijzigen op je accountpagina."


def _setting_choices(optional: bool) -> list[SelectChoice]:
    first = [SelectChoice("", "Dat kies ik later")] if optional else []
    return first + [SelectChoice(value, label) for value, label in workplace.SETTINGS.items()]


class RegisterForm(StrongPasswordMixin, Form):
    name = _name_field()
    email = _email_field()
    password, confirm = _new_password_fields()
    setting = SelectField("Waar werk je?", choices=_setting_choices(True), description=SETTING_DESCRIPTION,
                          validate_choice=False)
    submit = SubmitField("Account aanmaken")


class LoginForm(Form):
    email = _email_field()
    password = _current_password_field("Wachtwoord")
    submit = SubmitField("Inloggen")


class SettingForm(Form):
    setting = SelectField("Waar werk je?", choices=_setting_choices(False), description=SETTING_DESCRIPTION,
                          validate_choice=False)
    submit = SubmitField("Opslaan")

    def validate_setting(self, field) -> None:
        if field.data not in workplace.SETTINGS:
            raise ValidationError("Kies waar je werkt: een van de vier mogelijkheden in de lijst.")


class JoinCodeForm(Form):
    code = StringField("Code van je team of gastouderbureau", filters=[_text_filter],
                       validators=[_required("de code"), Length(max=20, message="Een code heeft 8 tekens.")],
                       description="8 letters en cijfers, bijvoorbeeld ABCD2345. Je krijgt hem van je "
                                   "leidinggevende of je bemiddelingsmedewerker.",
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})
    submit = SubmitField("Word lid")


class NameForm(Form):
    name = _name_field()
    submit = SubmitField("Naam opslaan")


class PasswordForm(StrongPasswordMixin, Form):
    current = _current_password_field("Huidig wachtwoord", "je huidige wachtwoord")
    password, confirm = _new_password_fields("Nieuw wachtwoord")
    submit = SubmitField("Wachtwoord wijzigen")


class EmailForm(Form):
    email = _email_field()
    current = _current_password_field("Je wachtwoord", description="Zo weten we zeker dat jij het bent.")
    submit = SubmitField("E-mailadres wijzigen")


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
    target_date = DateField("Streefdatum", validators=[Optional(), ValidDay()], format=["%Y-%m-%d", "%d-%m-%Y"],
                            description="Wanneer moet iedereen de cursus af hebben? Leeg laten mag.")
    submit = SubmitField("Opslaan")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.target_date.errors and not self.target_date.data:
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
    password = _current_password_field("Je wachtwoord, ter bevestiging")
    keep_name = BooleanField("Laat mijn naam op mijn certificaten staan, zodat een werkgever of inspecteur ze "
                             "ook later nog met naam kan controleren")
    submit = SubmitField("Verwijder mijn account definitief")


class MailSettingsForm(Form):
    reminders = BooleanField("Herinneringen aan de streefdatum van je team")
    resume = BooleanField("Eén seintje als je drie weken niet verder bent gegaan")
    digest = BooleanField("Weekoverzicht van je team (als je leidinggevende bent)")
    handins = BooleanField("Een mail als een praktijkopdracht op je feedback wacht (als je coach bent)")
    submit = SubmitField("Opslaan")


class CoachForm(Form):
    email = _email_field()
    role = SelectField("Rol (staat op de praktijkverklaring)")
    submit = SubmitField("Benoem als coach")


class ExternalProofForm(Form):
    """Proof from elsewhere: a file (read from request.files by the view), pasted text, or a code and address."""
    tekst = TextAreaField("Of plak de tekst van de Open Badge (JWT)", validators=[Optional(), Length(max=200_000)],
                          filters=[lambda v: (v or "").strip()])
    code = StringField("Certificaatcode", validators=[Optional(), Length(max=40)], filters=[lambda v: (v or "").strip()])
    adres = StringField("Adres van dat leerplatform", validators=[Optional(), Length(max=300)],
                        filters=[lambda v: (v or "").strip()])
    submit = SubmitField("Controleren en toevoegen")
