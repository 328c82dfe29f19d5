"""flask certificate ...: revoke a certificate, and draw and store the PDFs a ZIP would otherwise draw."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from course import certificates
from course.errors import DomainError
from course.extensions import db
from course.models import Certificate, CertificatePdf

certificate = AppGroup("certificate", help="Certificaten beheren.")


@certificate.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Reden; staat op de openbare controlepagina.")
def revoke_certificate(code: str, reason: str):
    """Trek een certificaat in (de controlepagina meldt het daarna)."""
    found = certificates.find(db.session, code)
    if found is None:
        raise click.ClickException(f"Geen certificaat met code {code!r} gevonden.")
    try:
        certificates.revoke(db.session, found, reason)
    except DomainError as error:
        raise click.ClickException(str(error))
    click.echo(f"Certificaat {found.code} ({found.title}, {found.name}) is ingetrokken.")





@certificate.command("store-pdfs")
@click.option("--batch", type=click.IntRange(1, 5000), default=200, show_default=True,
              help="Certificaten per keer (elke keer wordt opgeslagen).")
def store_pdfs(batch: int):
    """Teken en bewaar de PDF van elk geldig certificaat dat er nog geen heeft (eenmalig na een update).

    Certificaten van voor het bewaren van PDF's worden anders pas bij de eerste zip getekend, wat bij
    honderden certificaten tientallen seconden duurt. Opnieuw draaien doet alleen wat nog ontbreekt.
    """
    missing = (select(Certificate).where(Certificate.revoked_at.is_(None), ~Certificate.id.in_(
        select(CertificatePdf.certificate_id))).order_by(Certificate.id))
    total = db.session.scalar(select(func.count()).select_from(missing.subquery()))
    if not total:
        click.echo("Elk geldig certificaat heeft zijn PDF al.")
        return
    base_url, done, last_id = current_app.config["BASE_URL"], 0, 0
    while found := list(db.session.scalars(missing.where(Certificate.id > last_id).limit(batch))):
        last_id = found[-1].id  # before storing commits and expires the rows
        certificates.store_pdfs(db.session, found, base_url)
        done += len(found)
        click.echo(f"{done} van {total} PDF's getekend en bewaard.")
    click.echo("Klaar: een zip van deze certificaten hoeft ze niet meer te tekenen.")
