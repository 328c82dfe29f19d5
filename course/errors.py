"""Domain exceptions, all in this one module. str(error) is a Dutch message fit to show the user.

Views show that message next to the form or as a flash; NotFound becomes a 404 page through one
error handler (web.register), so no view translates it itself.
"""


class DomainError(Exception):
    """Base class; str(error) is a Dutch message fit to show the user."""


class EmailTaken(DomainError):
    def __init__(self):
        super().__init__("Er bestaat al een account met dit e-mailadres. Log in of vraag een nieuw wachtwoord aan.")


class InvalidToken(DomainError):
    def __init__(self):
        super().__init__(
            "Deze link om je wachtwoord te herstellen is verlopen of al gebruikt. Vraag hieronder een nieuwe aan."
        )


class InvalidOptOut(DomainError):
    """An opt-out link from a reminder mail that is tampered with, too old, or of a deleted account."""


class NotFound(DomainError):
    """Something does not exist, or the user may not know it exists."""


class InvalidName(DomainError):
    """A name breaks the name rule (course/text.py); the message says why, in Dutch."""


class QuizLocked(DomainError):
    def __init__(self):
        super().__init__("De quiz gaat open als je alle lessen van deze module hebt afgerond.")


class TamperedAnswers(DomainError):
    def __init__(self, detail: str = ""):
        super().__init__("Je antwoorden passen niet bij deze poging. Laad de pagina opnieuw en probeer het nog eens."
                         + (f" ({detail})" if detail else ""))


class InvitationProblem(DomainError):
    """An invitation link that cannot be used; the message says why and what to do."""


class AlreadyExists(DomainError):
    """An organisation or team with this name exists already."""


class AlreadyRevoked(DomainError):
    def __init__(self):
        super().__init__("Dit certificaat is al ingetrokken.")


class PracticeProblem(DomainError):
    """A hand-in or review that cannot go ahead now; the message says why and what to do."""


class ReflectionRefused(DomainError):
    """A reflection that cannot be stored; the message says why (too long, or a forbidden character)."""


class ReflectionTooLong(ReflectionRefused):
    def __init__(self, limit: int):
        super().__init__(f"Je reflectie is te lang: hoogstens {limit} tekens. Maak hem wat korter; je tekst is niet "
                         "opgeslagen.")


class ExerciseProblem(DomainError):
    """A practice answer that cannot be stored (none given, or not of this question); the message says why."""


class RetakeNotYet(DomainError):
    """A new quiz attempt is not open yet (lessons to reread, or a wait); the message says why and what to do."""
