"""Forms of managers and administrators: organisations, teams, locations, target dates, managers, coaches."""
from __future__ import annotations

from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from course.models import ORGANISATION_KINDS
from course.teams.locations import InvalidLrk, clean_lrk
from course.web.forms.base import Form, ValidDay, ValidName, _email_field, _required, _text_filter


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



class CoachForm(Form):
    email = _email_field()
    role = SelectField("Rol (staat op de praktijkverklaring)")
    submit = SubmitField("Benoem als coach")


