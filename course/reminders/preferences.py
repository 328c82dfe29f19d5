"""Which mails a user wants (the mail settings page), and the signed one-click opt-out token in every optional mail."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course.errors import InvalidOptOut
from course.models import MailPreference, User
from course.reminders import PREFERENCE


@lru_cache(maxsize=4)
def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="herinneringen-afmelden")


def make_opt_out_token(secret_key: str, user_id: int, kind: str) -> str:
    """A signed token that turns off one kind of mail for one user, without logging in."""
    return _serializer(secret_key).dumps([user_id, kind])


def read_opt_out_token(session: Session, secret_key: str, token: str, max_age: int) -> tuple[User, str]:
    """The user and kind of a valid opt-out token; InvalidOptOut when it is tampered with, old or unknown."""
    try:
        user_id, kind = _serializer(secret_key).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidOptOut("Deze afmeldlink is verlopen.")
    except (BadSignature, ValueError, TypeError):
        raise InvalidOptOut("Deze afmeldlink klopt niet.")
    # A signed id is ours, but an old or odd one must still fit the id column (I1: 2**63 overflowed it).
    user = session.get(User, user_id) if isinstance(user_id, int) and 0 < user_id < 2**31 else None
    if user is None or kind not in PREFERENCE:
        raise InvalidOptOut("Deze afmeldlink hoort niet (meer) bij een account.")
    return user, kind


def preferences(session: Session, user: User) -> MailPreference:
    """The user's mail settings (every kind on when never changed); not added to the session."""
    return session.get(MailPreference, user.id) or MailPreference(user_id=user.id, reminders=True, resume=True,
                                                                  digest=True, handins=True)


def set_preferences(session: Session, user: User, now: datetime, **switches: bool) -> None:
    """Turn kinds of mail on or off, e.g. set_preferences(..., reminders=False)."""
    pref = session.get(MailPreference, user.id)
    if pref is None:
        pref = MailPreference(user_id=user.id, reminders=True, resume=True, digest=True, handins=True)
        session.add(pref)
    for column, value in switches.items():
        if column not in PREFERENCE.values():
            raise ValueError(column)
        setattr(pref, column, bool(value))
    pref.updated_at = now
    try:
        session.commit()
    except IntegrityError:  # a second click made the row first; apply the switches to that one
        session.rollback()
        set_preferences(session, user, now, **switches)
