"""A one-sheet XLSX file written directly as XML: text, numbers and dates, bold rows, widths, frozen panes.

openpyxl builds an object per cell and writes it through an XML library: for the training record of
a large organisation (about 200,000 cells) that took 12 s or more. Here a row is one string, so the
same sheet takes a fraction of a second. Text goes in as inline strings, so there is no shared table
to build; Excel, LibreOffice and openpyxl read them as ordinary text cells.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from typing import Iterable
from xml.sax.saxutils import escape, quoteattr

_EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year bug already counted in)
_EPOCH_DAY = _EPOCH.toordinal()
# What XML 1.0 cannot hold at all (control characters other than tab and newlines, lone surrogates).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell styles (index into cellXfs below): plain, bold, date, number with two decimals, and bold ones.
PLAIN, BOLD, DATE, NUMBER, BOLD_NUMBER, BOLD_DATE = range(6)
_STYLES = (_HEAD + f'<styleSheet xmlns="{_MAIN}">'
           '<numFmts count="1"><numFmt numFmtId="164" formatCode="DD-MM-YYYY"/></numFmts>'
           '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
           '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
           '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           '<xf numFmtId="2" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>'
           '<xf numFmtId="164" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>'
           '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
           '</styleSheet>')


def column_letter(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value, bold: bool, number: bool) -> str:
    kind = type(value)
    if kind is str:
        text = escape(_NOT_XML.sub("", value))
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        style = f' s="{BOLD}"' if bold else ""
        return f'<c r="{ref}" t="inlineStr"{style}><is><t{space}>{text}</t></is></c>'
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind is int or kind is float:
        style = (BOLD_NUMBER if bold else NUMBER) if number else (BOLD if bold else PLAIN)
        return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'
    if kind is date:
        return f'<c r="{ref}" s="{BOLD_DATE if bold else DATE}"><v>{value.toordinal() - _EPOCH_DAY}</v></c>'
    if kind is datetime:
        serial = (value.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{BOLD_DATE if bold else DATE}"><v>{serial!r}</v></c>'
    return _cell(ref, str(value), bold, number)


def xlsx(sheet_name: str, widths: list[float], rows: Iterable[tuple[list, bool]], numbers: set[int] = frozenset(),
         freeze: tuple[int, int] = (0, 0)) -> bytes:
    """A workbook with one sheet: `rows` gives (values, bold) per row; None and '' leave a cell empty.

    Numbers in the columns of `numbers` show two decimals; dates show as dd-mm-jjjj and stay dates.
    `freeze` is (columns, rows) kept in view while scrolling.
    """
    letters = [column_letter(i) for i in range(max(len(widths), 1))]
    parts = []
    for number, (values, bold) in enumerate(rows, start=1):
        while len(letters) < len(values):
            letters.append(column_letter(len(letters)))
        cells = "".join(_cell(f"{letters[i]}{number}", value, bold, i in numbers)
                        for i, value in enumerate(values) if value is not None and value != "")
        parts.append(f'<row r="{number}">{cells}</row>')
    columns, top = freeze
    view = '<sheetView workbookViewId="0"/>'
    if columns or top:
        view = (f'<sheetView workbookViewId="0"><pane xSplit="{columns}" ySplit="{top}" '
                f'topLeftCell="{column_letter(columns)}{top + 1}" activePane="bottomRight" state="frozen"/></sheetView>')
    cols = "".join(f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>' for i, width in enumerate(widths, 1))
    sheet = (f'{_HEAD}<worksheet xmlns="{_MAIN}"><sheetViews>{view}</sheetViews>'
             f'<sheetFormatPr defaultRowHeight="15"/>{"<cols>%s</cols>" % cols if cols else ""}'
             f'<sheetData>{"".join(parts)}</sheetData></worksheet>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _HEAD + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'))
        archive.writestr("_rels/.rels", f'{_HEAD}<Relationships xmlns="{_PACKAGE_REL}"><Relationship Id="rId1" '
                                        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
                                            f'<sheet name={quoteattr(sheet_name[:31])} sheetId="1" r:id="rId1"/>'
                                            f'</sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", f'{_HEAD}<Relationships xmlns="{_PACKAGE_REL}">'
                                                       f'<Relationship Id="rId1" Type="{_REL}/worksheet" '
                                                       f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
                                                       f'Type="{_REL}/styles" Target="styles.xml"/></Relationships>')
        archive.writestr("xl/styles.xml", _STYLES)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()
