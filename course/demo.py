"""Demo accounts for a newcomer's first run; the tests build users the same way."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from course import accounts, attempts, exercises, teams
from course.catalog import Course
from course.models import Organisation
from course.progress import mark_lesson_done
from course.text import utcnow

DEMO_PASSWORD = "gehecht-en-veilig"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    name: str
    email: str


DEMO_ACCOUNTS = (
    DemoAccount("cursist, halverwege module 1", "Anouk van der Meer-Çelik", "anouk@voorbeeld.nl"),
    DemoAccount("cursist, net begonnen", "Zoë Brûlé", "zoe@voorbeeld.nl"),
    DemoAccount("cursist, wacht op een nieuwe poging van quiz 1", "Daan Hoekstra", "daan@voorbeeld.nl"),
    DemoAccount("cursist, loopt vast op module 1 (drie pogingen niet gehaald)", "Noor Bakker", "noor@voorbeeld.nl"),
    DemoAccount("leidinggevende van team De Regenboog", "Marieke de Vries", "leiding@voorbeeld.nl"),
    DemoAccount("coach van team De Regenboog (een inlevering wacht)", "Fatima El Amrani", "coach@voorbeeld.nl"),
    DemoAccount("beheerder", "Bram Beheer", "beheer@voorbeeld.nl"),
    DemoAccount("pedagogisch medewerker op bso De Boomhut (coach: Fatima)", "Sem Jansen", "bso@voorbeeld.nl"),
    DemoAccount("gastouder bij Gastouderbureau Het Nest (een inlevering wacht)", "Samira Yilmaz",
                "gastouder@voorbeeld.nl"),
    DemoAccount("bemiddelingsmedewerker van Gastouderbureau Het Nest (coach van de gastouders)", "Ingrid Bos",
                "bemiddeling@voorbeeld.nl"),
)
DEMO_ORGANISATION, DEMO_TEAM = "Kinderopvang Zonnebloem", "Locatie De Regenboog"
DEMO_BSO_TEAM = "BSO De Boomhut"
DEMO_BUREAU, DEMO_BUREAU_TEAM = "Gastouderbureau Het Nest", "Gastouders regio Noord"
# Where each demo learner works: their practice assignments follow it.
DEMO_SETTINGS = {"anouk@voorbeeld.nl": "kdv-peuter", "zoe@voorbeeld.nl": "kdv-baby", "bso@voorbeeld.nl": "bso",
                 "gastouder@voorbeeld.nl": "gastouder"}


def create_demo_data(session: Session, course: Course) -> list[DemoAccount]:
    """Create the demo accounts if they do not exist yet; return the ones created."""
    created = []
    for account in DEMO_ACCOUNTS:
        if accounts.find_user_by_email(session, account.email):
            continue
        user = accounts.register_user(session, name=account.name, email=account.email, password=DEMO_PASSWORD,
                                      is_admin=account.role == "beheerder", setting=DEMO_SETTINGS.get(account.email))
        if account.email == "anouk@voorbeeld.nl":
            first = course.modules[0]
            for lesson in first.lessons[: max(1, len(first.lessons) // 2)]:
                mark_lesson_done(session, user, lesson)
        created.append(account)
    if created:
        _demo_team(session)
        _demo_bso(session)
        _demo_gastouders(session)
        _demo_hand_in(session, course, "anouk@voorbeeld.nl")
        _demo_hand_in(session, course, "gastouder@voorbeeld.nl")
        _practice_attempts(session, course)
        _demo_retakes(session, course)
    return created


PRACTICE_LEARNERS = 24


def _practice_attempts(session: Session, course: Course) -> None:
    """Graded quiz attempts of module 1 by practice learners of varying ability.

    So the administrator's item statistics show figures and flags on a first run. The practice
    learners belong to no team; their answers are simulated, through the same functions a real
    attempt goes through.
    """
    module = course.modules[0]
    if module.quiz is None:
        return
    rng = random.Random(2026)
    for n in range(PRACTICE_LEARNERS):
        letter = chr(ord("A") + n)
        user = accounts.register_user(session, name=f"Oefencursist {letter}", email=f"oefen-{letter.lower()}@voorbeeld.nl",
                                      password=DEMO_PASSWORD)
        for lesson in module.lessons:
            mark_lesson_done(session, user, lesson)
        ability = 0.45 + 0.5 * n / PRACTICE_LEARNERS
        when = utcnow() - timedelta(days=30)
        for _ in range(3):  # a day apart, with the lessons to reread opened in between (the retake rule)
            done = _simulated_attempt(session, course, user, module, rng, ability, when)
            if done.attempt.passed:
                break
            when += timedelta(days=1)


def _simulated_attempt(session: Session, course: Course, user, module, rng: random.Random, ability: float,
                       when: datetime, fail: bool = False):
    """One attempt through the real functions: reread what the last failure asked, answer with `ability`."""
    for lesson in attempts.retake_rule(session, user, module).reread:
        exercises.mark_reread(session, user, lesson, when)
    attempt = attempts.start_attempt(session, user, module, rng, now=when)
    answers = {}
    drawn_items = attempts.drawn_questions(attempt, module.quiz)
    right = round(ability * len(drawn_items))  # this share right
    if fail:  # just under the pass mark, and no partial credit on the rest
        right = min(right, math.ceil(module.quiz.pass_mark * len(drawn_items) / 100) - 1)
    knows = set(rng.sample(range(len(drawn_items)), max(right, 0)))
    for n, drawn in enumerate(drawn_items):
        question = drawn.question
        if n in knows:
            answers[question.id] = question.key()
        elif question.type_name == "single":
            answers[question.id] = rng.choice([o.id for o in question.options if not o.correct])
        elif question.type_name == "multiple":
            wrong = [o.id for o in question.options if not o.correct][:1]
            answers[question.id] = wrong if fail else sorted(question.key()[:-1] + wrong)
    return attempts.submit_attempt(session, course, user, module, attempt, answers, "Demo", when)


def _demo_retakes(session: Session, course: Course) -> None:
    """Daan failed quiz 1 twice (just now: the lessons to reread and a wait are ahead); Noor failed it three times."""
    module = course.modules[0]
    if module.quiz is None:
        return
    rng = random.Random(23)
    for email, failures in (("daan@voorbeeld.nl", 2), ("noor@voorbeeld.nl", 3)):
        user = accounts.find_user_by_email(session, email)
        for lesson in module.lessons:
            mark_lesson_done(session, user, lesson)
        when = utcnow() - timedelta(days=failures)
        for n, ability in zip(range(failures), (0.62, 0.67, 0.71)):  # close, but under the 80% needed
            _simulated_attempt(session, course, user, module, rng, ability, when if n + 1 < failures else utcnow(),
                               fail=True)
            when += timedelta(days=1)


def _demo_team(session: Session) -> None:
    """An organisation with one team: the manager leads it, both learners are members."""
    if session.scalar(select(Organisation.id).where(Organisation.name == DEMO_ORGANISATION)):
        return
    organisation = teams.create_organisation(session, None, DEMO_ORGANISATION)
    team = teams.create_team(session, None, organisation, DEMO_TEAM)
    teams.appoint_manager(session, None, team, accounts.find_user_by_email(session, "leiding@voorbeeld.nl"))
    for email in ("anouk@voorbeeld.nl", "zoe@voorbeeld.nl", "daan@voorbeeld.nl", "noor@voorbeeld.nl"):
        teams.join(session, team, accounts.find_user_by_email(session, email))
    teams.appoint_coach(session, None, team, accounts.find_user_by_email(session, "coach@voorbeeld.nl"))


def _demo_bso(session: Session) -> None:
    """A bso team of the same organisation: Sem works there, Fatima coaches it too."""
    organisation = teams.find_organisation(session, DEMO_ORGANISATION)
    daan = accounts.find_user_by_email(session, "bso@voorbeeld.nl")
    if organisation is None or daan is None or any(t.name == DEMO_BSO_TEAM for t in organisation.teams):
        return
    team = teams.create_team(session, None, organisation, DEMO_BSO_TEAM)
    teams.appoint_manager(session, None, team, accounts.find_user_by_email(session, "leiding@voorbeeld.nl"))
    teams.join(session, team, daan)
    teams.appoint_coach(session, None, team, accounts.find_user_by_email(session, "coach@voorbeeld.nl"))


def _demo_gastouders(session: Session) -> None:
    """A gastouderbureau: Ingrid, its bemiddelingsmedewerker, manages and coaches its gastouders; Samira is one."""
    if session.scalar(select(Organisation.id).where(Organisation.name == DEMO_BUREAU)):
        return
    bureau = teams.create_organisation(session, None, DEMO_BUREAU, kind="gastouderbureau")
    team = teams.create_team(session, None, bureau, DEMO_BUREAU_TEAM)
    ingrid = accounts.find_user_by_email(session, "bemiddeling@voorbeeld.nl")
    teams.appoint_manager(session, None, team, ingrid)
    teams.appoint_coach(session, None, team, ingrid)  # a gastouderbureau's coach: bemiddelingsmedewerker
    teams.join(session, team, accounts.find_user_by_email(session, "gastouder@voorbeeld.nl"))


def _demo_hand_in(session: Session, course: Course, email: str) -> None:
    """This learner handed in module 1's assignment (their setting's variant); it waits for their coach."""
    from course import practice
    module = course.modules[0]
    anouk = accounts.find_user_by_email(session, email)
    if module.assignment is None or anouk is None or practice.submissions_of(session, anouk, module):
        return
    answers = {f.id: "Kind A viel bij het buitenspelen en keek om zich heen. Ik ging naast kind A zitten en "
                     "benoemde wat ik zag. Kind A kwam tegen mij aan zitten en speelde daarna weer verder."
               for f in module.assignment.fields}
    practice.hand_in(session, anouk, module, answers)
