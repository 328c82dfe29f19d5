"""The training record as XLSX (numbers as numbers, dates as dates, a totals row) and CSV for Dutch Excel."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from functools import lru_cache

from course.records import TrainingRecord
from course.spreadsheet import xlsx
from course.teams.exports import safe_cell
from course.text import slugify

HEADER = ["Naam", "E-mailadres", "Team", "Locatie", "LRK-nummer", "Module", "Begonnen", "Afgerond",
          "Uren scherm", "Uren praktijk", "Uren totaal", "Quizscore (%)", "Certificaatcode", "Controlelink certificaat",
          "Praktijkverklaring", "Controlelink praktijkverklaring"]


def _values(record: TrainingRecord):
    cell = lru_cache(maxsize=None)(safe_cell)  # names, teams and locations repeat on every row of a person
    for r in record.rows:
        yield [cell(r.name), cell(r.email), cell(r.team), cell(r.location), r.lrk_number,
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
    """The record as an Excel workbook: a title, one row per employee and module, then a totals row."""
    title = f"Opleidingsoverzicht {record.organisation.name}, {record.period.label}"
    rows = [([safe_cell(title)], True), (HEADER, True)]
    rows += ((values, False) for values in _values(record))
    rows.append((_totals(record), True))
    return xlsx("Opleidingsoverzicht", [24, 28, 20, 20, 14, 36, 12, 12, 11, 12, 11, 12, 16, 40, 18, 30], rows,
                numbers={8, 9, 10}, freeze=(1, 2))


def _dutch(value) -> str:
    kind = type(value)
    if kind is str:
        return value
    if value is None:
        return ""
    if kind is float:
        return f"{value:.2f}".replace(".", ",")
    if kind is date or kind is datetime:
        return f"{value.day:02d}-{value.month:02d}-{value.year}"
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
