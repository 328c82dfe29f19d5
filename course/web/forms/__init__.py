"""WTForms classes, all with CSRF protection and Dutch messages, one module per area."""
from course.web.forms.accounts import (
                                       DeleteAccountForm,
                                       EmailForm,
                                       ExternalProofForm,
                                       ForgotForm,
                                       JoinCodeForm,
                                       LoginForm,
                                       MailSettingsForm,
                                       NameForm,
                                       PasswordForm,
                                       RegisterForm,
                                       ResetForm,
                                       SettingForm,
)
from course.web.forms.base import ActionForm, Form
from course.web.forms.organisations import (
                                       CoachForm,
                                       LocationForm,
                                       ManagerForm,
                                       OrganisationForm,
                                       OrganisationLrkForm,
                                       TargetDateForm,
                                       TeamForm,
                                       TeamLocationForm,
)
from course.web.forms.practice import ObservationForm, ReflectionForm, hand_in_form, marks_of, review_form

__all__ = [
    "ActionForm", "CoachForm", "DeleteAccountForm", "EmailForm", "ExternalProofForm", "ForgotForm", "Form", "JoinCodeForm",
    "LocationForm", "LoginForm", "MailSettingsForm", "ManagerForm", "NameForm", "ObservationForm", "OrganisationForm",
    "OrganisationLrkForm", "PasswordForm", "ReflectionForm", "RegisterForm", "ResetForm", "SettingForm",
    "TargetDateForm", "TeamForm", "TeamLocationForm", "hand_in_form", "marks_of", "review_form",
]
