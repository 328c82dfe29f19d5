"""Domain exceptions. Views translate them into Dutch messages or status codes."""


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


class NotFound(DomainError):
    """Something does not exist, or the user may not know it exists."""


class InvalidName(DomainError):
    """A name breaks the name rule (course/text.py); the message says why, in Dutch."""
