"""The study load: computed from the catalog once, shown in the same words on every page, certificate and record."""
import io
import shutil
from datetime import date, datetime, timezone

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select, update

from course import practice, records, teams
from course.catalog import ContentError, load_catalog
from course.certificates import CertificateData, render_pdf
from course.extensions import db
from course.models import Certificate, Organisation, Team, User

from conftest import FIXTURES, all_criteria_met, complete_module, only_certificate

# The fixture course: module 1 has 40 min of lessons and quiz (0,75 h) and a 60-minute assignment;
# module 2 has 35 min (0,5 h) and no assignment.
MODULE_1 = "ongeveer 1,75 uur studie, waarvan 1 uur in de praktijk"
MODULE_2 = "ongeveer 0,5 uur studie"
COURSE = "ongeveer 2,25 uur studie, waarvan 1 uur in de praktijk"


TODAY = date(2026, 6, 17)


@pytest.fixture(autouse=True)
def _pinned_clock():
    # Mid-year: a training record "of this year" must not change under a run over New Year's Eve.
    with time_machine.travel(datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0, tzinfo=timezone.utc), tick=True):
        yield


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_catalog_computes_the_hours_and_the_course_is_the_sum_of_its_modules(course):
    first, second = course.modules
    assert (first.screen_hours, first.practice_hours, first.total_hours) == (0.75, 1, 1.75)
    assert (second.screen_hours, second.practice_hours, second.total_hours) == (0.5, 0, 0.5)
    assert (course.screen_hours, course.practice_hours, course.total_hours) == (1.25, 1, 2.25)
    assert (first.study_text, second.study_text, course.study_text) == (MODULE_1, MODULE_2, COURSE)


def test_the_real_course_states_its_practice_hours():
    from course.config import ROOT
    real = load_catalog(ROOT / "content", ROOT / "quizzes")
    assert real.total_hours == sum(m.screen_hours + m.practice_hours for m in real.modules)
    assert real.practice_hours == sum(m.assignment.minutes for m in real.modules) / 60
    assert real.study_text.startswith("ongeveer ") and ", waarvan " in real.study_text


def write_course_yml(tmp_path, extra: str):
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    path = tmp_path / "content" / "course.yml"
    path.write_text("title: Testcursus\n# de studietijd\n" + extra + "summary: Kort.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("stated", ["7", "2.75", "1.5"])
def test_a_stated_study_load_that_disagrees_is_refused_with_file_and_line(tmp_path, stated):
    path = write_course_yml(tmp_path, f"study_hours: {stated}\n")
    with pytest.raises(ContentError) as error:
        load_catalog(tmp_path / "content", FIXTURES / "quizzes", min_items_per_lesson=1)
    [problem] = error.value.problems
    assert problem.startswith(f"{path}:3: 'study_hours' is {stated}, maar de modules tellen op tot 2.25 uur")
    assert "1.25 uur lessen en quizzen, 1 uur praktijkopdrachten" in problem


@pytest.mark.parametrize("stated", ["2.25", "2.5", "2"])
def test_a_stated_study_load_within_the_rounding_is_accepted_and_not_used(tmp_path, stated):
    write_course_yml(tmp_path, f"study_hours: {stated}\n")
    course = load_catalog(tmp_path / "content", FIXTURES / "quizzes", min_items_per_lesson=1)
    assert course.study_text == COURSE


def test_a_stated_study_load_that_is_no_number_is_refused(tmp_path):
    path = write_course_yml(tmp_path, "study_hours: zeven\n")
    with pytest.raises(ContentError, match=f"{path}:3: 'study_hours' moet een getal zijn"):
        load_catalog(tmp_path / "content", FIXTURES / "quizzes", min_items_per_lesson=1)


def test_home_overview_and_module_pages_show_the_line(client, learner):
    home = client.get("/").get_data(as_text=True)
    assert COURSE in home and MODULE_1 in home and MODULE_2 in home
    overview = client.get("/cursus/").get_data(as_text=True)
    assert f"Studietijd van de hele cursus: {COURSE}." in overview and MODULE_1 in overview
    assert MODULE_1 in client.get("/cursus/eerste-module/").get_data(as_text=True)
    second = client.get("/cursus/tweede-module/").get_data(as_text=True)
    assert MODULE_2 in second and "waarvan" not in second
    assert "ongeveer 1 uur in de praktijk" in client.get("/cursus/eerste-module/praktijkopdracht").get_data(as_text=True)


def test_module_and_course_certificates_carry_the_line_in_pdf_and_on_the_verify_page(client, app, learner):
    complete_module(app, learner, "eerste-module")
    complete_module(app, learner, "tweede-module")
    apart, not_yet = "Het praktijkdeel tekent een coach apart af", "Het praktijkdeel is nog niet afgetekend"
    for scope, line, note in (("eerste-module", MODULE_1, apart), ("tweede-module", MODULE_2, None),
                              ("cursus", COURSE, not_yet)):  # a new course certificate says where practice stands
        certificate = only_certificate(app, scope)
        text = " ".join(pdf_text(client.get(f"/certificaten/{certificate.code}.pdf").data).split())
        verify = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
        assert f"Studiebelasting: {line}" in text and line in verify
        for shown in (text, verify):  # the PDF and the verification page say the same
            assert (note in shown) if note else ("praktijkdeel" not in shown), (scope, note)
    assert MODULE_1 in client.get("/certificaten/").get_data(as_text=True)


def test_certificates_issued_before_keep_what_they_said(client, app, learner):
    complete_module(app, learner)
    with app.app_context():  # as issued before the practice part was recorded: screen hours only
        db.session.execute(update(Certificate).values(hours=0.75, practice_hours=None))
        db.session.commit()
    old = only_certificate(app)
    text = pdf_text(render_pdf(CertificateData.of(old), "http://localhost"))
    assert "Studiebelasting: 0,75 uur" in text and "waarvan" not in text and "praktijkdeel" not in text
    verify = client.get(f"/verify/{old.code}").get_data(as_text=True)
    assert "0,75 uur" in verify and "waarvan" not in verify
    with app.app_context():  # the figures frozen at issue are shown, whatever the catalog says now
        db.session.execute(update(Certificate).values(hours=9, practice_hours=2.5))
        db.session.commit()
    assert "ongeveer 9 uur studie, waarvan 2,5 uur in de praktijk" in client.get(f"/verify/{old.code}").get_data(
        as_text=True)


@pytest.fixture
def signed_off(app, make_user, make_team):
    """A learner who did everything: both modules and module 1's assignment, signed off by the team's coach."""
    manager = make_user(name="Marieke Leiding", email="leiding@voorbeeld.nl")
    learner = make_user(name="Anouk Jansen", email="anouk@voorbeeld.nl")
    coach = make_user(name="Coach Carla", email="coach@voorbeeld.nl")
    team_id = make_team("De Regenboog", manager_id=manager, members=[learner])
    complete_module(app, learner, "eerste-module")
    complete_module(app, learner, "tweede-module")
    with app.app_context():
        module = app.extensions["course"].module("eerste-module")
        teams.appoint_coach(db.session, None, db.session.get(Team, team_id), db.session.get(User, coach))
        submission = practice.hand_in(db.session, db.session.get(User, learner), module,
                                      {"momenten": "Kind A viel.", "leerpunt": "Eerder door de knieën."})
        code = practice.review(db.session, db.session.get(User, coach), module, submission.id, sign_off=True,
                               feedback="Goed.", issuer="Test", marks=all_criteria_met(module)).code
        db.session.remove()
    return {"team": team_id, "learner": learner, "code": code}


def test_the_training_record_adds_up_to_the_course_and_names_the_praktijkverklaring(app, signed_off, course):
    with app.app_context():
        organisation = db.session.scalar(select(Organisation))
        members = records.members_in(db.session, organisation, None)
        record = records.training_record(db.session, course, organisation, records.Period.year(TODAY.year),
                                         "http://localhost", members)
        first, second = record.rows
        assert (first.screen_hours, first.practice_hours, first.practice_code) == (0.75, 1, signed_off["code"])
        assert first.practice_url == f"http://localhost/verify/{signed_off['code']}"
        assert (second.screen_hours, second.practice_hours, second.practice_code) == (0.5, 0, "")
        assert record.hours == course.total_hours == 2.25
        last_year = records.training_record(db.session, course, organisation,
                                            records.Period.year(TODAY.year - 1), "http://localhost", members)
        assert last_year.rows == []


def test_practice_signed_off_in_a_later_period_counts_there(app, signed_off, course):
    with app.app_context():
        verklaring = db.session.scalar(select(Certificate).where(Certificate.signer.is_not(None)))
        next_year = TODAY.year + 1
        verklaring.issued_at = verklaring.issued_at.replace(year=next_year)
        db.session.commit()
        organisation = db.session.scalar(select(Organisation))
        members = records.members_in(db.session, organisation, None)
        this = records.training_record(db.session, course, organisation, records.Period.year(TODAY.year),
                                       "http://localhost", members)
        later = records.training_record(db.session, course, organisation, records.Period.year(next_year),
                                        "http://localhost", members)
        assert [r.practice_hours for r in this.rows] == [0, 0] and this.hours == course.screen_hours
        [row] = later.rows
        assert (row.screen_hours, row.practice_hours, row.practice_code) == (0, 1, signed_off["code"])


def test_xlsx_exports_read_back_with_the_practice_columns(client, auth, signed_off):
    auth.login("leiding@voorbeeld.nl")
    team = load_workbook(io.BytesIO(client.get(f"/teams/{signed_off['team']}/export.xlsx").data)).active
    header, row = list(team.values)
    assert dict(zip(header, row))["Praktijk module 1"] == "afgetekend"
    assert "Praktijk module 2" not in header  # module 2 of the fixture course has no assignment
    assert "Kind A viel." not in [v for v in row if v]  # the state, never the hand-in
    sheet = load_workbook(io.BytesIO(client.get(f"/opleidingsoverzicht/export.xlsx?jaar={TODAY.year}").data))
    rows = list(sheet.active.iter_rows(values_only=True))
    header, body, totals = rows[1], [dict(zip(rows[1], r)) for r in rows[2:-1]], dict(zip(rows[1], rows[-1]))
    assert [(r["Uren scherm"], r["Uren praktijk"], r["Uren totaal"]) for r in body] == [(0.75, 1, 1.75), (0.5, 0, 0.5)]
    assert body[0]["Praktijkverklaring"] == signed_off["code"]
    assert body[0]["Controlelink praktijkverklaring"].endswith("/verify/" + signed_off["code"])
    assert (totals["Uren scherm"], totals["Uren praktijk"], totals["Uren totaal"]) == (1.25, 1, 2.25)
