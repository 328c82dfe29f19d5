"""Practice on the floor: hand in a module's assignment, a coach's review, the praktijkverklaring, retention.

A hand-in is private between the learner and the coaches of the learner's teams. Managers see only
the state per module (PracticeState), never the texts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course import certificates
from course.audit import record as record_audit
from course.catalog import Module
from course.errors import NotFound, PracticeProblem
from course.models import (
    Certificate,
    CoachObservation,
    PracticePlan,
    PracticeSubmission,
    Team,
    TeamCoach,
    TeamMembership,
    User,
)
from course.progress import REVISION, SIGNED, WAITING, PracticeState
from course.teams.access import coach_of_member
from course.text import TEXT_PROBLEM, text_problem, utcnow

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


def _clean(text) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def _check_texts(fields, texts: dict[str, str]) -> None:
    empty = [f.label for f in fields if not texts[f.id]]
    if empty:
        raise PracticeProblem(f"Vul alle vragen in voordat je inlevert. Nog leeg: {', '.join(empty)}.")
    if any(len(t) > MAX_FIELD_LENGTH for t in texts.values()):
        raise PracticeProblem(f"Een antwoord is te lang: hoogstens {MAX_FIELD_LENGTH} tekens per vraag.")
    if any(text_problem(t) for t in texts.values()):
        raise PracticeProblem(TEXT_PROBLEM)


def plan_of(session: Session, user: User, module: Module) -> PracticePlan | None:
    """The saved first part (the plan) of a two-part assignment, if the learner saved one."""
    return session.scalar(select(PracticePlan).where(PracticePlan.user_id == user.id,
                                                     PracticePlan.module_slug == module.slug))


def save_plan(session: Session, user: User, module: Module, answers: dict[str, str]) -> PracticePlan:
    """Save (or replace) part 1 of a two-part assignment and commit; PracticeProblem (nothing stored) if it cannot."""
    assignment = module.assignment
    if assignment is None or not assignment.two_parts:
        raise NotFound()
    fields = assignment.fields_for(user.setting, part=1)
    texts = {f.id: _clean(answers.get(f.id)) for f in fields}
    _check_texts(fields, texts)
    state = PracticeState.of(s.status for s in submissions_of(session, user, module))
    if state in (PracticeState.SIGNED, PracticeState.HANDED_IN):
        raise PracticeProblem("Je hebt deze opdracht al ingeleverd. Je plan hoeft niet opnieuw.")
    plan = plan_of(session, user, module)
    if plan is None:
        plan = PracticePlan(user_id=user.id, module_slug=module.slug)
        session.add(plan)
    plan.answers, plan.saved_at = texts, utcnow()
    try:
        session.commit()
    except IntegrityError:  # saved in another tab at the same moment
        session.rollback()
        raise PracticeProblem("Je plan is net in een ander venster bewaard. Laad de pagina opnieuw.") from None
    return plan


def hand_in(session: Session, user: User, module: Module, answers: dict[str, str],
            reflection: str = "") -> PracticeSubmission:
    """Hand in the module's assignment and commit; PracticeProblem (nothing stored) when it cannot be now.

    A two-part assignment takes part 1 from `answers` when given (a revision shows every field), else
    from the saved plan; without either the learner first saves the plan.
    """
    assignment = module.assignment
    if assignment is None:
        raise NotFound()
    fields = assignment.fields_for(user.setting)
    texts = {f.id: _clean(answers.get(f.id)) for f in fields}
    plan = plan_of(session, user, module) if assignment.two_parts else None
    if plan is not None:
        for f in fields:
            if f.part == 1 and not texts[f.id]:
                texts[f.id] = plan.answers.get(f.id, "")
    if assignment.two_parts and not all(texts[f.id] for f in fields if f.part == 1):
        raise PracticeProblem("Bewaar eerst je plan (deel 1) en bespreek het. Daarna lever je deel 2 in.")
    _check_texts(fields, texts)
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
    submission = PracticeSubmission(user_id=user.id, module_slug=module.slug, status=WAITING, answers=texts,
                                    setting=user.setting)
    session.add(submission)
    if plan is not None:
        session.delete(plan)  # its text now lives in the hand-in, under the same retention
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


def _coached_submissions(coach: User, team_id: int | None, module_slug: str | None):
    """Hand-ins of members of the teams this user coaches (optionally one team, one module); never their own."""
    query = (select(PracticeSubmission, User, Team).join(User, User.id == PracticeSubmission.user_id)
             .join(TeamMembership, TeamMembership.user_id == User.id).join(Team, Team.id == TeamMembership.team_id)
             .join(TeamCoach, TeamCoach.team_id == Team.id)
             .where(TeamCoach.user_id == coach.id, PracticeSubmission.user_id != coach.id))
    if team_id is not None:
        query = query.where(Team.id == team_id)
    if module_slug:
        query = query.where(PracticeSubmission.module_slug == module_slug)
    return query


def _once(rows) -> list[Waiting]:
    seen, result = set(), []
    for submission, learner, team in rows:
        if submission.id not in seen:  # a learner in two of the coach's teams is listed once
            seen.add(submission.id)
            result.append(Waiting(submission, learner, team))
    return result


def waiting_for(session: Session, coach: User, team_id: int | None = None,
                module_slug: str | None = None) -> list[Waiting]:
    """Hand-ins waiting for review from members of the teams this user coaches, oldest first (one query)."""
    return _once(session.execute(_coached_submissions(coach, team_id, module_slug)
                                 .where(PracticeSubmission.status == WAITING)
                                 .order_by(PracticeSubmission.submitted_at, PracticeSubmission.id, Team.id)))


REVIEWED_SHOWN = 50


def reviewed_for(session: Session, coach: User, team_id: int | None = None, module_slug: str | None = None,
                 limit: int = REVIEWED_SHOWN) -> list[Waiting]:
    """Reviewed hand-ins (revision asked, signed off) of the coach's learners, latest review first (one query)."""
    return _once(session.execute(_coached_submissions(coach, team_id, module_slug)
                                 .where(PracticeSubmission.status.in_((REVISION, SIGNED)))
                                 .order_by(PracticeSubmission.reviewed_at.desc(), PracticeSubmission.id.desc(),
                                           Team.id).limit(limit * 2)))[:limit]


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
    # Nobody signs off their own work, whatever team roles they hold.
    found = coach_of_member(session, coach, submission.user_id) if submission and submission.user_id != coach.id \
        else None
    if found is None:
        raise NotFound()
    return submission, session.get(User, submission.user_id), found[0], found[1]


MAX_NOTE_LENGTH = 500


def clean_marks(module: Module, marks: dict) -> dict[str, dict]:
    """{criterion id: {"ok": bool, "note": str}} for every criterion of the rubric; PracticeProblem otherwise."""
    result, missing = {}, []
    for criterion in module.assignment.criteria:
        mark = marks.get(criterion.id)
        if not isinstance(mark, dict) or mark.get("ok") not in (True, False):
            missing.append(criterion.text)
            continue
        note = _clean(mark.get("note"))
        if len(note) > MAX_NOTE_LENGTH:
            raise PracticeProblem(f"Een toelichting bij een criterium is te lang: hoogstens {MAX_NOTE_LENGTH} tekens.")
        if text_problem(note):
            raise PracticeProblem(TEXT_PROBLEM)
        result[criterion.id] = {"ok": mark["ok"], "note": note}
    if missing:
        raise PracticeProblem("Kies bij elk criterium ‘voldoende’ of ‘nog niet’. Nog open: " + "; ".join(missing))
    return result


def review(session: Session, coach: User, module: Module, submission_id: int, *, sign_off: bool, feedback: str,
           issuer: str, marks: dict | None = None, when: datetime | None = None) -> Certificate | None:
    """Sign a hand-in off (and issue the praktijkverklaring) or ask for a revision, in one transaction.

    The coach marks every criterion of the rubric voldoende or nog niet: a sign-off needs all of them
    voldoende, a revision request at least one nog niet (those are the ones to work on). The
    praktijkverklaring lists the criteria met. The conditional UPDATE lets only one review through: a
    second coach (or a double click) gets a PracticeProblem and nothing changes.
    """
    submission, learner, team, role = for_coach(session, coach, submission_id)
    feedback = _clean(feedback)
    if not feedback:
        raise PracticeProblem("Schrijf eerst je feedback voor de cursist.")
    if len(feedback) > MAX_FEEDBACK_LENGTH:
        raise PracticeProblem(f"Je feedback is te lang: hoogstens {MAX_FEEDBACK_LENGTH} tekens.")
    if text_problem(feedback):
        raise PracticeProblem(TEXT_PROBLEM)
    marks = clean_marks(module, marks or {})
    if sign_off and not all(m["ok"] for m in marks.values()):
        raise PracticeProblem("Aftekenen kan pas als elk criterium voldoende is. Vraag anders om een herziening: "
                              "de criteria met ‘nog niet’ zijn dan de punten om aan te werken.")
    if not sign_off and all(m["ok"] for m in marks.values()):
        raise PracticeProblem("Je vraagt om een herziening, maar alle criteria zijn voldoende. Zet bij de punten om "
                              "aan te werken ‘nog niet’, of teken af.")
    when = when or utcnow()
    status = SIGNED if sign_off else REVISION
    changed = session.execute(
        update(PracticeSubmission)
        .where(PracticeSubmission.id == submission.id, PracticeSubmission.status == WAITING)
        .values(status=status, feedback=feedback, reviewer_id=coach.id, reviewer_name=coach.name, reviewed_at=when,
                marks=marks)
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
                             signer=f"{coach.name}, {role.lower()}", issued_at=when,
                             goals=[c.text for c in module.assignment.criteria if marks[c.id]["ok"]])
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


MAX_SITUATION_LENGTH = 1000


def observe(session: Session, coach: User, learner_id: int, module: Module, observed_on: date, situation: str,
            criteria: list[str], today: date | None = None) -> CoachObservation:
    """Record what the coach saw on the floor: evidence beside the hand-in. NotFound unless they coach the learner."""
    if module.assignment is None or learner_id == coach.id:
        raise NotFound()
    found = coach_of_member(session, coach, learner_id)
    if found is None:
        raise NotFound()
    today = today or utcnow().date()
    if observed_on > today:
        raise PracticeProblem("De datum ligt in de toekomst. Vul de dag in waarop je het zag.")
    if observed_on < today - timedelta(days=365):
        raise PracticeProblem("Deze datum is meer dan een jaar geleden. Vul een recente observatie in.")
    situation = _clean(situation)
    if text_problem(situation):
        raise PracticeProblem(TEXT_PROBLEM)
    if not situation:
        raise PracticeProblem("Beschrijf kort de situatie die je zag.")
    if len(situation) > MAX_SITUATION_LENGTH:
        raise PracticeProblem(f"De beschrijving is te lang: hoogstens {MAX_SITUATION_LENGTH} tekens.")
    known = [c.id for c in module.assignment.criteria]
    chosen = [c for c in known if c in set(criteria or ())]
    if not chosen or set(criteria) - set(known):
        raise PracticeProblem("Kies minstens één criterium dat je zag.")
    observation = CoachObservation(learner_id=learner_id, module_slug=module.slug, coach_id=coach.id,
                                   coach_name=coach.name, observed_on=observed_on, situation=situation,
                                   criteria=chosen)
    session.add(observation)
    record_audit(session, coach, "observatie vastgelegd", team=found[0], subject=session.get(User, learner_id),
                 detail=module.slug)
    session.commit()
    return observation


def observations_of(session: Session, learner_id: int, module_slug: str) -> list[CoachObservation]:
    """A coach's floor observations of this learner for this module, newest first."""
    return list(session.scalars(select(CoachObservation).where(
        CoachObservation.learner_id == learner_id, CoachObservation.module_slug == module_slug)
        .order_by(CoachObservation.observed_on.desc(), CoachObservation.id.desc())))


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
    session.execute(delete(PracticePlan).where(PracticePlan.saved_at < cutoff))
    session.execute(update(CoachObservation).where(CoachObservation.created_at < cutoff, CoachObservation.situation != "")
                    .values(situation="").execution_options(synchronize_session=False))
    session.commit()
    return Purged(reviewed, expired)
