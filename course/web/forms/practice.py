"""Forms of practice on the floor: reflections, hand-ins, the coach's review and observation."""
from __future__ import annotations

from wtforms import DateField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from course.web.forms.base import Form, ValidText, _required, _text_filter

PRIVACY_HINT = ("Geen namen of andere herkenbare gegevens van kinderen of ouders: schrijf initialen of een "
                "verzonnen naam (‘kind A’) en een leeftijd, geen groepsnaam, diagnose of geboortedatum.")


class ReflectionForm(Form):
    """The reflection box under a lesson, when it is sent without JavaScript."""
    text = TextAreaField("Jouw antwoord", validators=[Length(max=5000, message="Je reflectie mag hoogstens 5000 "
                                                                                 "tekens lang zijn."), ValidText()],
                         render_kw={"maxlength": 5000, "rows": 6})
    submit = SubmitField("Reflectie opslaan")


def hand_in_form(fields, reflections: list[tuple[str, str]] | None, submit: str = "Inleveren", **kwargs) -> Form:
    """The hand-in form of one assignment: a text field per question (as the learner's setting reads them),
    each with the privacy reminder.

    `reflections` are (lesson slug, lesson title) of the learner's own reflections in this module: one
    may be attached, and only then does the coach see it (None: no such choice, as on the plan of part 1).
    """
    class HandInForm(Form):
        pass
    for item in fields:
        setattr(HandInForm, item.id, TextAreaField(
            item.label, description=f"{item.hint} {PRIVACY_HINT}".strip(),
            validators=[_required("dit antwoord"),
                        Length(max=3000, message="Dit antwoord mag hoogstens 3000 tekens lang zijn."), ValidText()],
            render_kw={"maxlength": 3000, "rows": 6}))
    if reflections is not None:
        HandInForm.reflectie = SelectField(
            "Een reflectie meesturen (mag, hoeft niet)",
            choices=[SelectChoice(value, label) for value, label in [("", "Geen reflectie meesturen")] + reflections],
            description="Alleen als je er een kiest, leest je coach die reflectie mee.", validate_choice=False)
    HandInForm.submit = SubmitField(submit)
    return HandInForm(**kwargs)


MARK_CHOICES = [SelectChoice("voldoende", "Voldoende"), SelectChoice("nog-niet", "Nog niet")]


def review_form(criteria, **kwargs) -> Form:
    """The coach's review: per criterion voldoende / nog niet with a line of feedback, then the overall feedback."""
    class ReviewForm(Form):
        feedback = TextAreaField("Je feedback voor de cursist", validators=[
            _required("je feedback"), Length(max=3000, message="Je feedback mag hoogstens 3000 tekens lang zijn."),
            ValidText()],
            description="De cursist leest dit. Ook hier: geen namen van kinderen of ouders.",
            render_kw={"maxlength": 3000, "rows": 6})
        sign_off = SubmitField("Aftekenen")
        revise = SubmitField("Vraag om herziening")
    for c in criteria:
        setattr(ReviewForm, f"oordeel-{c.id}", RadioField(
            c.text, choices=MARK_CHOICES, validators=[DataRequired(message="Kies ‘voldoende’ of ‘nog niet’.")]))
        setattr(ReviewForm, f"toelichting-{c.id}", StringField(
            "Eén regel feedback (mag, hoeft niet)", filters=[_text_filter],
            validators=[Length(max=500, message="Hoogstens 500 tekens."), ValidText(multiline=False)],
            render_kw={"maxlength": 500}))
    return ReviewForm(**kwargs)


def marks_of(form, criteria) -> dict:
    return {c.id: {"ok": form[f"oordeel-{c.id}"].data == "voldoende", "note": form[f"toelichting-{c.id}"].data or ""}
            for c in criteria if form[f"oordeel-{c.id}"].data in ("voldoende", "nog-niet")}


class ObservationForm(Form):
    observed_on = DateField("Datum", format=["%Y-%m-%d", "%d-%m-%Y"], validators=[_required("de datum")],
                            description="De dag waarop je het zag.")
    situation = TextAreaField("Situatie", filters=[_text_filter], validators=[
        _required("de situatie"), Length(max=1000, message="Hoogstens 1000 tekens."), ValidText()],
        description="Wat gebeurde er, kort en in feiten? Een kind heet ‘kind A’.", render_kw={"rows": 4, "maxlength": 1000})
    criteria = SelectMultipleField("Wat je zag", validate_choice=False, widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput(),
                                   description="Vink de criteria aan die je in deze situatie zag.")
    submit = SubmitField("Observatie bewaren")


