"""The team table as CSV and XLSX for Dutch Excel, and the team's certificates."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.models import Certificate, Team, TeamMembership
from course.progress import CourseProgress, ModuleProgress, Status
from course.teams.report import TeamReport
from course.text import dutch_date, printable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Text fit for a spreadsheet cell: no formula (CSV/XLSX injection), no control characters.

    Names are checked on the way in (course/text.py); rows stored before that rule may still hold
    characters that XLSX cannot store, so they are dropped here too.
    """
    value = printable(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def _table(report: TeamReport) -> tuple[list[str], list[list[str]]]:
    header = ["Naam", "E-mailadres", "Lid sinds"]
    for module in report.course.modules:
        header.append(f"Module {module.number}: {module.title}")
    header += ["Hele cursus", "Voortgang (%)", "Certificaat cursus", "Te laat"]
    practice = [m for m in report.course.modules if m.assignment]
    header += [f"Praktijk module {m.number}" for m in practice]  # the state only, never the hand-in
    body = []
    for row in report.rows:
        cells = [safe_cell(row.user.name), safe_cell(row.user.email), dutch_date(row.joined_at)]
        for module in row.modules:
            cells.append(_describe(module))
        cells += [_describe(row.progress), str(row.progress.percent), row.progress.certificate or "",
                  "ja" if row.overdue else "nee"]
        cells += [(mp.practice.label if mp.practice else "") for mp in row.modules if mp.module.assignment]
        body.append(cells)
    return header, body


def _describe(progress: ModuleProgress | CourseProgress) -> str:
    if progress.status is Status.DONE:
        return f"{progress.status.label} {dutch_date(progress.completed_at)}"
    if progress.status is Status.IN_PROGRESS:
        return f"{progress.status.label} {progress.percent}%"
    return progress.status.label


def export_csv(report: TeamReport) -> bytes:
    """The team table as CSV for Dutch Excel: UTF-8 with BOM, ';' between fields."""
    header, body = _table(report)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(body)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(report: TeamReport) -> bytes:
    """The team table as an Excel workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    header, body = _table(report)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Voortgang"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in body:
        sheet.append(row)
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(12, width + 2), 50)
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def team_certificates(session: Session, team: Team) -> list[Certificate]:
    """All valid certificates of the team's current members."""
    member_ids = select(TeamMembership.user_id).where(TeamMembership.team_id == team.id).scalar_subquery()
    return list(session.scalars(select(Certificate).where(Certificate.user_id.in_(member_ids),
                                                          Certificate.revoked_at.is_(None))
                                .order_by(Certificate.user_id, Certificate.issued_at)))
