"""Learner state: users, lesson progress, quiz attempts, completions, certificates, reflections, hand-ins.

Course content lives in the catalog; rows refer to it by slug."""
from __future__ import annotations

import secrets
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, exists, text
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from course.catalog.model import frozen_study_text, practice_note
from course.extensions import db
from course.models.organisations import TeamCoach, TeamManager
from course.text import utcnow


def new_session_token() -> str:
    """A fresh random token for the login cookie."""
    return secrets.token_hex(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of the login cookie: changing it (log out, new password) ends every session of this user.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    # Counted up by database triggers whenever what a team table shows of them changes (course/teams/cache.py).
    progress_version: Mapped[int] = mapped_column(default=0, server_default="0", deferred=True)
    # Where the learner works (course/workplace.py: kdv-baby, kdv-peuter, bso, gastouder); None until chosen.
    setting: Mapped[str | None] = mapped_column(String(20), default=None)
    # When the mail server refused this address for good (a 5xx); until the user confirms or changes it,
    # nothing is sent to it (course/reminders, web/mails) and managers see it on the team page.
    mail_refused_at: Mapped[datetime | None] = mapped_column(default=None)

    progress: Mapped[list["LessonProgress"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # manages_teams and coaches_teams (for the menu) are column_properties defined at the end of this
    # module: the login query loads them with the user, in the same statement.

    def __repr__(self) -> str:
        return f"<User {self.id}>"

    def get_id(self) -> str:
        return f"{self.id}.{self.session_token}"


class LessonProgress(db.Model):
    """A lesson a learner marked as done; one row per learner and lesson."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_slug", "lesson_slug", name="uq_lesson_progress_user_lesson"),
                      # Covers "when did each learner start each module" (the training record) without the table.
                      Index("ix_lesson_progress_user_module_at", "user_id", "module_slug", "completed_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    lesson_slug: Mapped[str] = mapped_column(String(100))
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="progress")


class QuizAttempt(db.Model):
    """One attempt at a module quiz: the questions drawn, the answers, and the frozen result."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        # At most one open (unsubmitted) attempt per learner and module, even when two tabs race.
        Index("uq_quiz_attempts_open", "user_id", "module_slug", unique=True,
              sqlite_where=text("submitted_at IS NULL"), postgresql_where=text("submitted_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    quiz_hash: Mapped[str] = mapped_column(String(64))
    draw: Mapped[list] = mapped_column(JSON)  # [{"q": question id, "order": [choice ids as shown]}]
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    score: Mapped[float | None] = mapped_column(default=None)  # percentage, 0-100
    passed: Mapped[bool | None] = mapped_column(default=None)
    results: Mapped[list | None] = mapped_column(JSON, default=None)  # frozen per-question outcome

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None


class QuizItemResult(db.Model):
    """One question of one graded attempt, copied from the attempt's frozen record for item statistics.

    Written in the same transaction as the grade. `chosen` holds the option ids a learner ticked
    (single and multiple choice; comma-separated, empty otherwise); `attempt_points` is the attempt's
    total, so an item's correlation with the rest of the quiz needs no second look at the attempt.
    """

    __tablename__ = "quiz_item_results"
    # Covering: the statistics read these columns per module without touching the table itself.
    __table_args__ = (Index("ix_quiz_item_results_item", "module_slug", "question_id", "points", "attempt_points",
                            "chosen"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    question_id: Mapped[str] = mapped_column(String(100))
    points: Mapped[float]
    attempt_points: Mapped[float]
    chosen: Mapped[str] = mapped_column(String(400), default="")


class ModuleCompletion(db.Model):
    """A module a learner completed: all lessons read and the quiz passed."""

    __tablename__ = "module_completions"
    __table_args__ = (UniqueConstraint("user_id", "module_slug", name="uq_module_completions_user_module"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="SET NULL"))


class Certificate(db.Model):
    """A certificate for a module or the whole course, its contents frozen at issue."""

    __tablename__ = "certificates"
    __table_args__ = (
        # One valid certificate per learner per module and per course; a revoked one may be replaced.
        Index("uq_certificates_active", "user_id", "scope", unique=True,
              sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    # NULL once the learner deleted their account: the certificate stays verifiable (see accounts.delete_account).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    scope: Mapped[str] = mapped_column(String(100))  # a module slug, or COURSE_SCOPE
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    hours: Mapped[float] = mapped_column()
    issuer: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    name_removed: Mapped[bool] = mapped_column(default=False)  # the learner deleted the account and the name
    # The module's learning goals, frozen at issue (None on certificates issued before they were listed).
    goals: Mapped[list | None] = mapped_column(JSON, default=None)
    # A praktijkverklaring's coach, "name, role", frozen at sign-off; NULL on module and course certificates.
    signer: Mapped[str | None] = mapped_column(String(200), default=None)
    # Of `hours`, the part on the floor (frozen at issue); NULL on certificates issued before it was recorded.
    practice_hours: Mapped[float | None] = mapped_column(default=None)
    # What the knowledge test measured, frozen at issue: the passing score on a module certificate; NULL on
    # certificates issued before it was stated (they keep what they said) and on course certificates.
    quiz_score: Mapped[float | None] = mapped_column(default=None)
    # On a course certificate: whether every practice assignment was signed off at issue; NULL before it was stated.
    practice_signed: Mapped[bool | None] = mapped_column(default=None)

    COURSE_SCOPE = "cursus"

    @property
    def is_course(self) -> bool:
        return self.scope == self.COURSE_SCOPE

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def is_practice(self) -> bool:
        return self.signer is not None

    @property
    def study_text(self) -> str:
        """The study load as frozen at issue ('ongeveer 2,75 uur studie, waarvan 1 uur in de praktijk')."""
        return frozen_study_text(self.hours, self.practice_hours)

    @property
    def practice_note(self) -> str:
        """On a module or course certificate with a practice part: how that part is proven (as on the PDF)."""
        if self.is_practice:
            return ""
        return practice_note(course=self.is_course, practice_hours=self.practice_hours,
                             practice_signed=self.practice_signed)


class Reflection(db.Model):
    """A learner's private answer to a lesson's reflection question; one per learner and lesson."""

    __tablename__ = "reflections"
    __table_args__ = (UniqueConstraint("user_id", "module_slug", "lesson_slug", name="uq_reflections_user_lesson"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    lesson_slug: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExerciseResult(db.Model):
    """A learner's last answer to one practice question (oefenvraag) at the end of a lesson; not part of the exam."""

    __tablename__ = "exercise_results"
    __table_args__ = (UniqueConstraint("user_id", "module_slug", "question_id", name="uq_exercise_results_user_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    lesson_slug: Mapped[str] = mapped_column(String(100))
    question_id: Mapped[str] = mapped_column(String(100))
    answer: Mapped[dict | list | str] = mapped_column(JSON)
    points: Mapped[float]
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuizReread(db.Model):
    """A lesson to open again after a failed attempt, before the next attempt opens (course/attempts.py)."""

    __tablename__ = "quiz_rereads"
    __table_args__ = (Index("ix_quiz_rereads_user_lesson", "user_id", "module_slug", "lesson_slug", "opened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(100))
    lesson_slug: Mapped[str] = mapped_column(String(100))
    mistakes: Mapped[int] = mapped_column(default=1)
    opened_at: Mapped[datetime | None] = mapped_column(default=None)  # set when the learner opens the lesson again


class PracticeSubmission(db.Model):
    """One hand-in of a module's practice assignment, and the coach's review of it.

    A learner hands in again after a revision request: a new row. At most one waits for review and at
    most one is signed off per learner and module (partial unique indexes), so nothing is signed twice.
    """

    __tablename__ = "practice_submissions"
    __table_args__ = (
        Index("uq_practice_submissions_waiting", "user_id", "module_slug", unique=True,
              sqlite_where=text("status = 'ingeleverd'"), postgresql_where=text("status = 'ingeleverd'")),
        Index("uq_practice_submissions_signed", "user_id", "module_slug", unique=True,
              sqlite_where=text("status = 'afgetekend'"), postgresql_where=text("status = 'afgetekend'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="ingeleverd")  # ingeleverd, herzien, afgetekend, verlopen
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # {field id: text}; emptied after the retention
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    reviewer_name: Mapped[str] = mapped_column(String(120), default="")
    feedback: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    purged_at: Mapped[datetime | None] = mapped_column(default=None)  # texts deleted after the retention period
    # The learner's setting when handing in (which variant of the assignment); None on older hand-ins.
    setting: Mapped[str | None] = mapped_column(String(20), default=None)
    # The coach's judgement per rubric criterion: {criterion id: {"ok": bool, "note": str}}; None on older reviews.
    marks: Mapped[dict | None] = mapped_column(JSON, default=None)


class PracticePlan(db.Model):
    """The first part of a two-part assignment (a plan), saved before the learner carries it out.

    Handing in the second part copies the plan into the hand-in and deletes this row.
    """

    __tablename__ = "practice_plans"
    __table_args__ = (UniqueConstraint("user_id", "module_slug", name="uq_practice_plans_user_module"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)


class CoachObservation(db.Model):
    """What a coach saw of a learner on the floor for one module's assignment: evidence beside the hand-in."""

    __tablename__ = "coach_observations"
    __table_args__ = (Index("ix_coach_observations_learner_module", "learner_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(100))
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    coach_name: Mapped[str] = mapped_column(String(120), default="")
    observed_on: Mapped[date] = mapped_column()
    situation: Mapped[str] = mapped_column(Text, default="")
    criteria: Mapped[list] = mapped_column(JSON, default=list)  # ids of the rubric criteria seen
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# Whether a user manages at least one team: the menu needs it on every page, so the login query
# loads it with the user (undefer) instead of asking a second time. Deferred elsewhere: a list of
# 500 team members does not need it.
User.manages_teams = column_property(exists().where(TeamManager.user_id == User.id), deferred=True)
User.coaches_teams = column_property(exists().where(TeamCoach.user_id == User.id), deferred=True)
