"""The organisation view's figures, counted by the database: per team and per location, in two queries.

The view shows only totals (members, who studied, modules completed, hours, who finished the course),
so it need not build the full record (records.training_record(), still used by the exports and the
PDFs) for thousands of learners in Python. The rules are the record's, in SQL: a learner and module
count when the study ran during the period (a first lesson, or the completion, before its end, and
not completed before its start) or the praktijkverklaring was signed off in it; screen hours count
for a module completed in the period, practice hours for one signed off in it; each learner counts
once, in their first team by name. tests/test_records.py checks these figures against summaries()
of the full record, so the two cannot drift apart.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import DateTime, Integer, and_, case, cast, func, literal_column, null, or_, select, union_all
from sqlalchemy.orm import Session

from course.catalog import Course
from course.models import Certificate, LessonProgress, Location, ModuleCompletion, Organisation, Team, TeamMembership
from course.practice import scope as practice_scope
from course.records import Period, Summary, member_ids
from course.text import utc_start_of


def _per_modules(course: Course, period: Period, ids):
    """Per learner and module with anything in the period: whether it counts, whether completed in it, its hours."""
    start = utc_start_of(period.start)
    end = utc_start_of(period.end + timedelta(days=1))
    slugs = [m.slug for m in course.modules]
    scopes = {practice_scope(m): m.slug for m in course.modules}
    facts = union_all(  # user, module, first lesson, completion, signed off in the period
        select(LessonProgress.user_id.label("user_id"), LessonProgress.module_slug.label("slug"),
               func.min(LessonProgress.completed_at).label("first"), cast(null(), DateTime).label("done"),
               literal_column("0").label("signed"))
        .where(LessonProgress.user_id.in_(ids), LessonProgress.module_slug.in_(slugs))
        .group_by(LessonProgress.user_id, LessonProgress.module_slug),
        select(ModuleCompletion.user_id, ModuleCompletion.module_slug, cast(null(), DateTime),
               ModuleCompletion.completed_at, literal_column("0"))
        .where(ModuleCompletion.user_id.in_(ids), ModuleCompletion.module_slug.in_(slugs)),
        select(Certificate.user_id, case(scopes, value=Certificate.scope), cast(null(), DateTime),
               cast(null(), DateTime), literal_column("1"))
        .where(Certificate.user_id.in_(ids), Certificate.scope.in_(list(scopes)), Certificate.revoked_at.is_(None),
               Certificate.issued_at >= start, Certificate.issued_at < end),
    ).subquery()
    per_module = (select(facts.c.user_id, facts.c.slug, func.min(facts.c.first).label("first"),
                         func.max(facts.c.done).label("done"), func.max(facts.c.signed).label("signed"))
                  .group_by(facts.c.user_id, facts.c.slug).subquery())
    first, done, signed = per_module.c.first, per_module.c.done, per_module.c.signed == 1
    in_period = and_(done >= start, done < end)
    counts = or_(signed, and_(or_(first < end, done < end), or_(done.is_(None), done >= start)))
    screen = case({m.slug: m.screen_hours for m in course.modules}, value=per_module.c.slug, else_=0.0)
    practice = case({m.slug: m.practice_hours for m in course.modules}, value=per_module.c.slug, else_=0.0)
    return select(per_module.c.user_id, cast(null(), Integer), case((counts, 1), else_=0).label("active"),
                  case((in_period, 1), else_=0).label("completions"),
                  (case((in_period, screen), else_=0.0) + case((signed, practice), else_=0.0)).label("hours"))


def overview(session: Session, course: Course, organisation: Organisation, period: Period,
             team_ids: list[int] | None, location_id: int | None = None) -> tuple[list[Summary], list[Summary]]:
    """The record's summaries() per team and per location, without reading a row per learner."""
    ids = member_ids(organisation, team_ids, location_id)
    first_team = (member_ids(organisation, team_ids, location_id)
                  .add_columns(TeamMembership.team_id, func.row_number().over(
                      partition_by=TeamMembership.user_id, order_by=(Team.name, Team.id)).label("place"))
                  .subquery())
    # Each member's first team and their modules in one list, added up per learner and then per team: a join
    # of the two would be a nested loop on SQLite (no index on a subquery), thousands times thousands.
    facts = union_all(select(first_team.c.user_id, first_team.c.team_id, literal_column("0").label("active"),
                             literal_column("0").label("completions"), literal_column("0.0").label("hours"))
                      .where(first_team.c.place == 1),
                      _per_modules(course, period, ids)).subquery()
    learners = (select(func.max(facts.c.team_id).label("team_id"), func.max(facts.c.active).label("active"),
                       func.sum(facts.c.completions).label("completions"), func.sum(facts.c.hours).label("hours"))
                .group_by(facts.c.user_id).subquery())
    modules = len(course.modules)
    figures = session.connection().execute(
        select(learners.c.team_id, func.count(), func.sum(learners.c.active), func.sum(learners.c.completions),
               func.sum(learners.c.hours), func.sum(case((learners.c.completions == modules, 1), else_=0)))
        .group_by(learners.c.team_id)).all()
    teams = {team_id: (name, location, lrk) for team_id, name, location, lrk in session.connection().execute(
        select(Team.id, Team.name, Location.name, Location.lrk_number)
        .outerjoin(Location, Location.id == Team.location_id).where(Team.id.in_([f[0] for f in figures])))}
    by_team: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0, 0, 0.0, 0])
    by_location: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0, 0, 0.0, 0])
    for team_id, *numbers in figures:
        name, location, lrk = teams[team_id]
        for group in (by_team[(name, "")], by_location[(location or "(geen locatie)", lrk or "")]):
            for index, number in enumerate(numbers):
                group[index] += float(number) if index == 3 else int(number)

    def listed(groups):
        return [Summary(name, lrk, *numbers) for (name, lrk), numbers in sorted(groups.items(),
                                                                                key=lambda g: g[0][0].lower())]
    return listed(by_team), listed(by_location)
