"""'Overzicht scholing' as PDF: one per employee (personnel file) and one per organisation (opleidingsplan)."""
from __future__ import annotations

import io
from collections import defaultdict
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from course.catalog import Course
from course.certificates.pdf import pdf_fonts
from course.records import ExternalRow, Member, Summary, TrainingRecord
from course.text import dutch_date, dutch_hours, markup


def _styles():
    regular, bold = pdf_fonts()
    return (ParagraphStyle("kop", fontName=bold, fontSize=16, leading=20, spaceAfter=6),
            ParagraphStyle("tekst", fontName=regular, fontSize=10, leading=13),
            ParagraphStyle("klein", fontName=regular, fontSize=8, leading=10), regular, bold)


def _table(data, widths, bold):
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), bold), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black), ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
        ("FONTNAME", (0, -1), (-1, -1), bold), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.HexColor("#eef5f5")]),
    ]))
    return table


def _document(story, title: str, issuer: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=title, author=issuer)
    doc.build(story)
    return buffer.getvalue()


def employee_pdf(record: TrainingRecord, member: Member, issuer: str, base_url: str, today: date,
                 external: list[ExternalRow] = ()) -> bytes:
    """One employee's training in the period: per module the dates, hours, score and proof."""
    heading, text, small, regular, bold = _styles()
    rows = record.rows_of(member.user_id)
    place = member.location + (f" (LRK {member.lrk_number})" if member.lrk_number else "")
    story = [Paragraph("Overzicht scholing", heading),
             Paragraph(f"<b>{markup(member.name)}</b>, {markup(record.organisation.name)}", text),
             Paragraph(f"Team: {markup(member.team)}" + (f" · Locatie: {markup(place)}" if member.location else ""),
                       text),
             Paragraph(f"Periode: {record.period.label} · Cursus: Veilige Gehechtheid (online)", text), Spacer(1, 8)]
    data = [["Module", "Begonnen", "Afgerond", "Uren", "Quiz", "Certificaat"]]
    for r in rows:
        data.append([Paragraph(f"Module {r.module_number}: {markup(r.module_title)}", small), dutch_date(r.started),
                     dutch_date(r.completed), dutch_hours(r.hours) if r.hours else "",
                     f"{r.quiz_score:.0f}%" if r.quiz_score is not None else "", r.certificate_code])
    data.append(["Totaal", "", f"{sum(r.completed is not None for r in rows)} afgerond",
                 dutch_hours(sum(r.hours for r in rows)), "", ""])
    story += [_table(data, [62 * mm, 24 * mm, 24 * mm, 14 * mm, 14 * mm, 36 * mm], bold), Spacer(1, 10),
              Paragraph("Uren: de studiebelasting van de afgeronde modules (schermtijd; praktijkuren komen erbij "
                        "zodra praktijkopdrachten zijn afgetekend). Controleer een certificaat met de code op "
                        f"{base_url.rstrip('/')}/verify.", small),
              Spacer(1, 6)]
    elsewhere = [e for e in external if e.user_id == member.user_id]
    if elsewhere:
        data = [["Extern behaald", "Uitgegeven door", "Datum", "Uren"]]
        for e in elsewhere:
            data.append([Paragraph(markup(e.title), small), Paragraph(markup(e.issuer), small),
                         dutch_date(e.achieved), dutch_hours(e.hours) if e.hours else "onbekend"])
        data.append(["Totaal extern", "", "", dutch_hours(sum(e.hours or 0 for e in elsewhere))])
        story += [Paragraph("Extern behaald: elders gevolgd, niet in deze cursus. Elk bewijs is een Open Badge "
                            "die we bij het toevoegen hebben gecontroleerd (handtekening, uitgever, niet ingetrokken, "
                            "niet verlopen).", small), Spacer(1, 4),
                  _table(data, [70 * mm, 56 * mm, 24 * mm, 24 * mm], bold), Spacer(1, 6)]
    story.append(Paragraph(f"Opgemaakt op {dutch_date(today)} door {markup(issuer)}.", small))
    return _document(story, f"Overzicht scholing {member.name} {record.period.label}", issuer)


def organisation_pdf(record: TrainingRecord, course: Course, by_location: list[Summary], by_team: list[Summary],
                     issuer: str, today: date) -> bytes:
    """The organisation's training in the period: per location and team, then hours per employee."""
    heading, text, small, regular, bold = _styles()
    story = [Paragraph("Overzicht scholing", heading),
             Paragraph(f"<b>{markup(record.organisation.name)}</b>"
                       + (f" (LRK {record.organisation.lrk_number})" if record.organisation.lrk_number else ""), text),
             Paragraph(f"Periode: {record.period.label} · Cursus: Veilige Gehechtheid (online, "
                       f"{len(course.modules)} modules)", text),
             Paragraph(f"{len(record.members)} medewerkers, {record.completions} modules afgerond, "
                       f"{dutch_hours(record.hours)} uur.", text), Spacer(1, 8)]
    for title, summaries in (("Per locatie", by_location), ("Per team", by_team)):
        data = [[title, "LRK-nummer", "Medewerkers", "Actief", "Modules af", "Uren", "Cursus af"]]
        for s in summaries:
            data.append([Paragraph(markup(s.name), small), s.lrk_number, s.members, s.active, s.completions,
                         dutch_hours(s.hours), s.finished])
        data.append(["Totaal", "", sum(s.members for s in summaries), sum(s.active for s in summaries),
                     sum(s.completions for s in summaries), dutch_hours(sum(s.hours for s in summaries)),
                     sum(s.finished for s in summaries)])
        story += [_table(data, [56 * mm, 26 * mm, 22 * mm, 16 * mm, 20 * mm, 16 * mm, 18 * mm], bold), Spacer(1, 10)]
    per_person: dict[int, list] = defaultdict(list)
    for r in record.rows:
        per_person[r.user_id].append(r)
    data = [["Medewerker", "Team", "Modules af", "Uren"]]
    for m in record.members:
        rows = per_person.get(m.user_id, [])
        if rows:
            data.append([Paragraph(markup(m.name), small), Paragraph(markup(m.team), small),
                         sum(r.completed is not None for r in rows), dutch_hours(sum(r.hours for r in rows))])
    data.append(["Totaal", "", record.completions, dutch_hours(record.hours)])
    story += [Paragraph("Per medewerker (wie in de periode studeerde)", text), Spacer(1, 4),
              _table(data, [70 * mm, 60 * mm, 22 * mm, 22 * mm], bold), Spacer(1, 8),
              Paragraph(f"Opgemaakt op {dutch_date(today)} door {markup(issuer)}.", small)]
    return _document(story, f"Overzicht scholing {record.organisation.name} {record.period.label}", issuer)
