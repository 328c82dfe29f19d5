"""Practice on the floor: hand in a module's assignment, a coach's review, the praktijkverklaring, retention.

A hand-in is private between the learner and the coaches of the learner's teams. Managers see only
the state per module (PracticeState), never the texts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course import certificates
from course.audit import record as record_audit
from course.catalog import Module
from course.errors import NotFound, PracticeProblem
from course.models import Certificate, PracticeSubmission, Team, TeamCoach, TeamMembership, User
from course.text import TEXT_PROBLEM, text_problem, utcnow
from course.progress import REVISION, SIGNED, WAITING, PracticeState
from course.teams.access import coach_of_member

MAX_FIELD_LENGTH = 3000
MAX_FEEDBACK_LENGTH = 3000
EXPIRED = "verlopen"  # waited for review longer than the retention period: texts erased, the learner may hand in again
SCOPE_PREFIX = "praktijk-"
EXPIRED_MESSAGE = ("Deze inlevering wachtte langer dan de bewaartermijn op een coach; de teksten zijn gewist. "
                   "De cursist kan de opdracht opnieuw inleveren.")


def scope(module: Module) -> str:
    """The certificate scope of a module's praktijkverklaring."""
    return SCOPE_PREFIX + module.slug


def submissions_of(session: Session, user: User, module: Module) -> list[PracticeSubmission]:
    """The learner's hand-ins of this module, newest first."""
    return list(session.scalars(select(PracticeSubmission).where(
        PracticeSubmission.user_id == user.id, PracticeSubmission.module_slug == module.slug)
        .order_by(PracticeSubmission.submitted_at.desc(), PracticeSubmission.id.desc())))


def hand_in(session: Session, user: User, module: Module, answers: dict[str, str],
            reflection: str = "") -> PracticeSubmission:
    """Hand in the module's assignment and commit; PracticeProblem (nothing stored) when it cannot be now."""
    assignment = module.assignment
    if assignment is None:
        raise NotFound()
    texts = {f.id: (answers.get(f.id) or "").replace("\r\n", "\n").strip() for f in assignment.fields}
    empty = [f.label for f in assignment.fields if not texts[f.id]]
    if empty:
        raise PracticeProblem(f"Vul alle vragen in voordat je inlevert. Nog leeg: {', '.join(empty)}.")
    if any(len(t) > MAX_FIELD_LENGTH for t in texts.values()):
        raise PracticeProblem(f"Een antwoord is te lang: hoogstens {MAX_FIELD_LENGTH} tekens per vraag.")
    if any(text_problem(t) for t in [*texts.values(), reflection]):
        raise PracticeProblem(TEXT_PROBLEM)
    if reflection.strip():
        texts["reflectie"] = reflection.strip()[:MAX_FIELD_LENGTH]
    state = PracticeState.of(s.status for s in submissions_of(session, user, module))
    if state is PracticeState.SIGNED:
        raise PracticeProblem("Deze opdracht is al afgetekend. Je hoeft hem niet opnieuw in te leveren.")
    if state is PracticeState.HANDED_IN:
        raise PracticeProblem("Je vorige inlevering wacht nog op je coach. Je kunt opnieuw inleveren als je coach "
                              "om een herziening vraagt.")
    submission = PracticeSubmission(user_id=user.id, module_slug=module.slug, status=WAITING, answers=texts)
    session.add(submission)
    record_audit(session, user, "praktijkopdracht ingeleverd", subject=user, detail=module.slug)
    try:
        session.commit()
    except IntegrityError:  # a second tab handed in at the same moment
        session.rollback()
        raise PracticeProblem("Je opdracht is al ingeleverd (in een ander venster). Hij wacht nu op je coach.") \
            from None
    return submission


@dataclass(frozen=True)
class Waiting:
    submission: PracticeSubmission
    learner: User
    team: Team


def waiting_for(session: Session, coach: User) -> list[Waiting]:
    """Hand-ins waiting for review from members of the teams this user coaches, oldest first; never their own."""
    rows = session.execute(
        select(PracticeSubmission, User, Team).join(User, User.id == PracticeSubmission.user_id)
        .join(TeamMembership, TeamMembership.user_id == User.id).join(Team, Team.id == TeamMembership.team_id)
        .join(TeamCoach, TeamCoach.team_id == Team.id)
        .where(TeamCoach.user_id == coach.id, PracticeSubmission.status == WAITING,
               PracticeSubmission.user_id != coach.id)
        .order_by(PracticeSubmission.submitted_at, PracticeSubmission.id))
    seen, result = set(), []
    for submission, learner, team in rows:
        if submission.id not in seen:  # a learner in two of the coach's teams is listed once
            seen.add(submission.id)
            result.append(Waiting(submission, learner, team))
    return result


def own_waiting(session: Session, user: User) -> list[PracticeSubmission]:
    """The user's own hand-ins waiting for a coach: shown to a coach-member as theirs, never as work to review."""
    return list(session.scalars(select(PracticeSubmission).where(
        PracticeSubmission.user_id == user.id, PracticeSubmission.status == WAITING)
        .order_by(PracticeSubmission.submitted_at)))


def coaches_of_learner(session: Session, learner: User) -> list[tuple[User, Team]]:
    """Who coaches a team the learner is in: each coach once, with their first such team; never the learner."""
    rows = session.execute(
        select(User, Team).join(TeamCoach, TeamCoach.user_id == User.id).join(Team, Team.id == TeamCoach.team_id)
        .join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.user_id == learner.id, User.id != learner.id).order_by(User.id, Team.id))
    found: dict[int, tuple[User, Team]] = {}
    for coach, team in rows:
        found.setdefault(coach.id, (coach, team))
    return list(found.values())


def for_coach(session: Session, coach: User, submission_id: int) -> tuple[PracticeSubmission, User, Team, str]:
    """(hand-in, learner, team, the coach's role) if this user coaches the learner; NotFound otherwise."""
    submission = session.get(PracticeSubmission, submission_id)
    found = coach_of_member(session, coach, submission.user_id) if submission else None
    if found is None:
        raise NotFound()
    return submission, session.get(User, submission.user_id), found[0], found[1]


def review(session: Session, coach: User, module: Module, submission_id: int, *, sign_off: bool, feedback: str,
           issuer: str, when: datetime | None = None) -> Certificate | None:
    """Sign a hand-in off (and issue the praktijkverklaring) or ask for a revision, in one transaction.

    The conditional UPDATE lets only one review through: a second coach (or a double click) gets a
    PracticeProblem and nothing changes. Returns the praktijkverklaring on a sign-off.
    """
    submission, learner, team, role = for_coach(session, coach, submission_id)
    feedback = (feedback or "").replace("\r\n", "\n").strip()
    if not feedback:
        raise PracticeProblem("Schrijf eerst je feedback voor de cursist.")
    if len(feedback) > MAX_FEEDBACK_LENGTH:
        raise PracticeProblem(f"Je feedback is te lang: hoogstens {MAX_FEEDBACK_LENGTH} tekens.")
    if text_problem(feedback):
        raise PracticeProblem(TEXT_PROBLEM)
    when = when or utcnow()
    status = SIGNED if sign_off else REVISION
    changed = session.execute(
        update(PracticeSubmission)
        .where(PracticeSubmission.id == submission.id, PracticeSubmission.status == WAITING)
        .values(status=status, feedback=feedback, reviewer_id=coach.id, reviewer_name=coach.name, reviewed_at=when)
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        session.rollback()
        if session.scalar(select(PracticeSubmission.status).where(PracticeSubmission.id == submission.id)) == EXPIRED:
            raise PracticeProblem(EXPIRED_MESSAGE)
        raise PracticeProblem("Deze inlevering is al beoordeeld, misschien door een andere coach. Je feedback is niet "
                              "opgeslagen; hij staat nog hieronder.")
    issued = None
    if sign_off:
        issued = Certificate(code=certificates.new_code(), user_id=learner.id, scope=scope(module), name=learner.name,
                             title=f"Praktijkopdracht module {module.number}: {module.assignment.title}",
                             hours=module.total_hours, practice_hours=module.practice_hours, issuer=issuer,
                             signer=f"{coach.name}, {role.lower()}", issued_at=when)
        session.add(issued)
    record_audit(session, coach, "praktijkopdracht afgetekend" if sign_off else "herziening gevraagd",
                 team=team, subject=learner, detail=module.slug)
    try:
        session.commit()
    except IntegrityError:  # signed off before: never two praktijkverklaringen
        session.rollback()
        raise PracticeProblem("Deze opdracht is al afgetekend.") from None
    session.expire(submission)
    return issued


@dataclass(frozen=True)
class Purged:
    reviewed: int  # reviewed more than the retention period ago: texts erased, state kept
    expired: int   # waited for review longer than that: texts erased, no longer waiting (EXPIRED)


def purge_expired(session: Session, days: int, now: datetime | None = None) -> Purged:
    """Erase the texts of hand-ins older than the retention period, in one transaction; dates stay.

    Reviewed ones (revision asked, signed off) count from the review; ones still waiting from the hand-in,
    and become EXPIRED: no coach sees them any more and the learner may hand in again. The same holds for
    learners who left their team or never had one: the clock runs from the same dates.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    reviewed = session.execute(
        update(PracticeSubmission)
        .where(PracticeSubmission.reviewed_at < cutoff, PracticeSubmission.purged_at.is_(None))
        .values(answers={}, feedback="", purged_at=now).execution_options(synchronize_session=False)).rowcount
    expired = session.execute(
        update(PracticeSubmission)
        .where(PracticeSubmission.status == WAITING, PracticeSubmission.submitted_at < cutoff)
        .values(status=EXPIRED, answers={}, feedback="", purged_at=now)
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return Purged(reviewed, expired)
