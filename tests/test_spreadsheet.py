"""The XLSX writer (course/spreadsheet.py), read back with openpyxl as Excel would read it."""
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from course.spreadsheet import column_letter, xlsx


@pytest.mark.parametrize("index, letters", [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (701, "ZZ"),
                                            (702, "AAA")])
def test_column_letters(index, letters):
    assert column_letter(index) == letters


def test_values_come_back_as_what_they_are():
    rows = [(["Titel"], True),
            (["Naam", "Datum", "Uren", "Aantal", "Ja", "Moment", "Leeg", "Na leeg"], True),
            (["Ève & <Zoë> \"'", date(2026, 3, 1), 1.75, 3, True, datetime(2026, 3, 1, 12, 30), None, " spatie "], False),
            (["Totaal", None, 1.75, 3], True)]
    data = xlsx("Blad <1>", [20, 12], rows, numbers={2}, freeze=(1, 2))
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.title == "Blad <1>"
    values = list(sheet.iter_rows(values_only=True))
    assert values[2][0] == "Ève & <Zoë> \"'" and values[2][7] == " spatie " and values[2][6] is None
    assert values[2][1] == datetime(2026, 3, 1) and sheet["B3"].number_format == "DD-MM-YYYY"
    assert values[2][5] == datetime(2026, 3, 1, 12, 30)
    assert values[2][2] == 1.75 and sheet["C3"].number_format == "0.00" and sheet["D3"].number_format == "General"
    assert values[2][3] == 3 and isinstance(values[2][3], int) and values[2][4] is True
    assert sheet["A1"].font.b and sheet["C4"].font.b and not sheet["A3"].font.b
    assert sheet.freeze_panes == "B3" and sheet.column_dimensions["A"].width == 20


def test_characters_xml_cannot_hold_are_dropped_and_wide_rows_get_more_columns():
    data = xlsx("Blad", [], [(["a\x00b\x1fc\td", *range(30)], False)])
    [row] = load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)
    assert row[0] == "abc\td" and row[30] == 29
