"""The team table without the rework: each worker keeps the rows it built last and checks them with one query.

Building the table of a 500-member team reads some 8,000 progress rows and turns them into 500 rows:
about 30 ms. What the table shows changes only when someone joins or leaves the team, or when something
of a member changes: a lesson finished, a quiz handed in, a module completed, a certificate issued or
revoked, a hand-in or its review, a new name. The database counts both, in the same transaction as the
change and whoever makes it (the triggers of migration 44425360db4e): `teams.members_version` on every
membership change and each learner's `users.progress_version` on every change of the rest.

A page view reads the member count and the sum of the members' counters (one query over the team's
memberships). Counters only go up, so with the same members the sum moves whenever one of them does.
Nothing moved: the rows are reused. Some members moved: only their rows are built again. Someone joined
or left, the target date changed, or a new day began (who is late): the whole table is built again.

Nothing is shared between workers or servers: each checks against the database, so no view shows a
table older than the database it asked. The rows hold names, as the database does; a worker drops the
rows of a team when it builds them again or when more than `size` teams are kept (least recent first).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from course.catalog import Course
from course.models import Team, TeamMembership, User
from course.progress import Status
from course.teams.report import SORTS, Row, TeamReport, TeamSummary, member_rows, team_members, team_summaries
from course.text import local_today


@dataclass
class Memo:
    """What callers derive from a team's rows, kept with them (the web layer: the table's HTML).

    `members`: per purpose, per member id (a row's HTML); kept for the members whose rows are reused.
    `whole`: made from all rows at once (a filtered, sorted table); dropped whenever any row is built again.
    Keep the keys of `whole` to a fixed set (no search text): it lives as long as the rows.
    """
    members: dict[Any, dict[int, Any]] = field(default_factory=dict)
    whole: dict[Any, Any] = field(default_factory=dict)


class _Entry(NamedTuple):
    identity: tuple  # (team id, created): on SQLite a new team may get the id of a deleted one
    key: tuple  # (members_version, target date, day) the rows were built for
    totals: tuple[int, int]  # (members, sum of their progress versions) the rows show
    rows: tuple[Row, ...]
    versions: dict[int, int]  # each member's progress version, as their row shows it
    memo: Memo


_TOTALS = (select(TeamMembership.team_id, func.count(), func.coalesce(func.sum(User.progress_version), 0))
           .join(User, User.id == TeamMembership.user_id)
           .where(TeamMembership.team_id.in_(bindparam("team_ids", expanding=True)))
           .group_by(TeamMembership.team_id))


def _marks(session: Session, teams: list[Team], today: date) -> dict[int, tuple[tuple, tuple, tuple[int, int]]]:
    """Per team, in one query: (identity, key, totals) as an _Entry holds them, for what the database holds now."""
    totals = {team_id: (members, total) for team_id, members, total in
              session.execute(_TOTALS, {"team_ids": [team.id for team in teams]})}
    return {team.id: ((team.id, team.created_at), (team.members_version, team.target_date, today),
                      totals.get(team.id, (0, 0))) for team in teams}


def _put(kept: OrderedDict, team_id: int, value, limit: int) -> None:
    """Keep value as the team's most recent; drop the least recent beyond limit. Call with the lock held."""
    kept[team_id] = value
    kept.move_to_end(team_id)
    while len(kept) > limit:
        kept.popitem(last=False)


def _counts(rows) -> tuple[int, int, int, int]:
    """(members, finished, in progress, late) of a team's rows, as team_summaries counts them."""
    return (len(rows), sum(r.status is Status.DONE for r in rows), sum(r.status is Status.IN_PROGRESS for r in rows),
            sum(r.overdue for r in rows))


class TeamReports:
    """The team reports one worker showed last, at most `size` teams (0: build every time)."""

    def __init__(self, size: int = 64):
        self.size = size
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        # The "Mijn teams" counts of teams whose rows are not kept: team id -> (what they were counted for,
        # counts). Four numbers a team, so many more teams than rows: 64 times `size`.
        self._summaries: OrderedDict[int, tuple[tuple, tuple[int, int, int, int]]] = OrderedDict()
        self._lock = threading.Lock()  # a gthread worker serves several requests at once

    def kept(self) -> list[int]:
        """The ids of the teams whose rows are kept now, least recently shown first."""
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._summaries.clear()

    def summaries(self, session: Session, course: Course, teams: list[Team],
                  today: date | None = None) -> list[TeamSummary]:
        """team_summaries() of these teams ("Mijn teams"), from kept rows or counts where nothing moved.

        One query for every team's member count and version sum; the teams that moved are counted together
        by team_summaries (a fixed number of queries), so the page's queries do not grow with its teams.
        """
        if not teams:
            return []
        today = today or local_today()
        marks = _marks(session, teams, today)
        known: dict[int, tuple[int, int, int, int]] = {}
        with self._lock:
            for team in teams:
                entry, counted = self._entries.get(team.id), self._summaries.get(team.id)
                if entry is not None and (entry.identity, entry.key, entry.totals) == marks[team.id]:
                    known[team.id] = _counts(entry.rows)
                elif counted is not None and counted[0] == marks[team.id]:
                    known[team.id] = counted[1]
        moved = [team for team in teams if team.id not in known]
        for summary in team_summaries(session, course, moved, today) if moved else ():
            counts = known[summary.team.id] = (summary.members, summary.finished, summary.started, summary.overdue)
            if self.size > 0:
                with self._lock:
                    _put(self._summaries, summary.team.id, (marks[summary.team.id], counts), 64 * self.size)
        return [TeamSummary(team, *known[team.id]) for team in teams]

    def report(self, session: Session, course: Course, team: Team,
               today: date | None = None) -> tuple[TeamReport, Memo]:
        """The team's report as team_report() builds it, and the memo the caller may keep derivations in."""
        today = today or local_today()
        identity, key, totals = _marks(session, [team], today)[team.id]
        with self._lock:
            entry = self._entries.get(team.id)
            if entry is not None:
                self._entries.move_to_end(team.id)
        if entry is None or entry.identity != identity or entry.key != key:
            entry = self._store(team.id, self._build(session, course, team, today, identity, key, None))
        elif entry.totals != totals:
            entry = self._store(team.id, self._build(session, course, team, today, identity, key, entry))
        return TeamReport(team=team, course=course, rows=list(entry.rows)), entry.memo

    def _build(self, session: Session, course: Course, team: Team, today: date, identity: tuple, key: tuple,
               old: _Entry | None) -> _Entry:
        """All rows, or with `old` (same members, day and target date) only the rows of members who moved."""
        members = team_members(session, team)
        versions = {member[0]: member[4] for member in members}
        if old is None:
            rows, memo = member_rows(session, course, team, members, today), Memo()
        else:
            moved = [member for member in members if old.versions.get(member[0]) != member[4]]
            moved_ids = {member[0] for member in moved}
            rows = [row for row in old.rows if row.user.id in versions and row.user.id not in moved_ids]
            if moved:
                rows += member_rows(session, course, team, moved, today, user_ids=sorted(moved_ids))
            rows.sort(key=SORTS["naam"])
            memo = Memo({purpose: {user_id: value for user_id, value in made.items() if user_id not in moved_ids}
                         for purpose, made in old.memo.members.items()})
        # The totals of what the rows show: read after the team row, so never older than `key`.
        totals = (len(members), sum(versions.values()))
        return _Entry(identity, key, totals, tuple(rows), versions, memo)

    def _store(self, team_id: int, entry: _Entry) -> _Entry:
        if self.size > 0:
            with self._lock:
                _put(self._entries, team_id, entry, self.size)
        return entry
