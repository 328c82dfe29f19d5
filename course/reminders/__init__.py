"""Which reminder mails are due: target-date reminders, the managers' weekly digest, "pick up where you left off".

Planning only reads; sending (claim, deliver, mark) is in course.reminders.deliver. Every function takes
`now` explicitly, so a test (or `flask reminders send --now`) can move the clock.

Schedule (a team's target date D): two weeks before (any day from D-14 until D), on the day (D until
D+7), then once a week while overdue (D+7, D+14, D+21, D+28), and nothing after four weeks. A run that
misses a day catches up with the latest point only; each point is sent at most once per person.

The schedule is per person, not per team: a learner in several teams follows the earliest target date
whose reminders still run (two teams with the same date give one mail that names both), a later date
takes over when that one's four weeks are over, and nobody gets two target-date reminders on one day.
While a learner's target-date reminders run, no separate "pick up where you left off" mail goes out:
the reminder already links to the next step (one mail, not two on the same morning).
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from course.catalog import Course
from course.models import LessonProgress, MailPreference, QuizAttempt, SentMail, Team, TeamManager, TeamMembership, User
from course.progress import CourseProgress, Status, no_progress, progress_for
from course.text import local_date, local_today

log = logging.getLogger("course.reminders")

TARGET, DIGEST, RESUME = "streefdatum", "overzicht", "verder"
HANDIN = "inlevering"  # not a reminder: the coach's mail when a hand-in arrives (course/web/mails/practice.py)
# Kind of mail -> the MailPreference switch that turns it off.
PREFERENCE = {TARGET: "reminders", DIGEST: "digest", RESUME: "resume", HANDIN: "handins"}
KIND_LABELS = {TARGET: "herinneringen aan de streefdatum", RESUME: "een seintje als je een tijd niet verder bent gegaan",
               DIGEST: "het weekoverzicht van je team (voor leidinggevenden)",
               HANDIN: "een mail als een praktijkopdracht op je feedback wacht (voor coaches)"}
OFFSETS = (-14, 0, 7, 14, 21, 28)  # days from the target date; the last window is a week long
IDLE_DAYS = 21  # "pick up where you left off" after three weeks without opening the course
IDLE_LIMIT_DAYS = 90  # ... but not for someone who stopped long before (no mass mail to old accounts)
DIGEST_DAYS = 7
MAX_NAMES = 25  # names listed per group in a digest; the rest is a number


@dataclass(frozen=True)
class Planned:
    """One mail to send: to whom, which kind, its unique due key, and what it says."""
    user_id: int
    email: str
    name: str
    kind: str
    due_key: str
    data: dict = field(default_factory=dict, compare=False, hash=False)


def reminder_offset(target: date, today: date) -> int | None:
    """The schedule point (days from the target date) due today, or None when nothing is due."""
    for offset, following in zip(OFFSETS, OFFSETS[1:] + (OFFSETS[-1] + 7,)):
        if target + timedelta(days=offset) <= today < target + timedelta(days=following):
            return offset
    return None


def last_activity(session: Session, user_ids) -> dict[int, datetime]:
    """When each learner last did something in the course: a lesson read, a quiz started or handed in.

    Derived from the rows learners write anyway, so reading a page costs no extra write.
    """
    parts = union_all(
        select(LessonProgress.user_id.label("u"), func.max(LessonProgress.completed_at).label("at"))
        .where(LessonProgress.user_id.in_(user_ids)).group_by(LessonProgress.user_id),
        select(QuizAttempt.user_id, func.max(func.coalesce(QuizAttempt.submitted_at, QuizAttempt.started_at)))
        .where(QuizAttempt.user_id.in_(user_ids)).group_by(QuizAttempt.user_id),
    ).subquery()
    return {u: at for u, at in session.execute(select(parts.c.u, func.max(parts.c.at)).group_by(parts.c.u))}


def _switched_off(session: Session) -> dict[str, set[int]]:
    # An address the mail server refused for good gets nothing until its owner confirms it (course/addresses.py).
    refused = set(session.scalars(select(User.id).where(User.mail_refused_at.is_not(None))))
    off: dict[str, set[int]] = {kind: set(refused) for kind in PREFERENCE}
    for pref in session.scalars(select(MailPreference)):
        for kind, column in PREFERENCE.items():
            if not getattr(pref, column):
                off[kind].add(pref.user_id)
    return off


def _done_keys(session: Session) -> set[tuple[int, str, str]]:
    """Mails claimed before (sent, refused or being sent): not planned again. Failed ones are."""
    return {(u, k, d) for u, k, d in session.execute(select(SentMail.user_id, SentMail.kind, SentMail.due_key)
                                                     .where(SentMail.status != "mislukt"))}


def _claimed_today(session: Session, today: date) -> dict[int, str]:
    """Learners who already had a target-date reminder claimed today (and its key): one a day at most."""
    start = datetime.combine(today, datetime.min.time())
    return dict(session.execute(select(SentMail.user_id, SentMail.due_key).where(
        SentMail.kind == TARGET, SentMail.status != "mislukt", SentMail.claimed_at >= start,
        SentMail.claimed_at < start + timedelta(days=1))).all())


def dutch_list(names: list[str]) -> str:
    """'A', 'A en B', 'A, B en C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def plan(session: Session, course: Course, now: datetime) -> list[Planned]:
    """Every reminder mail due at `now` that has not been sent, for everyone, in a fixed number of queries."""
    today = local_today(now)
    off, done = _switched_off(session), _done_keys(session)
    teams = list(session.scalars(select(Team)))
    memberships = session.execute(select(TeamMembership.team_id, TeamMembership.user_id, TeamMembership.joined_at)).all()
    users, settings = {}, {}
    for uid, email, name, setting in session.execute(select(User.id, User.email, User.name, User.setting)):
        users[uid], settings[uid] = (email, name), setting  # the setting: which practice variant the mail names
    active = last_activity(session, select(User.id).scalar_subquery())
    # Lesson by lesson: the mails link to each learner's next step.
    progress = progress_for(session, course, select(User.id).scalar_subquery(), lessons=True)
    nobody = no_progress(course)
    planned: list[Planned] = []

    members: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    for team_id, user_id, joined_at in memberships:
        members[team_id].append((user_id, joined_at))

    targets: dict[int, dict[date, list[str]]] = defaultdict(lambda: defaultdict(list))  # learner -> date -> teams
    for team in teams:
        if team.target_date:
            for user_id, _ in members[team.id]:
                targets[user_id][team.target_date].append(team.name)
    claimed_today = _claimed_today(session, today)
    reminded: set[int] = set()  # learners whose target-date reminders run: they get no separate resume mail
    for user_id, dates in sorted(targets.items()):  # target-date reminders, one schedule per person
        running = sorted((d, o) for d in dates if (o := reminder_offset(d, today)) is not None)
        if not running:
            continue
        if user_id not in off[TARGET]:
            reminded.add(user_id)
        target, offset = running[0]  # the earliest date whose reminders still run
        key, mine = f"{target.isoformat()}:{offset:+d}", progress.get(user_id, nobody)
        if (mine.completed or user_id in off[TARGET] or (user_id, TARGET, key) in done
                or claimed_today.get(user_id, key) != key):
            continue
        names = sorted(dates[target], key=str.lower)
        planned.append(Planned(user_id, *users[user_id], TARGET, key, {
            "team": dutch_list(names), "teams": len(names), "target_date": target, "offset": offset,
            "days_left": (target - today).days, "percent": mine.percent, "step": mine.next_step(),
            "setting": settings[user_id]}))

    planned += _digests(session, course, now, teams, members, users, progress, active, off, done)

    since, too_long = now - timedelta(days=IDLE_DAYS), now - timedelta(days=IDLE_LIMIT_DAYS)
    for user_id, mine in progress.items():  # pick up where you left off
        at = active.get(user_id)
        if (at is None or at > since or at < too_long or mine.completed or user_id not in users or user_id in off[RESUME]
                or user_id in reminded or not any(m.status is Status.IN_PROGRESS for m in mine.modules)):
            continue
        key = local_date(at).isoformat()  # one mail per standstill: after coming back, a new one may follow
        if (user_id, RESUME, key) not in done:
            planned.append(Planned(user_id, *users[user_id], RESUME, key,
                                   {"percent": mine.percent, "step": mine.next_step(), "setting": settings[user_id]}))
    return planned


def _digests(session, course, now, teams, members, users, progress: dict[int, CourseProgress], active, off, done):
    """One weekly digest per manager, over all their teams, unless nothing happened in them that week."""
    week_start = now - timedelta(days=DIGEST_DAYS)
    year, week, _ = now.isocalendar()
    key = f"{year}-W{week:02d}"
    managers: dict[int, list[Team]] = defaultdict(list)
    by_id = {team.id: team for team in teams}
    for team_id, user_id in session.execute(select(TeamManager.team_id, TeamManager.user_id)):
        managers[user_id].append(by_id[team_id])
    managed = {team.id for ts in managers.values() for team in ts}
    for team in teams:
        if members[team.id] and team.id not in managed:
            log.warning("Team %s heeft geen leidinggevende: er gaat geen weekoverzicht uit.", team.id)
    nobody = no_progress(course)
    planned = []
    for manager_id, their_teams in sorted(managers.items()):
        if manager_id in off[DIGEST] or (manager_id, DIGEST, key) in done:
            continue
        sections, changed = [], False
        for team in sorted(their_teams, key=lambda t: t.name.lower()):
            finished, overdue, not_started = [], [], []
            for user_id, joined_at in members[team.id]:
                mine, name = progress.get(user_id, nobody), users[user_id][1]
                at = active.get(user_id)
                changed |= joined_at >= week_start or (at is not None and at >= week_start)
                if mine.completed and mine.completed_at >= week_start:
                    finished.append(name)
                elif not mine.completed and team.target_date and team.target_date < local_today(now):
                    overdue.append(name)
                elif mine.status is Status.NOT_STARTED:
                    not_started.append(name)
            sections.append({"team_id": team.id, "team": team.name, "target_date": team.target_date,
                             "members": len(members[team.id]), "finished": sorted(finished, key=str.lower),
                             "overdue": sorted(overdue, key=str.lower), "not_started": sorted(not_started, key=str.lower)})
        if changed:
            planned.append(Planned(manager_id, *users[manager_id], DIGEST, key,
                                   {"sections": sections, "max_names": MAX_NAMES}))
    return planned
