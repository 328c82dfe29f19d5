"""The training record as XLSX (numbers as numbers, dates as dates, a totals row) and CSV for Dutch Excel."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from functools import lru_cache
from typing import Sequence

from course.records import ExternalRow, TrainingRecord
from course.spreadsheet import xlsx
from course.teams.exports import safe_cell
from course.text import slugify

HEADER = ["Naam", "E-mailadres", "Team", "Locatie", "LRK-nummer", "Module", "Begonnen", "Afgerond",
          "Uren scherm", "Uren praktijk", "Uren totaal", "Quizscore (%)", "Certificaatcode", "Controlelink certificaat",
          "Praktijkverklaring", "Controlelink praktijkverklaring"]


EXTERNAL_TITLE = ("Extern behaald: elders gevolgd en als Open Badge gecontroleerd (handtekening, uitgever, niet "
                  "ingetrokken); niet in de totalen hierboven")
EXTERNAL_HEADER = ["Naam", "E-mailadres", "Team", "Titel", "Uitgegeven door", "Behaald op", "Uren"]


def _external_values(record: TrainingRecord, external: Sequence[ExternalRow]):
    """One row per piece of proof from elsewhere, with the employee it belongs to."""
    members = {m.user_id: m for m in record.members}
    for e in external:
        m = members.get(e.user_id)
        if m is not None:
            yield [safe_cell(m.name), safe_cell(m.email), safe_cell(m.team), safe_cell(e.title), safe_cell(e.issuer),
                   e.achieved, e.hours]


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


def export_xlsx(record: TrainingRecord, external: Sequence[ExternalRow] = ()) -> bytes:
    """The record as an Excel workbook: a title, one row per employee and module, then a totals row; below it,
    apart, what employees achieved elsewhere ("extern behaald")."""
    title = f"Opleidingsoverzicht {record.organisation.name}, {record.period.label}"
    rows = [([safe_cell(title)], True), (HEADER, True)]
    rows += ((values, False) for values in _values(record))
    rows.append((_totals(record), True))
    elsewhere = list(_external_values(record, external))
    if elsewhere:
        rows += [([], False), ([EXTERNAL_TITLE], True), (EXTERNAL_HEADER, True)]
        rows += ((values, False) for values in elsewhere)
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


def export_csv(record: TrainingRecord, external: Sequence[ExternalRow] = ()) -> bytes:
    """The record as CSV for Dutch Excel: UTF-8 with BOM, ';' between fields, decimal commas; proof from
    elsewhere follows apart, under its own heading."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for values in _values(record):
        writer.writerow([_dutch(v) for v in values])
    writer.writerow([_dutch(v) for v in _totals(record)])
    elsewhere = list(_external_values(record, external))
    if elsewhere:
        writer.writerows([[], [EXTERNAL_TITLE], EXTERNAL_HEADER])
        writer.writerows([_dutch(v) for v in values] for values in elsewhere)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
