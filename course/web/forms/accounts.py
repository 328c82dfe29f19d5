"""Forms of a person's own account: register, log in, settings, password, mail, proof from elsewhere."""
from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from course import workplace
from course.web.forms.base import (
    Form,
    StrongPasswordMixin,
    _current_password_field,
    _email_field,
    _name_field,
    _new_password_field,
    _new_password_fields,
    _required,
    _text_filter,
)

SETTING_DESCRIPTION = "Je praktijkopdrachten passen zich hieraan aan. Je kunt dit later wijzigen op je accountpagina."


def _setting_choices(optional: bool) -> list[SelectChoice]:
    first = [SelectChoice("", "Dat kies ik later")] if optional else []
    return first + [SelectChoice(value, label) for value, label in workplace.SETTINGS.items()]


class RegisterForm(StrongPasswordMixin, Form):
    name = _name_field()
    email = _email_field()
    password = _new_password_field()
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


class ForgotForm(Form):
    email = _email_field()
    submit = SubmitField("Stuur mij een link")


class ResetForm(StrongPasswordMixin, Form):
    password, confirm = _new_password_fields("Nieuw wachtwoord")
    submit = SubmitField("Wachtwoord opslaan")



class EmailForm(Form):
    email = _email_field()
    current = _current_password_field("Je wachtwoord", description="Zo weten we zeker dat jij het bent.")
    submit = SubmitField("E-mailadres wijzigen")


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



class ExternalProofForm(Form):
    """Proof from elsewhere: a file (read from request.files by the view), pasted text, or a code and address."""
    tekst = TextAreaField("Of plak de tekst van de Open Badge (JWT)", validators=[Optional(), Length(max=200_000)],
                          filters=[lambda v: (v or "").strip()])
    code = StringField("Certificaatcode", validators=[Optional(), Length(max=40)], filters=[lambda v: (v or "").strip()])
    adres = StringField("Adres van dat leerplatform", validators=[Optional(), Length(max=300)],
                        filters=[lambda v: (v or "").strip()])
    submit = SubmitField("Controleren en toevoegen")
