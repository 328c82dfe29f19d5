"""The team table's rows as ready HTML: a 500-member team has 3,000 cells.

Through a Jinja macro per cell and `url_for` per link, the table of 500 took about 40 ms of the page's
time; here a cell's HTML is built once per distinct look (state, date, percentage, practice state) and
shared by every member who has it, links are a prefix plus an id, and a row's HTML is kept with the
team's cached rows (course/teams/cache.py) until that member's row changes; the template prints the
joined rows (templates/manage/team.html). The HTML comes from Markup templates whose format() escapes every
value, so no name or code can break out of it. What a cell shows: `tests/test_teams.py` reads it.
"""
from __future__ import annotations

from functools import lru_cache

from flask import url_for
from markupsafe import Markup

from course.progress import ModuleProgress, Status
from course.teams import Row, TeamReport, filtered
from course.teams.cache import Memo
from course.teams.report import SORTS, STATUS_FILTERS
from course.text import dutch_date, local_date

# The HTML of a cell and a row, as Markup templates: every value put in with format() is escaped.
_NOT_STARTED = Markup('<span aria-hidden="true">–</span><span class="visually-hidden">{label}</span>')
_STATE = Markup('<span class="badge badge-{state}">{label}</span><br><span class="meta">{detail}</span>')
_PRACTICE = Markup('<br><span class="meta practice-state">Praktijk: {practice}</span>')
_STUCK = Markup('<br><span class="badge badge-vast">Loopt vast op module {number}</span>')
_CELL = Markup('<td data-label="Module {number}">{body}')  # closed by the caller, after a certificate link
_CERTIFICATE = Markup('<br><a href="{prefix}{code}.pdf">certificaat</a></td>')
_LATE = Markup(' <span class="badge badge-verlopen">Te laat</span>')
_ROW = Markup('<tr{overdue}><th scope="row"><a href="{member}{user_id}">{name}</a>{late}</th>'
              '<td data-label="Modules">{done} van {modules} modules <span class="meta">({percent}% van de cursus)</span>'
              '</td>{cells}<td data-label="Laatst actief">{last_active}</td></tr>\n')


@lru_cache(maxsize=4096)
def _cell(number: int, state: str, detail, practice: str, stuck: bool = False) -> Markup:
    """A module cell without its certificate link and closing tag; the same for everyone in the same state.

    `state` is a Status value, `detail` the completion day (afgerond) or the percentage (bezig).
    """
    status = Status(state)
    label = status.label.capitalize()
    if status is Status.NOT_STARTED:
        body = _NOT_STARTED.format(label=label)
    else:
        shown = dutch_date(detail) if status is Status.DONE else f"{detail}% van module {number}"
        body = _STATE.format(state=state, label=label, detail=shown)
    if practice:
        body += _PRACTICE.format(practice=practice)
    if stuck:  # three failed quiz attempts: the coach and manager can help
        body += _STUCK.format(number=number)
    return _CELL.format(number=number, body=body)


def _module_cell(mp: ModuleProgress, certificate_prefix: str) -> Markup:
    status = mp.status
    practice = mp.practice.label if mp.practice is not None else ""
    if status is Status.DONE:
        cell = _cell(mp.module.number, "afgerond", local_date(mp.completed_at), practice)
        if mp.certificate:
            return cell + _CERTIFICATE.format(prefix=certificate_prefix, code=mp.certificate)
        return cell + Markup("</td>")
    detail = mp.percent if status is Status.IN_PROGRESS else None
    return _cell(mp.module.number, status.value, detail, practice, mp.stuck) + Markup("</td>")


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


def _row_html(row: Row, member_prefix: str, certificate_prefix: str) -> Markup:
    progress = row.progress
    modules = progress.modules
    return _ROW.format(
        overdue=Markup(' class="overdue"') if row.overdue else "", member=member_prefix, user_id=row.user.id,
        name=row.user.name, late=_LATE if row.overdue else "", done=progress.modules_done, modules=len(modules),
        percent=row.percent, cells=Markup("").join([_module_cell(mp, certificate_prefix) for mp in modules]),
        last_active=dutch_date(row.last_active) if row.last_active else "nog niet")
