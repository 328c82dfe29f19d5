"""The training record as XLSX (numbers as numbers, dates as dates, a totals row) and CSV for Dutch Excel."""
from __future__ import annotations

import csv
import io

from course.records import TrainingRecord
from course.teams.exports import safe_cell
from course.text import slugify

HEADER = ["Naam", "E-mailadres", "Team", "Locatie", "LRK-nummer", "Module", "Begonnen", "Afgerond",
          "Uren scherm", "Uren praktijk", "Uren totaal", "Quizscore (%)", "Certificaatcode", "Controlelink certificaat",
          "Praktijkverklaring", "Controlelink praktijkverklaring"]


def _values(record: TrainingRecord):
    for r in record.rows:
        yield [safe_cell(r.name), safe_cell(r.email), safe_cell(r.team), safe_cell(r.location), r.lrk_number,
               f"Module {r.module_number}: {r.module_title}", r.started, r.completed, r.screen_hours,
               r.practice_hours, r.hours, None if r.quiz_score is None else round(r.quiz_score, 1),
               r.certificate_code, r.certificate_url, r.practice_code, r.practice_url]


def filename(record: TrainingRecord, extension: str) -> str:
    """'opleidingsoverzicht-kinderopvang-zonnebloem-2026.xlsx': the organisation and the period in the name."""
    return f"opleidingsoverzicht-{slugify(record.organisation.name) or 'organisatie'}-{record.period.slug}.{extension}"


def _totals(record: TrainingRecord) -> list:
    screen = sum(r.screen_hours for r in record.rows)
    practice = sum(r.practice_hours for r in record.rows)
    return ["Totaal", f"{len({r.user_id for r in record.rows})} medewerkers", "", "", "",
            f"{record.completions} modules afgerond", None, None, screen, practice, screen + practice]


def export_xlsx(record: TrainingRecord) -> bytes:
    """The record as an Excel workbook: one row per employee and module, then a totals row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Opleidingsoverzicht")
    widths = [24, 28, 20, 20, 14, 36, 12, 12, 11, 12, 11, 12, 16, 40, 18, 30]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "B3"
    from openpyxl.cell import WriteOnlyCell
    title = WriteOnlyCell(sheet, f"Opleidingsoverzicht {record.organisation.name}, {record.period.label}")
    title.font = Font(bold=True)
    sheet.append([title])
    header = []
    for text in HEADER:
        cell = WriteOnlyCell(sheet, text)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for values in _values(record):
        row = []
        for index, value in enumerate(values):
            cell = WriteOnlyCell(sheet, value)
            if index in (6, 7) and value is not None:
                cell.number_format = "DD-MM-YYYY"
            elif index in (8, 9, 10):
                cell.number_format = "0.00"
            row.append(cell)
        sheet.append(row)
    totals = []
    for index, value in enumerate(_totals(record)):
        cell = WriteOnlyCell(sheet, value)
        cell.font = Font(bold=True)
        if index in (8, 9, 10):
            cell.number_format = "0.00"
        totals.append(cell)
    sheet.append(totals)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _dutch(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    if hasattr(value, "strftime"):
        return value.strftime("%d-%m-%Y")
    return str(value)


def export_csv(record: TrainingRecord) -> bytes:
    """The record as CSV for Dutch Excel: UTF-8 with BOM, ';' between fields, decimal commas."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for values in _values(record):
        writer.writerow([_dutch(v) for v in values])
    writer.writerow([_dutch(v) for v in _totals(record)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
