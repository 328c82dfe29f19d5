"""Certificates: issued once with the completion, frozen, private, verifiable, revocable; the PDF read back."""
import io

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from course import attempts, certificates
from course.extensions import db
from course.models import Certificate, ModuleCompletion, QuizAttempt, User
from course.progress import mark_lesson_done
from course.text import dutch_date

from conftest import NAME, at_once, complete_module, only_certificate, post_form


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


@pytest.fixture
def anouk(make_user, auth):
    user_id = make_user(name=NAME, email="anouk@voorbeeld.nl")
    auth.login("anouk@voorbeeld.nl")
    return user_id


def pdf_text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_completing_a_module_issues_its_certificate(client, app, anouk):
    complete_module(app, anouk)
    certificate = only_certificate(app)
    assert certificate.name == NAME and certificate.title == "Module 1: Module 1 van de test"
    assert certificate.issuer == "Testorganisatie"
    html = client.get("/certificaten/").get_data(as_text=True)
    assert certificate.code in html and "Download pdf" in html
    assert certificate.code in client.get("/cursus/").get_data(as_text=True)


def test_pdf_reads_back_with_name_title_date_code_and_qr(client, app, anouk):
    complete_module(app, anouk)
    certificate = only_certificate(app)
    response = client.get(f"/certificaten/{certificate.code}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader, text = pdf_text(response.data)
    assert len(reader.pages) == 2  # the certificate, then the module's learning goals
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    assert NAME in text
    assert "Module 1: Module 1 van de test" in text
    assert dutch_date(certificate.issued_at) in text
    assert certificate.code in text
    assert "Testorganisatie" in text
    page = pypdfium2.PdfDocument(response.data)[0]
    image = page.render(scale=3).to_pil()
    decoded = [r.text for r in zxingcpp.read_barcodes(image)]
    assert decoded == [f"{app.config['BASE_URL']}/verify/{certificate.code}"]


@pytest.mark.parametrize("name", ["Zoë Brûlé", "Şükrü Çelik-Öztürk", "Łucja Wiśniewska", "Jan"])
def test_any_unicode_name_survives_in_the_pdf(name):
    from datetime import datetime
    data = certificates.CertificateData("AAAA-BBBB-CCCC", name, "Veilige Gehechtheid", 7, "Org",
                                        datetime(2026, 11, 21), True)
    _, text = pdf_text(certificates.render_pdf(data, "https://cursus.example"))
    assert name in text and "7 uur" in text and "21 november 2026" in text


def test_completing_all_modules_issues_the_course_certificate(app, anouk):
    complete_module(app, anouk, "eerste-module")
    assert only_certificate(app, "cursus") is None
    complete_module(app, anouk, "tweede-module")
    course_cert = only_certificate(app, "cursus")
    assert course_cert.title == "Testcursus" and (course_cert.hours, course_cert.practice_hours) == (2.25, 1)
    assert count(app, Certificate) == 3


def test_certificate_is_issued_once_when_two_submits_race(app, make_user):
    user_id = make_user(name=NAME)
    with app.app_context():
        course = app.extensions["course"]
        module = course.module("eerste-module")
        user = db.session.get(User, user_id)
        for lesson in module.lessons:
            mark_lesson_done(db.session, user, lesson)
        attempt = attempts.start_attempt(db.session, user, module)
        attempt_id = attempt.id
        answers = {d.question.id: d.question.key() for d in attempts.drawn_questions(attempt, module.quiz)}
        db.session.remove()
    at_once(app, lambda: (db.session.get(User, user_id), db.session.get(QuizAttempt, attempt_id)),
            lambda user, attempt: attempts.submit_attempt(db.session, course, user, module, attempt, answers, "Org"))
    assert count(app, Certificate) == 1
    assert count(app, ModuleCompletion) == 1


def test_database_refuses_a_second_valid_certificate(app, make_user):
    user_id = make_user()
    with app.app_context():
        for _ in range(2):
            db.session.add(Certificate(code=certificates.new_code(), user_id=user_id, scope="eerste-module",
                                       name="x", title="t", hours=1, issuer="i"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_certificate_is_frozen_after_a_name_change(client, app, anouk):
    complete_module(app, anouk)
    code = only_certificate(app).code
    post_form(client, "/account/", {"naam-name": "Anouk Jansen", "naam-submit": "1"}, prefix="naam")
    assert NAME in client.get(f"/verify/{code}").get_data(as_text=True)
    _, text = pdf_text(client.get(f"/certificaten/{code}.pdf").data)
    assert NAME in text and "Anouk Jansen" not in text


def test_reissue_with_corrected_name(client, app, anouk):
    complete_module(app, anouk)
    old = only_certificate(app).code
    post_form(client, "/account/", {"naam-name": "Anouk van der Meer-Çelik-Jansen", "naam-submit": "1"}, prefix="naam")
    page = client.get(f"/certificaten/{old}/opnieuw").get_data(as_text=True)
    assert "De oude code" in page
    response = post_form(client, f"/certificaten/{old}/opnieuw", {})
    assert response.status_code == 302
    with app.app_context():
        new = db.session.scalar(select(Certificate).where(Certificate.revoked_at.is_(None)))
        assert new.code != old and new.name == "Anouk van der Meer-Çelik-Jansen"
    assert "ingetrokken" in client.get(f"/verify/{old}").get_data(as_text=True)
    assert "Geldig certificaat" in client.get(f"/verify/{new.code}").get_data(as_text=True)


def test_strangers_get_404_for_someone_elses_certificate(client, app, auth, make_user, anouk):
    complete_module(app, anouk)
    code = only_certificate(app).code
    auth.logout()
    assert client.get(f"/certificaten/{code}.pdf").status_code == 302  # anonymous: log in first
    make_user(email="vreemde@voorbeeld.nl")
    auth.login("vreemde@voorbeeld.nl")
    assert client.get(f"/certificaten/{code}.pdf").status_code == 404
    assert client.get("/certificaten/ZZZZ-ZZZZ-ZZZZ.pdf").status_code == 404
    assert client.get(f"/certificaten/{code}/opnieuw").status_code == 404


def test_verify_valid_shows_name_title_date_and_nothing_more(client, app, anouk, auth):
    complete_module(app, anouk)
    certificate = only_certificate(app)
    auth.logout()
    for url in (f"/verify/{certificate.code}", f"/verify?code={certificate.code.lower().replace('-', ' ')}"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Geldig certificaat" in html and NAME in html and certificate.title in html
        assert dutch_date(certificate.issued_at) in html
        assert "anouk@voorbeeld.nl" not in html


@pytest.mark.parametrize("code", ["ZZZZ-ZZZZ-ZZZZ", "abc", "0000-OOOO-IIII", "x" * 500, "<script>"])
def test_verify_unknown_code(client, code):
    response = client.get("/verify", query_string={"code": code})
    assert response.status_code == 404
    assert "Niet gevonden" in response.get_data(as_text=True)


def test_verify_revoked_code(client, app, anouk, runner):
    complete_module(app, anouk)
    code = only_certificate(app).code
    result = runner.invoke(args=["certificate", "revoke", code, "--reason", "Uitgegeven door een fout in de quiz."])
    assert result.exit_code == 0, result.output
    html = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Dit certificaat is ingetrokken" in html and "Uitgegeven door een fout in de quiz." in html
    again = runner.invoke(args=["certificate", "revoke", code, "--reason", "nog eens"])
    assert again.exit_code != 0 and "al ingetrokken" in again.output
    assert runner.invoke(args=["certificate", "revoke", "ZZZZ-ZZZZ-ZZZZ", "--reason", "x"]).exit_code != 0


def test_verification_is_rate_limited_in_dutch(client, rate_limit):
    rate_limit("VERIFY_RATE_LIMIT", "3 per minute")
    statuses = [client.get("/verify/ZZZZ-ZZZZ-ZZZZ").status_code for _ in range(4)]
    response = client.get("/verify?code=ZZZZ-ZZZZ-ZZZZ")  # the other way in shares the budget
    assert statuses[:3] == [404, 404, 404] and statuses[3] == 429
    assert response.status_code == 429 and "Even rustig aan" in response.get_data(as_text=True)


def test_home_page_links_to_verification(client):
    assert 'href="/verify"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("typed, stored", [
    ("k7qx 3mzd 9trh", "K7QX-3MZD-9TRH"), ("K7QX-3MZD-9TRH", "K7QX-3MZD-9TRH"), ("K7QX3MZD9TRH", "K7QX-3MZD-9TRH"),
    ("K7QX-3MZD-9TR", None), ("O0I1-3MZD-9TRH", None),
])
def test_normalise_code(typed, stored):
    assert certificates.normalise_code(typed) == stored


def test_codes_avoid_look_alikes():
    for _ in range(200):
        code = certificates.new_code()
        assert len(code) == 14 and not set(code) & set("01OIL")


def test_store_pdfs_draws_what_is_missing_once(app, runner, make_user):
    """`flask certificate store-pdfs`: certificates issued before PDFs were stored get theirs, in batches."""
    from sqlalchemy import delete

    from course.models import CertificatePdf
    learners = [make_user(name=f"Leerling {name}", email=f"{name.lower()}@voorbeeld.nl")
                for name in ("Anna", "Bram", "Cem")]
    for learner in learners:
        complete_module(app, learner)
    with app.app_context():
        db.session.execute(delete(CertificatePdf))  # as before PDFs were stored
        revoked = db.session.scalar(select(Certificate).where(Certificate.user_id == learners[0]))
        certificates.revoke(db.session, revoked, "Test")
        db.session.remove()
    result = runner.invoke(args=["certificate", "store-pdfs", "--batch", "1"])
    assert result.exit_code == 0, result.output
    assert "1 van 2" in result.output and "2 van 2" in result.output and "Klaar" in result.output
    with app.app_context():
        stored = db.session.execute(select(Certificate.name, CertificatePdf.pdf).join(
            CertificatePdf, CertificatePdf.certificate_id == Certificate.id).order_by(Certificate.name)).all()
        db.session.remove()
    assert [name for name, _ in stored] == ["Leerling Bram", "Leerling Cem"]  # not the revoked one
    assert "Leerling Cem" in PdfReader(io.BytesIO(stored[1].pdf)).pages[0].extract_text()
    again = runner.invoke(args=["certificate", "store-pdfs"])
    assert again.exit_code == 0 and "heeft zijn PDF al" in again.output
    assert runner.invoke(args=["certificate", "store-pdfs", "--batch", "0"]).exit_code == 2
