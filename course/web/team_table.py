"""The team table's rows as ready HTML: a 500-member team has 3,000 cells.

Through a Jinja macro per cell and `url_for` per link, the table of 500 took about 40 ms of the page's
time; here a cell's HTML is built once per distinct look (state, date, percentage, practice state) and
shared by every member who has it, links are a prefix plus an id, and a row's HTML is kept with the
team's cached rows (course/teams/cache.py) until that member's row changes; the template prints the
joined rows (templates/manage/team.html). What a cell shows: `tests/test_teams.py` reads it.
"""
from __future__ import annotations

from functools import lru_cache

from flask import url_for
from markupsafe import Markup, escape

from course.progress import ModuleProgress, Status
from course.teams import Row, TeamReport, filtered
from course.teams.cache import Memo
from course.teams.report import SORTS, STATUS_FILTERS
from course.text import dutch_date, local_date


@lru_cache(maxsize=4096)
def _cell(number: int, state: str, detail, practice: str, stuck: bool = False) -> str:
    """A module cell without its certificate link and closing tag; the same for everyone in the same state.

    `state` is a Status value, `detail` the completion day (afgerond) or the percentage (bezig).
    """
    status = Status(state)
    if status is Status.NOT_STARTED:
        body = f'<span aria-hidden="true">–</span><span class="visually-hidden">{status.label.capitalize()}</span>'
    else:
        body = f'<span class="badge badge-{state}">{status.label.capitalize()}</span>'
        body += f'<br><span class="meta">{dutch_date(detail) if status is Status.DONE else f"{detail}% van module {number}"}</span>'
    if practice:
        body += f'<br><span class="meta practice-state">Praktijk: {practice}</span>'
    if stuck:  # three failed quiz attempts: the coach and manager can help
        body += f'<br><span class="badge badge-vast">Loopt vast op module {number}</span>'
    return f'<td data-label="Module {number}">{body}'  # plain text: it holds no user input


def _module_cell(mp: ModuleProgress, certificate_prefix: str) -> str:
    status = mp.status
    practice = mp.practice.label if mp.practice is not None else ""
    if status is Status.DONE:
        cell = _cell(mp.module.number, "afgerond", local_date(mp.completed_at), practice)
        if mp.certificate:
            return f'{cell}<br><a href="{certificate_prefix}{escape(mp.certificate)}.pdf">certificaat</a></td>'
        return cell + "</td>"
    detail = mp.percent if status is Status.IN_PROGRESS else None
    return _cell(mp.module.number, status.value, detail, practice, mp.stuck) + "</td>"


def shown_table(report: TeamReport, memo: Memo, team_id: int, *, status: str, search: str,
                sort: str) -> tuple[list[Row], Markup]:
    """The rows a manager asked for (filter, search, sort) and the table body that shows them.

    Without a search text the result is kept in the memo with the rows (course/teams/cache.py) until any
    member's row is built again; a row's HTML is kept until that member's row is built again.
    """
    member_prefix = url_for("manage.member", team_id=team_id, user_id=0)[:-1]
    certificate_prefix = url_for("manage.certificate", team_id=team_id, code="X")[:-len("X.pdf")]
    key = ("team-table", member_prefix, certificate_prefix, status, sort)
    keep = not search.strip() and status in STATUS_FILTERS and sort in SORTS  # a fixed set of keys
    if keep and key in memo.whole:
        return memo.whole[key]
    rows = filtered(report, status=status, search=search, sort=sort)
    made = memo.members.setdefault(key[:3], {})
    html = []
    for row in rows:
        row_html = made.get(row.user.id)
        if row_html is None:
            row_html = made[row.user.id] = _row_html(row, member_prefix, certificate_prefix)
        html.append(row_html)
    shown = rows, Markup("".join(html))
    if keep:
        memo.whole[key] = shown
    return shown


def _row_html(row: Row, member_prefix: str, certificate_prefix: str) -> str:
    progress = row.progress
    modules = progress.modules
    badge = ' <span class="badge badge-verlopen">Te laat</span>' if row.overdue else ""
    last_active = dutch_date(row.last_active) if row.last_active else "nog niet"
    overdue = ' class="overdue"' if row.overdue else ""
    return (f'<tr{overdue}><th scope="row">'
            f'<a href="{escape(member_prefix)}{row.user.id}">{escape(row.user.name)}</a>{badge}</th>'
            f'<td data-label="Modules">{progress.modules_done} van {len(modules)} modules '
            f'<span class="meta">({row.percent}% van de cursus)</span></td>'
            + "".join([_module_cell(mp, certificate_prefix) for mp in modules])
            + f'<td data-label="Laatst actief">{last_active}</td></tr>\n')
