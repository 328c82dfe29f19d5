"""Accounts: registration, login check, name and password changes, reset tokens."""
from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from course import credentials, workplace
from course.audit import record as record_audit
from course.errors import EmailTaken, InvalidToken
from course.models import (
    AuditEvent,
    Certificate,
    CertificatePdf,
    ExerciseResult,
    ExternalAchievement,
    LessonProgress,
    ModuleCompletion,
    PracticeSubmission,
    QuizAttempt,
    QuizReread,
    Reflection,
    SentMail,
    Team,
    TeamCoach,
    TeamManager,
    TeamMembership,
    User,
    new_session_token,
)
from course.text import clean_name

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
# zxcvbn's score: 3 means "safely unguessable" (about 10^8-10^10 guesses). Its dictionaries hold the
# most common leaked passwords; these words of our own make "veiligegehechtheid2026" weak too.
MIN_PASSWORD_SCORE = 3
SITE_WORDS = ["veilige", "gehechtheid", "veiligegehechtheid", "kinderopvang", "cursus", "wachtwoord",
              "welkom", "gastouder", "leerplatform"]
# werkzeug's hash method for new passwords. scrypt in production; the test suite sets a cheap one through
# PASSWORD_HASH_METHOD (course/config.py), since hashing was most of its time. Checking reads the method
# from the stored hash, so accounts made under another method keep working.
_hash_method = "scrypt"
# A hash to check against when the e-mail is unknown, so a miss takes as long as a wrong password.
_dummy_hash = generate_password_hash("niet-een-echt-wachtwoord", method=_hash_method)


def use_hash_method(method: str) -> None:
    """Hash new passwords with this werkzeug method from now on (create_app passes PASSWORD_HASH_METHOD)."""
    global _hash_method, _dummy_hash
    if method != _hash_method:
        _hash_method = method
        _dummy_hash = generate_password_hash("niet-een-echt-wachtwoord", method=method)


def hash_password(password: str) -> str:
    """The stored form of a new password."""
    return generate_password_hash(password, method=_hash_method)


def normalise_email(email: str) -> str:
    """Return the form of an e-mail address used for storage and comparison."""
    return email.strip().lower()


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Return a Dutch reason why a password is too weak, or None: the one rule for every new password.

    At least 10 characters, not the account's e-mail address or name, and not easy to guess by
    zxcvbn (leaked-password lists, keyboard patterns, the account's own details, our site's words).
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Kies een wachtwoord van hoogstens {MAX_PASSWORD_LENGTH} tekens."
    lowered = password.lower()
    email = normalise_email(email or "")
    personal = [part for part in (email, email.partition("@")[0], (name or "").strip().lower(),
                                  *(name or "").lower().split()) if len(part) >= 3]
    if lowered in personal[:3] or any(part in lowered and len(part) >= len(lowered) - 3 for part in personal):
        return "Je wachtwoord mag niet (bijna) gelijk zijn aan je naam of e-mailadres."
    # zxcvbn refuses more than 72 characters; a longer password is judged on its start.
    if zxcvbn(password[:72], user_inputs=personal + SITE_WORDS)["score"] < MIN_PASSWORD_SCORE:
        return "Dit wachtwoord is te makkelijk te raden. Kies een ander wachtwoord, bijvoorbeeld een korte zin."
    return None


def find_user_by_email(session: Session, email: str) -> User | None:
    """Return the user with this e-mail address, compared case-insensitively."""
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def register_user(session: Session, *, name: str, email: str, password: str, is_admin: bool = False,
                  setting: str | None = None) -> User:
    """Create an account and commit it; raise EmailTaken if the address is in use."""
    if find_user_by_email(session, email):
        raise EmailTaken()
    user = User(name=clean_name(name), email=normalise_email(email), password_hash=hash_password(password),
                is_admin=is_admin, setting=setting if workplace.valid(setting) else None)
    session.add(user)
    try:
        session.commit()
    except IntegrityError:  # another request registered the same address just now
        session.rollback()
        raise EmailTaken() from None
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the user if e-mail and password match, else None."""
    user = find_user_by_email(session, email)
    if user is None:
        check_password_hash(_dummy_hash, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def check_password(user: User, password: str) -> bool:
    """Whether this is the account's password."""
    return check_password_hash(user.password_hash, password)


def set_password(session: Session, user: User, password: str) -> None:
    """Store a new password hash and commit; every existing login session of the user ends."""
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    session.commit()


def make_admin(session: Session, user: User) -> None:
    """Give an existing account the administrator role and commit."""
    user.is_admin = True
    session.commit()


def end_sessions(session: Session, user: User) -> None:
    """Log the user out everywhere by changing the token their login cookies carry."""
    user.session_token = new_session_token()
    session.commit()


def change_email(session: Session, user: User, email: str) -> str:
    """Give the user a new e-mail address; returns the old one. The caller commits (with the notice to the old address).

    Raises EmailTaken when another account has it. A new address has not been refused by the mail server,
    so the mark of a refused one goes; the change is in the audit log (the old and new address are not,
    as the log is kept longer than the account may be).
    """
    new = normalise_email(email)
    other = find_user_by_email(session, new)
    if other is not None and other.id != user.id:
        raise EmailTaken()
    old, user.email, user.mail_refused_at = user.email, new, None
    record_audit(session, user, "e-mailadres gewijzigd", subject=user)
    return old


def rename(session: Session, user: User, name: str) -> None:
    """Correct the user's full name and commit."""
    user.name = clean_name(name)
    session.commit()


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="wachtwoord-herstellen")


def _fingerprint(user: User) -> str:
    # Part of the token: once the password changes, every older token stops working.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(secret_key: str, user: User) -> str:
    """Return a signed token that lets this user set a new password once."""
    return _serializer(secret_key).dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_reset_token(session: Session, secret_key: str, token: str, max_age: int) -> User:
    """Return the user a valid reset token belongs to; raise InvalidToken otherwise."""
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        raise InvalidToken() from None
    user = session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or data.get("f") != _fingerprint(user):
        raise InvalidToken()
    return user


def export_data(session: Session, user: User) -> dict:
    """Everything the platform stores about a learner, as JSON-ready data (AVG right of access)."""

    def when(value):
        return value.isoformat() if value else None
    return {
        "account": {"naam": user.name, "e-mailadres": user.email, "aangemaakt": when(user.created_at),
                    "beheerder": user.is_admin},
        "lessen_afgerond": [{"module": p.module_slug, "les": p.lesson_slug, "datum": when(p.completed_at)}
                            for p in session.scalars(select(LessonProgress).where(LessonProgress.user_id == user.id)
                                                     .order_by(LessonProgress.completed_at))],
        "quizpogingen": [{"module": a.module_slug, "gestart": when(a.started_at), "ingeleverd": when(a.submitted_at),
                          "score": a.score, "geslaagd": a.passed, "vragen": a.draw, "antwoorden": a.answers}
                         for a in session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user.id)
                                                  .order_by(QuizAttempt.started_at))],
        "modules_afgerond": [{"module": c.module_slug, "datum": when(c.completed_at)}
                             for c in session.scalars(select(ModuleCompletion)
                                                      .where(ModuleCompletion.user_id == user.id))],
        "certificaten": [{"code": c.code, "titel": c.title, "naam_op_certificaat": c.name, "uren": c.hours,
                          "waarvan_uren_praktijk": c.practice_hours, "uitgegeven": when(c.issued_at), "ingetrokken": when(c.revoked_at)}
                         for c in session.scalars(select(Certificate).where(Certificate.user_id == user.id))],
        "teams": [{"team": t.name, "organisatie": t.organisation.name, "lid_sinds": when(m.joined_at)}
                  for m, t in session.execute(select(TeamMembership, Team).join(Team)
                                              .where(TeamMembership.user_id == user.id))],
        "reflecties": [{"module": r.module_slug, "les": r.lesson_slug, "tekst": r.text, "bijgewerkt": when(r.updated_at)}
                       for r in session.scalars(select(Reflection).where(Reflection.user_id == user.id))],
        "oefenvragen": [{"module": r.module_slug, "les": r.lesson_slug, "vraag": r.question_id, "antwoord": r.answer,
                         "punten": r.points, "datum": when(r.answered_at)}
                        for r in session.scalars(select(ExerciseResult).where(ExerciseResult.user_id == user.id))],
        "praktijkopdrachten": [{"module": p.module_slug, "status": p.status, "ingeleverd": when(p.submitted_at),
                                "antwoorden": p.answers, "feedback": p.feedback, "coach": p.reviewer_name,
                                "beoordeeld": when(p.reviewed_at)}
                               for p in session.scalars(select(PracticeSubmission)
                                                        .where(PracticeSubmission.user_id == user.id))],
        "extern_behaald": [{"titel": e.title, "uitgever": e.issuer_name, "behaald": when(e.achieved_at), "uren": e.hours,
                            "kenmerk": e.credential_id, "toegevoegd": when(e.added_at), "open_badge": e.jwt}
                           for e in session.scalars(select(ExternalAchievement)
                                                    .where(ExternalAchievement.user_id == user.id))],
        "logboek_over_jou": [{"wanneer": when(e.at), "wat": e.action}
                             for e in session.scalars(select(AuditEvent).where(AuditEvent.subject_id == user.id))],
        # Which mails we sent you (the text is erased once sent; who, what and when stay).
        "mails": [{"soort": m.kind, "onderwerp": m.subject, "aan": m.recipient, "status": m.status,
                   "verstuurd": when(m.sent_at)}
                  for m in session.scalars(select(SentMail).where(SentMail.user_id == user.id).order_by(SentMail.id))],
    }


def delete_account(session: Session, user: User, *, keep_name_on_certificates: bool) -> None:
    """Delete the account and everything tied to it, in one transaction.

    Issued certificates are not deleted: a manager or inspector may hold a copy. They stay
    verifiable by code, detached from the account. Unless the learner chose to keep their name
    on them, the name is erased and the verification page says only that a certificate with this
    title and date was issued.
    """
    # Explicit deletes: the database's ON DELETE rules do the same (on SQLite through the pragma
    # in extensions.py), but removing someone's data must not depend on a connection setting.
    # A hand-in waiting for review goes too: the coach's page for it then answers 404.
    for model in (ModuleCompletion, QuizReread, QuizAttempt, LessonProgress, Reflection, ExerciseResult,
                  PracticeSubmission, TeamMembership, TeamManager, TeamCoach, ExternalAchievement):
        session.execute(delete(model).where(model.user_id == user.id))
    session.execute(update(PracticeSubmission).where(PracticeSubmission.reviewer_id == user.id)
                    .values(reviewer_id=None))
    session.execute(update(ExternalAchievement).where(ExternalAchievement.added_by_id == user.id)
                    .values(added_by_id=None))
    session.execute(update(AuditEvent).where(AuditEvent.subject_id == user.id).values(subject_id=None))
    session.execute(update(AuditEvent).where(AuditEvent.actor_id == user.id).values(actor_id=None))
    # Stored PDFs carry the name; the next download draws them again from what the rows keep.
    session.execute(delete(CertificatePdf).where(CertificatePdf.certificate_id.in_(
        select(Certificate.id).where(Certificate.user_id == user.id))))
    # The signed Open Badges carry the name and a hash of the e-mail address: they go (never signed again).
    credentials.forget_names(session, user.id)
    for certificate in session.scalars(select(Certificate).where(Certificate.user_id == user.id)):
        certificate.user_id = None
        if not keep_name_on_certificates:
            certificate.name = ""
            certificate.name_removed = True
    session.add(AuditEvent(actor_id=None, action="account verwijderd", subject_id=None,
                           detail=f"account {user.id}; naam op certificaten "
                                  f"{'bewaard' if keep_name_on_certificates else 'verwijderd'}"))
    session.delete(user)
    session.commit()


def set_setting(session: Session, user: User, setting: str) -> None:
    """Where the learner works (course/workplace.py); ValueError for anything else, nothing stored."""
    if not workplace.valid(setting):
        raise ValueError(setting)
    user.setting = setting
    session.commit()
