"""The database tables, one face for the three groups: learning, organisations, records.

The database holds learner state only; course content lives in the catalog and rows refer to it by slug.
"""
from course.models.credentials import ExternalAchievement, OpenBadge
from course.models.learning import (
                                    Certificate,
                                    CoachObservation,
                                    ExerciseResult,
                                    LessonProgress,
                                    ModuleCompletion,
                                    PracticePlan,
                                    PracticeSubmission,
                                    QuizAttempt,
                                    QuizItemResult,
                                    QuizReread,
                                    Reflection,
                                    User,
                                    new_session_token,
)
from course.models.organisations import (
                                    ORGANISATION_KINDS,
                                    Location,
                                    Organisation,
                                    Team,
                                    TeamCoach,
                                    TeamManager,
                                    TeamMembership,
)
from course.models.records import AuditEvent, CertificatePdf, MailPreference, SentMail

__all__ = [
    "AuditEvent",
    "Certificate",
    "CertificatePdf",
    "CoachObservation",
    "ExerciseResult",
    "ExternalAchievement",
    "LessonProgress",
    "Location",
    "MailPreference",
    "ModuleCompletion",
    "ORGANISATION_KINDS",
    "OpenBadge",
    "Organisation",
    "PracticePlan",
    "PracticeSubmission",
    "QuizAttempt",
    "QuizItemResult",
    "QuizReread",
    "Reflection",
    "SentMail",
    "Team",
    "TeamCoach",
    "TeamManager",
    "TeamMembership",
    "User",
    "new_session_token",
]
