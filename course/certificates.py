"""Certificates: issue (frozen), verify, revoke, reissue, and render as PDF."""
from __future__ import annotations

import io
import re
import secrets
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import segno
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course.catalog import Course, Module
from course.catalog.model import study_text
from course.errors import AlreadyRevoked, NotFound
from course.models import Certificate, ModuleCompletion, User, utcnow
from course.text import dutch_date, slugify

# No look-alikes: without 0/O, 1/I/L.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS, GROUP_SIZE = 3, 4




def new_code() -> str:
    """A random verification code like 'K7QX-3MZD-9TRH' (about 59 bits)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(CODE_GROUPS * GROUP_SIZE))
    return "-".join(chars[i:i + GROUP_SIZE] for i in range(0, len(chars), GROUP_SIZE))


def normalise_code(text: str) -> str | None:
    """Turn what a person typed into the stored form of a code, or None if it cannot be one."""
    raw = re.sub(r"[\s\-.]", "", (text or "").upper())
    if len(raw) != CODE_GROUPS * GROUP_SIZE or any(ch not in ALPHABET for ch in raw):
        return None
    return "-".join(raw[i:i + GROUP_SIZE] for i in range(0, len(raw), GROUP_SIZE))


def format_hours(hours: float) -> str:
    """Dutch notation: 7 -> '7', 1.75 -> '1,75'."""
    return f"{hours:g}".replace(".", ",")


def _issue(session: Session, user: User, scope: str, title: str, hours: float, issuer: str,
           when: datetime) -> Certificate:
    certificate = Certificate(code=new_code(), user_id=user.id, scope=scope, name=user.name, title=title,
                              hours=hours, issuer=issuer, issued_at=when)
    session.add(certificate)
    return certificate


def issue_for_completion(session: Session, course: Course, user: User, module: Module, issuer: str,
                         when: datetime) -> list[Certificate]:
    """Add the certificates a module completion earns to the session (the caller commits).

    Called in the same transaction as the ModuleCompletion row, so both land or neither does;
    the partial unique index turns a racing second issue into an IntegrityError.
    """
    issued = [_issue(session, user, module.slug, f"Module {module.number}: {module.title}", module.study_hours,
                     issuer, when)]
    session.flush()
    completed = set(session.scalars(select(ModuleCompletion.module_slug).where(ModuleCompletion.user_id == user.id)))
    if all(m.slug in completed for m in course.modules):
        issued.append(_issue(session, user, Certificate.COURSE_SCOPE, course.title, course.study_hours, issuer, when))
    return issued


def certificates_of(session: Session, user: User, include_revoked: bool = False) -> list[Certificate]:
    query = select(Certificate).where(Certificate.user_id == user.id)
    if not include_revoked:
        query = query.where(Certificate.revoked_at.is_(None))
    return list(session.scalars(query.order_by(Certificate.issued_at, Certificate.id)))


def find(session: Session, code: str) -> Certificate | None:
    """The certificate with this code (as typed by a person), or None."""
    normal = normalise_code(code)
    return session.scalar(select(Certificate).where(Certificate.code == normal)) if normal else None


def owned(session: Session, user: User, code: str) -> Certificate:
    """The user's own certificate with this code; NotFound for anyone else's (no hint it exists)."""
    certificate = find(session, code)
    if certificate is None or certificate.user_id != user.id:
        raise NotFound()
    return certificate


def revoke(session: Session, certificate: Certificate, reason: str, when: datetime | None = None) -> None:
    """Withdraw a certificate; the verification page will say so, with the reason."""
    if not certificate.is_valid:
        raise AlreadyRevoked()
    certificate.revoked_at = when or utcnow()
    certificate.revoked_reason = reason.strip() or "Ingetrokken door de beheerder."
    session.commit()


def reissue_with_current_name(session: Session, user: User, certificate: Certificate) -> Certificate:
    """Replace a certificate by one with the learner's corrected name (same title, hours and date).

    Two requests at once (a double click, two tabs) get the same outcome: the conditional UPDATE lets
    only one of them revoke the old certificate, and the other returns the replacement that one made.
    """
    if certificate.user_id != user.id:
        raise NotFound()
    revoked = session.execute(
        update(Certificate).where(Certificate.id == certificate.id, Certificate.revoked_at.is_(None))
        .values(revoked_at=utcnow(),
                revoked_reason="Vervangen door een nieuw certificaat met een gecorrigeerde naam.")
        .execution_options(synchronize_session=False)
    ).rowcount
    if revoked:
        replacement = Certificate(code=new_code(), user_id=user.id, scope=certificate.scope, name=user.name,
                                  title=certificate.title, hours=certificate.hours, issuer=certificate.issuer,
                                  issued_at=certificate.issued_at, signer=certificate.signer,
                                  practice_hours=certificate.practice_hours)
        session.add(replacement)
        try:
            session.commit()
            return replacement
        except IntegrityError:  # the other request's replacement landed first
            session.rollback()
    else:
        session.rollback()
    current = session.scalar(select(Certificate).where(Certificate.user_id == user.id,
                                                       Certificate.scope == certificate.scope,
                                                       Certificate.revoked_at.is_(None)))
    if current is None:
        raise NotFound()
    return current


# ----- PDF -----

FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
]


@lru_cache(maxsize=1)
def _fonts() -> tuple[str, str]:
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

    @classmethod
    def of(cls, certificate: Certificate) -> "CertificateData":
        return cls(certificate.code, certificate.name, certificate.title, certificate.hours, certificate.issuer,
                   certificate.issued_at, certificate.is_course, certificate.signer, certificate.practice_hours)

    @property
    def heading(self) -> str:
        return "Praktijkverklaring" if self.signer else "Certificaat"

    @property
    def lines(self) -> tuple[str, str, str, str]:
        """What, study load, date, and who issued or signed: the lines under the title."""
        if self.signer:
            return ("heeft in de eigen praktijk deze opdracht uitgevoerd, uit de online cursus Veilige Gehechtheid:",
                    f"Studiebelasting: {study_text(self.hours, self.practice_hours or 0)}",
                    f"Afgetekend op {dutch_date(self.issued_at)} door {self.signer}", f"Uitgegeven door: {self.issuer}")
        return ("met goed gevolg de volledige online cursus heeft afgerond:" if self.is_course else
                "met goed gevolg heeft afgerond, uit de online cursus Veilige Gehechtheid:",
                f"Studiebelasting: {format_hours(self.hours)} uur", f"Datum van uitgifte: {dutch_date(self.issued_at)}",
                f"Uitgegeven door: {self.issuer}")


def _fit(c: canvas.Canvas, text: str, font: str, size: float, max_width: float) -> float:
    while size > 10 and pdfmetrics.stringWidth(text, font, size) > max_width:
        size -= 1
    return size


@lru_cache(maxsize=128)
def render_pdf(data: CertificateData, base_url: str) -> bytes:
    """Render one certificate as an A4 landscape PDF.

    Cached per worker: a certificate's data is frozen at issue, so the same data always gives the
    same document (a reissue gets a new code and so new data).
    """
    regular, bold = _fonts()
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
    size = _fit(c, data.name, bold, 32, width - 160)
    c.setFont(bold, size)
    c.drawCentredString(middle, height - 215, data.name)
    what, load, when, issuer = data.lines
    c.setFont(regular, _fit(c, what, regular, 16, width - 160))
    c.drawCentredString(middle, height - 260, what)
    size = _fit(c, data.title, bold, 24, width - 160)
    c.setFont(bold, size)
    c.setFillColorRGB(*teal)
    c.drawCentredString(middle, height - 300, data.title)
    c.setFillColorRGB(0.11, 0.16, 0.19)
    c.setFont(regular, 14)
    for offset, line in ((340, load), (362, when), (384, issuer)):
        c.setFont(regular, _fit(c, line, regular, 14, width - 160))
        c.drawCentredString(middle, height - offset, line)

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
    c.save()
    return buffer.getvalue()


def filename(data: CertificateData) -> str:
    return f"{data.heading.lower()}-{slugify(data.title)}-{data.code}.pdf"


def zip_of(certificates: Iterable[CertificateData], base_url: str) -> bytes:
    """All given certificates as PDFs in one ZIP file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for data in certificates:
            person = slugify(data.name) or "cursist"
            archive.writestr(f"{person}/{filename(data)}", render_pdf(data, base_url))
    return buffer.getvalue()
