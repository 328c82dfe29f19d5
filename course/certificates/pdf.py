"""The certificate as a PDF: one landscape A4 page with the name, title, hours, date, code and QR."""
from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import segno
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from course.catalog.model import frozen_study_text, practice_note
from course.models import Certificate
from course.text import dutch_date, slugify

FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
]


@lru_cache(maxsize=1)
def pdf_fonts() -> tuple[str, str]:
    """Register a TrueType font with wide Unicode coverage: DejaVu if present, else reportlab's Vera."""
    import reportlab
    for regular, bold in FONT_CANDIDATES:
        if Path(regular).exists() and Path(bold).exists():
            pdfmetrics.registerFont(TTFont("CertSans", regular))
            pdfmetrics.registerFont(TTFont("CertSans-Bold", bold))
            return "CertSans", "CertSans-Bold"
    fonts = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont("CertSans", str(fonts / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont("CertSans-Bold", str(fonts / "VeraBd.ttf")))
    return "CertSans", "CertSans-Bold"


def verify_url(base_url: str, code: str) -> str:
    """The public verification address of a certificate code (what the QR code holds)."""
    return f"{base_url.rstrip('/')}/verify/{code}"


@dataclass(frozen=True)
class CertificateData:
    """What a PDF shows; taken from the frozen certificate row."""

    code: str
    name: str
    title: str
    hours: float
    issuer: str
    issued_at: datetime
    is_course: bool
    signer: str | None = None  # a praktijkverklaring's coach, "name, role"
    practice_hours: float | None = None
    goals: tuple[str, ...] = ()  # empty on certificates issued before goals were listed
    quiz_score: float | None = None  # None on certificates issued before the score was stated
    practice_signed: bool | None = None  # a course certificate's practice part; None before it was stated

    @classmethod
    def of(cls, certificate: Certificate) -> "CertificateData":
        return cls(certificate.code, certificate.name, certificate.title, certificate.hours, certificate.issuer,
                   certificate.issued_at, certificate.is_course, certificate.signer, certificate.practice_hours,
                   tuple(certificate.goals or ()), certificate.quiz_score, certificate.practice_signed)

    @property
    def heading(self) -> str:
        return "Praktijkverklaring" if self.signer else "Certificaat"

    @property
    def lines(self) -> tuple[str, str, str, str]:
        """What, study load, date, and who issued or signed: the lines under the title."""
        load = f"Studiebelasting: {frozen_study_text(self.hours, self.practice_hours)}"
        if self.signer:
            return ("heeft in de eigen praktijk deze opdracht uitgevoerd, uit de online cursus Veilige Gehechtheid:",
                    load, f"Afgetekend op {dutch_date(self.issued_at)} door {self.signer}", f"Uitgegeven door: {self.issuer}")
        if self.quiz_score is not None and not self.is_course:  # what was measured, on new module certificates
            return ("heeft de kennistoets behaald van deze module uit de online cursus Veilige Gehechtheid:", load,
                    f"Kennistoets behaald op {dutch_date(self.issued_at)} met een score van {self.quiz_score:.0f}%",
                    f"Uitgegeven door: {self.issuer}")
        return ("met goed gevolg de volledige online cursus heeft afgerond:" if self.is_course else
                "met goed gevolg heeft afgerond, uit de online cursus Veilige Gehechtheid:",
                load, f"Datum van uitgifte: {dutch_date(self.issued_at)}", f"Uitgegeven door: {self.issuer}")

    @property
    def note(self) -> str:
        """Under a module or course certificate whose load has a practice part: that part is proven apart."""
        if self.signer:
            return ""
        return practice_note(course=self.is_course, practice_hours=self.practice_hours,
                             practice_signed=self.practice_signed)


# Raise when the drawing below changes, so that stored PDFs (certificates.stored_pdfs) are drawn again.
LAYOUT = 1


def fingerprint(data: CertificateData, base_url: str) -> str:
    """A hash of everything a certificate's PDF shows: the same fingerprint, the same PDF."""
    return hashlib.sha256(repr((LAYOUT, data, base_url)).encode()).hexdigest()


def _fit(text: str, font: str, size: float, max_width: float) -> float:
    """The largest font size up to `size` (down to 10) at which text fits in max_width."""
    while size > 10 and pdfmetrics.stringWidth(text, font, size) > max_width:
        size -= 1
    return size


@lru_cache(maxsize=128)
def render_pdf(data: CertificateData, base_url: str) -> bytes:
    """Render one certificate as an A4 landscape PDF.

    Cached per worker: a certificate's data is frozen at issue, so the same data always gives the
    same document (a reissue gets a new code and so new data).
    """
    regular, bold = pdf_fonts()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    c = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
    c.setTitle(f"{data.heading} {data.title} - {data.name}")
    c.setAuthor(data.issuer)
    c.setSubject(f"Verificatiecode {data.code}")
    teal = (0.043, 0.369, 0.388)
    c.setStrokeColorRGB(*teal)
    c.setLineWidth(6)
    c.rect(24, 24, width - 48, height - 48)
    c.setLineWidth(1)
    c.rect(36, 36, width - 72, height - 72)
    middle = width / 2
    c.setFillColorRGB(*teal)
    c.setFont(bold, 40)
    c.drawCentredString(middle, height - 120, data.heading)
    c.setFillColorRGB(0.11, 0.16, 0.19)
    c.setFont(regular, 16)
    c.drawCentredString(middle, height - 165, "Hierbij verklaren wij dat")
    size = _fit(data.name, bold, 32, width - 160)
    c.setFont(bold, size)
    c.drawCentredString(middle, height - 215, data.name)
    what, load, when, issuer = data.lines
    c.setFont(regular, _fit(what, regular, 16, width - 160))
    c.drawCentredString(middle, height - 260, what)
    size = _fit(data.title, bold, 24, width - 160)
    c.setFont(bold, size)
    c.setFillColorRGB(*teal)
    c.drawCentredString(middle, height - 300, data.title)
    c.setFillColorRGB(0.11, 0.16, 0.19)
    c.setFont(regular, 14)
    for offset, line in ((340, load), (362, when), (384, issuer)):
        c.setFont(regular, _fit(line, regular, 14, width - 160))
        c.drawCentredString(middle, height - offset, line)
    if data.note:
        c.setFont(regular, 11)
        c.drawCentredString(middle, height - 408, data.note)

    url = verify_url(base_url, data.code)
    qr = segno.make(url, error="m")
    modules = qr.matrix
    box = 110
    cell = box / (len(modules) + 8)
    x0, y0 = width - 60 - box, 60
    c.setFillColorRGB(1, 1, 1)
    c.rect(x0, y0, box, box, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(modules):
        for col_index, dark in enumerate(row):
            if dark:
                c.rect(x0 + (col_index + 4) * cell, y0 + box - (row_index + 5) * cell, cell, cell, stroke=0, fill=1)
    c.setFont(regular, 11)
    c.drawString(70, 118, f"Echt? Controleer deze {data.heading.lower()} op:" if data.signer else
                 "Echt? Controleer dit certificaat op:")
    c.setFont(bold, 11)
    c.drawString(70, 102, f"{base_url.rstrip('/')}/verify")
    c.setFont(regular, 11)
    c.drawString(70, 84, "met de verificatiecode:")
    c.setFont(bold, 16)
    c.drawString(70, 64, data.code)
    c.showPage()
    if data.goals:
        _goals_page(c, data, width, height, regular, bold)
    c.save()
    return buffer.getvalue()


def _goals_page(c: canvas.Canvas, data: CertificateData, width: float, height: float, regular: str, bold: str) -> None:
    """A second page: what the holder can do after this module (its learning goals); on a praktijkverklaring
    the rubric criteria the coach marked voldoende (none on those signed off before the rubric)."""
    c.setFillColorRGB(0.043, 0.369, 0.388)
    c.setFont(bold, 22)
    c.drawString(70, height - 90, "Beoordeeld als voldoende" if data.signer else "Wat de houder van dit certificaat kan")
    c.setFillColorRGB(0.11, 0.16, 0.19)
    c.setFont(regular, 12)
    c.drawString(70, height - 115, f"{data.title} · {data.name} · verificatiecode {data.code}")
    y, size = height - 150, 12 if len(data.goals) <= 22 else 10
    for goal in data.goals:
        lines = simpleSplit(goal, regular, size, width - 170)
        if y - len(lines) * (size + 3) < 50:
            break
        c.setFont(regular, size)
        c.drawString(80, y, "•")
        for line in lines:
            c.drawString(95, y, line)
            y -= size + 3
        y -= 4
    c.showPage()


def filename(data: CertificateData) -> str:
    """The download name of a certificate's PDF."""
    return f"{data.heading.lower()}-{slugify(data.title)}-{data.code}.pdf"


class _Chunks(io.RawIOBase):
    """A write-only stream that hands out what was written since the last take()."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out, self.parts = b"".join(self.parts), []
        return out


def zip_stream(pdfs: Iterable[tuple[CertificateData, bytes]]) -> Iterator[bytes]:
    """A ZIP of these certificate PDFs, piece by piece as it is written (stored: PDFs are compressed already)."""
    sink = _Chunks()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED) as archive:
        for data, pdf in pdfs:
            archive.writestr(f"{slugify(data.name) or 'cursist'}/{filename(data)}", pdf)
            yield sink.take()
    yield sink.take()


def zip_of(certificates: Iterable[CertificateData], base_url: str) -> bytes:
    """All given certificates as PDFs in one ZIP file."""
    return b"".join(zip_stream((data, render_pdf(data, base_url)) for data in certificates))
