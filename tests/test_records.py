"""The training record: rows, filters, exports read back, PDFs, locations with LRK numbers, goals on certificates."""
import csv
import io
import zipfile
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select, update

from course import records
from course.extensions import db
from course.models import Certificate, Organisation

from conftest import complete_module, only_certificate

# The clock is pinned mid-year: a record "of this year" must not change under a run over New Year's Eve.
YEAR, TODAY = 2026, date(2026, 6, 17)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0, tzinfo=timezone.utc), tick=True):
        yield


@pytest.fixture
def org_world(app, runner, make_user, make_team, auth):
    manager = make_user(name="Marieke Leiding", email="leiding@voorbeeld.nl")
    anouk = make_user(name="Anouk Jansen", email="anouk@voorbeeld.nl")
    bram = make_user(name="Bram Bakker", email="bram@voorbeeld.nl")
    complete_module(app, anouk)
    a = make_team("De Regenboog", manager_id=manager, members=[anouk])
    b = make_team("Het Klavertje", manager_id=manager, members=[bram])
    assert runner.invoke(args=["org", "add-location", "Kinderopvang Zonnebloem", "Locatie Noord",
                               "--lrk", "1234 5678 9012"]).exit_code == 0
    with app.app_context():
        location_id = db.session.scalar(select(records.Location.id))
    result = runner.invoke(args=["org", "set-location", str(a), str(location_id)])
    assert result.exit_code == 0, result.output
    auth.login("leiding@voorbeeld.nl")
    return {"anouk": anouk, "bram": bram, "a": a, "b": b, "location": location_id}


def test_record_rows_hours_and_codes(app, org_world):
    with app.app_context():
        organisation = db.session.scalar(select(Organisation))
        members = records.members_in(db.session, organisation, None)
        record = records.training_record(db.session, app.extensions["course"], organisation, records.Period.year(YEAR),
                                         "http://localhost", members)
        [row] = record.rows
        module = app.extensions["course"].modules[0]
        assert (row.name, row.location, row.lrk_number) == ("Anouk Jansen", "Locatie Noord", "123456789012")
        assert row.completed == TODAY and row.screen_hours == module.screen_hours and row.practice_hours == 0
        assert row.certificate_code and row.certificate_url.endswith("/verify/" + row.certificate_code)
        assert row.quiz_score == 100
        last_year = records.training_record(db.session, app.extensions["course"], organisation,
                                            records.Period.year(YEAR - 1), "http://localhost", members)
        assert last_year.rows == []


def test_xlsx_has_numbers_dates_totals_and_the_period_in_its_name(client, org_world, app):
    response = client.get(f"/opleidingsoverzicht/export.xlsx?jaar={YEAR}")
    assert response.status_code == 200
    assert f'opleidingsoverzicht-kinderopvang-zonnebloem-{YEAR}.xlsx' in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[1]
    data = dict(zip(header, rows[2]))
    assert data["Naam"] == "Anouk Jansen" and data["LRK-nummer"] == "123456789012"
    assert isinstance(data["Afgerond"], datetime) and data["Afgerond"].date() == TODAY
    assert isinstance(data["Uren scherm"], float) and data["Uren praktijk"] == 0
    assert data["Certificaatcode"] == only_certificate(app).code
    totals = dict(zip(header, rows[-1]))
    assert totals["Naam"] == "Totaal" and totals["Uren totaal"] == data["Uren totaal"]


def test_csv_for_dutch_excel_and_filters(client, org_world):
    response = client.get(f"/opleidingsoverzicht/export.csv?team={org_world['b']}")
    text = response.data.decode("utf-8-sig")
    assert "Anouk" not in text  # only the other team
    response = client.get(f"/opleidingsoverzicht/export.csv?locatie={org_world['location']}")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == "Anouk Jansen" and "," in rows[1][8] and rows[-1][0] == "Totaal"


def test_period_filter_and_bad_dates(client, org_world):
    page = client.get(f"/opleidingsoverzicht/?van={YEAR}-01-01&tot={YEAR - 1}-01-01").get_data(as_text=True)
    assert "ligt na" in page
    page = client.get("/opleidingsoverzicht/?van=gisteren&tot=").get_data(as_text=True)
    assert "geldige datum" in page
    page = client.get(f"/opleidingsoverzicht/?van={YEAR}-03-01&tot={YEAR}-06-30").get_data(as_text=True)
    assert f"1 maart {YEAR} tot en met 30 juni {YEAR}" in page
    page = client.get("/opleidingsoverzicht/").get_data(as_text=True)
    assert "Locatie Noord" in page and "123456789012" in page and "Het Klavertje" in page


def test_pdfs_and_zip(client, org_world, app):
    pdf = client.get(f"/opleidingsoverzicht/medewerkers/{org_world['anouk']}.pdf")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Overzicht scholing" in text and "Anouk Jansen" in text and only_certificate(app).code in text
    org_pdf = client.get("/opleidingsoverzicht/overzicht-scholing.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(org_pdf.data)).pages)
    assert "Locatie Noord" in text and "Het Klavertje" in text
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/opleidingsoverzicht/certificaten.zip?jaar={YEAR}").data))
    assert len(archive.namelist()) == 1
    empty = zipfile.ZipFile(io.BytesIO(client.get(f"/opleidingsoverzicht/certificaten.zip?jaar={YEAR - 1}").data))
    assert empty.namelist() == []


def test_a_manager_sees_only_their_teams(client, auth, org_world, make_user, make_team):
    other = make_user(name="Andere Leiding", email="ander@voorbeeld.nl")
    make_team("Elders", manager_id=other, organisation="Ander Bureau")
    auth.logout()
    auth.login("ander@voorbeeld.nl")
    assert "Anouk" not in client.get("/opleidingsoverzicht/export.csv").data.decode("utf-8-sig")
    assert client.get(f"/opleidingsoverzicht/medewerkers/{org_world['anouk']}.pdf").status_code == 404


def test_bad_lrk_number_is_refused(runner, org_world):
    result = runner.invoke(args=["org", "lrk", "Kinderopvang Zonnebloem", "LRK-12ab"])
    assert result.exit_code != 0 and "alleen uit cijfers" in result.output


def test_new_certificates_list_the_learning_goals_old_ones_stay(app, client, make_user):
    learner = make_user(email="doelen@voorbeeld.nl")
    complete_module(app, learner)
    certificate = only_certificate(app)
    module = app.extensions["course"].modules[0]
    expected = [goal for lesson in module.lessons for goal in lesson.goals]
    assert certificate.goals == list(dict.fromkeys(expected))
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Wat de houder kan" in page and expected[0] in page
    from course.certificates import CertificateData, render_pdf
    reader = PdfReader(io.BytesIO(render_pdf(CertificateData.of(certificate), "http://localhost")))
    assert len(reader.pages) == 2 and "Wat de houder van dit certificaat kan" in reader.pages[1].extract_text()
    with app.app_context():  # a certificate issued before goals were listed
        db.session.execute(update(Certificate).values(goals=None))
        db.session.commit()
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Wat de houder kan" not in page
    assert len(PdfReader(io.BytesIO(render_pdf(CertificateData.of(only_certificate(app)), "http://localhost"))).pages) == 1


def _add_members(app, team_id: int, count: int, start: int) -> list[int]:
    """`count` learners straight into the team (no password hashing: only the numbers matter here)."""
    from course.models import TeamMembership, User
    with app.app_context():
        users = [User(name=f"Lid {start + i}", email=f"lid{start + i}@voorbeeld.nl", password_hash="x")
                 for i in range(count)]
        db.session.add_all(users)
        db.session.flush()
        db.session.add_all(TeamMembership(team_id=team_id, user_id=u.id) for u in users)
        db.session.commit()
        ids = [u.id for u in users]
        db.session.remove()
    return ids


def test_record_pages_queries_do_not_grow_with_the_learners(client, app, org_world, count_queries):
    urls = [f"/opleidingsoverzicht/?jaar={YEAR}", f"/opleidingsoverzicht/export.xlsx?jaar={YEAR}",
            f"/opleidingsoverzicht/export.csv?jaar={YEAR}", f"/opleidingsoverzicht/overzicht-scholing.pdf?jaar={YEAR}",
            f"/opleidingsoverzicht/certificaten.zip?jaar={YEAR}",
            f"/opleidingsoverzicht/medewerkers/{org_world['anouk']}.pdf?jaar={YEAR}"]

    def counts() -> list[int]:
        found = []
        for url in urls:
            with count_queries() as counter:
                response = client.get(url)
                assert response.status_code == 200, url
                response.get_data()  # a streamed ZIP sends its queries while it is read
            found.append(counter["n"])
        return found

    [extra] = _add_members(app, org_world["b"], 1, 0)  # 3 learners: Anouk, Bram and one more
    complete_module(app, extra)
    few = counts()
    more = _add_members(app, org_world["a"], 14, 1) + _add_members(app, org_world["b"], 13, 20)  # 30 learners
    for user_id in more[:3]:
        complete_module(app, user_id)
    assert "<strong>30</strong> medewerkers" in client.get(urls[0]).get_data(as_text=True)
    assert counts() == few, dict(zip(urls, zip(few, counts())))


def test_zip_reads_stored_pdfs_and_draws_them_again_when_they_change(client, app, org_world, monkeypatch):
    from course import certificates
    from course.models import CertificatePdf
    url = f"/opleidingsoverzicht/certificaten.zip?jaar={YEAR}"
    first = zipfile.ZipFile(io.BytesIO(client.get(url).data))
    [info] = first.infolist()
    assert info.compress_type == zipfile.ZIP_STORED and first.read(info).startswith(b"%PDF")

    def no_drawing(*args):
        raise AssertionError("drawn again")
    monkeypatch.setattr(certificates, "render_pdf", no_drawing)
    again = zipfile.ZipFile(io.BytesIO(client.get(url).data))
    assert again.read(again.namelist()[0]) == first.read(info)  # from the stored copy
    monkeypatch.undo()
    app.config["BASE_URL"] = "https://cursus.example.nl"  # the QR code's address changes: drawn again
    try:
        moved = zipfile.ZipFile(io.BytesIO(client.get(url).data))
        text = PdfReader(io.BytesIO(moved.read(moved.namelist()[0]))).pages[0].extract_text()
        assert "https://cursus.example.nl/verify" in text
    finally:
        app.config["BASE_URL"] = "http://localhost"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CertificatePdf)) == 1


def test_deleting_the_account_deletes_the_stored_pdfs_with_the_name(client, app, org_world, auth):
    from course import accounts
    from course.models import CertificatePdf, User
    assert client.get(f"/opleidingsoverzicht/certificaten.zip?jaar={YEAR}").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CertificatePdf)) == 1
        accounts.delete_account(db.session, db.session.get(User, org_world["anouk"]), keep_name_on_certificates=False)
        assert db.session.scalar(select(func.count()).select_from(CertificatePdf)) == 0


def test_the_views_figures_equal_the_full_records(app, client, org_world, make_user, make_team):
    """records_view counts in SQL what summaries() counts from the full record: the two must not drift apart."""
    from course.models import LessonProgress, ModuleCompletion, Team, TeamMembership
    from course.practice import scope as practice_scope
    from course.records import overview as records_view
    course = app.extensions["course"]
    first, last = course.modules[0], course.modules[-1]
    carla, dirk, eva, fenna = (make_user(name=n, email=f"{n.lower()}@voorbeeld.nl") for n in ("Carla", "Dirk", "Eva", "Fenna"))
    for slug in [m.slug for m in course.modules]:
        complete_module(app, eva, slug)  # the whole course this year
    complete_module(app, carla)
    make_team("Zonder Locatie", manager_id=None, members=[fenna, dirk])  # a team without a location
    earlier = datetime(YEAR - 1, 11, 3, 9, 0)

    def certificate(user_id, scope, issued, revoked=None):
        return Certificate(code=f"T{user_id}-{scope[-12:]}", user_id=user_id, scope=scope, name="x",
                           title="x", hours=1.0, issuer="x", issued_at=issued, revoked_at=revoked)
    with app.app_context():
        a, b = org_world["a"], org_world["b"]
        db.session.add_all([
            TeamMembership(team_id=b, user_id=carla),  # in two teams: counted once, in the first by name
            TeamMembership(team_id=a, user_id=carla), TeamMembership(team_id=b, user_id=eva),
            # Carla began last year; Dirk completed last year, his practice signed off this year (and a revoked one)
            LessonProgress(user_id=carla, module_slug=last.slug, lesson_slug="een", completed_at=earlier),
            LessonProgress(user_id=dirk, module_slug=first.slug, lesson_slug="een", completed_at=earlier),
            ModuleCompletion(user_id=dirk, module_slug=first.slug, completed_at=earlier + timedelta(days=30)),
            certificate(dirk, practice_scope(first), datetime(YEAR, 2, 1, 10, 0)),
            certificate(dirk, practice_scope(last), datetime(YEAR, 3, 1), revoked=datetime(YEAR, 3, 2)),
            LessonProgress(user_id=fenna, module_slug="geen-module-meer", lesson_slug="een", completed_at=earlier),
            LessonProgress(user_id=fenna, module_slug=first.slug, lesson_slug="een",
                           completed_at=datetime(YEAR + 1, 1, 1)),  # after the period: not in it
        ])
        db.session.execute(update(Team).where(Team.id == b).values(location_id=org_world["location"]))
        db.session.commit()
        organisation = db.session.get(Organisation, db.session.scalar(select(Team.organisation_id).where(Team.id == a)))
        periods = [records.Period.year(YEAR), records.Period.year(YEAR - 1),
                   records.Period(date(YEAR - 1, 12, 1), date(YEAR, 2, 1)), records.Period(date(YEAR, 2, 2), date(YEAR, 12, 31))]
        checked = 0
        for period in periods:
            for team_ids, location_id in ((None, None), ([b], None), (None, org_world["location"]), ([a], -1)):
                members = records.members_in(db.session, organisation, team_ids, location_id)
                full = records.training_record(db.session, course, organisation, period, "http://localhost", members)
                by_team, by_location = records_view.overview(db.session, course, organisation, period, team_ids,
                                                              location_id)
                for counted, expected in ((by_team, records.summaries(full, course, "team")),
                                          (by_location, records.summaries(full, course, "location"))):
                    def figures(summaries):
                        return [(s.name, s.lrk_number, s.members, s.active, s.completions, s.finished) for s in summaries]
                    assert figures(counted) == figures(expected), (period, team_ids, location_id)
                    assert [s.hours for s in counted] == pytest.approx([s.hours for s in expected])
                    checked += sum(s.active + s.completions for s in expected)
        assert checked > 20  # the seeded organisation did give figures to compare
        this_year = {s.name: s for s in records_view.overview(db.session, course, organisation, records.Period.year(YEAR),
                                                              None, None)[0]}
    # Carla counts in De Regenboog only; Eva finished the course; Dirk's practice hours count in his sign-off year
    assert [this_year[t].members for t in ("De Regenboog", "Het Klavertje", "Zonder Locatie")] == [2, 2, 2]
    assert this_year["Het Klavertje"].finished == 1 and this_year["De Regenboog"].finished == 0
    assert this_year["Zonder Locatie"].completions == 0 and this_year["Zonder Locatie"].active == 1
    assert this_year["Zonder Locatie"].hours == pytest.approx(first.practice_hours)
    page = client.get(f"/opleidingsoverzicht/?jaar={YEAR}").get_data(as_text=True)
    # the manager's two teams: Anouk, Bram, Carla (once) and Eva; Fenna's team is not theirs
    assert "<strong>4</strong> medewerkers" in page and "Carla" in page and "Fenna" not in page


def test_a_module_finished_at_half_past_midnight_on_new_years_day_counts_in_the_new_year(app, make_user, make_team):
    """One rule for every date shown or exported: Dutch time. 00:30 on 1 January in Amsterdam is 23:30 UTC on
    31 December; the record, the team table and every date on screen say 1 January."""
    from course.text import dutch_date, dutch_datetime
    learner = make_user(name="Noor Visser", email="noor@voorbeeld.nl")
    make_team("De Regenboog", members=[learner])
    with time_machine.travel(datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc), tick=False):
        complete_module(app, learner)
    with app.app_context():
        organisation = db.session.scalar(select(Organisation))
        members = records.members_in(db.session, organisation, None)
        course = app.extensions["course"]
        [row] = records.training_record(db.session, course, organisation, records.Period.year(2026),
                                        "http://localhost", members).rows
        assert row.completed == date(2026, 1, 1) and row.started == date(2026, 1, 1)
        assert records.training_record(db.session, course, organisation, records.Period.year(2025),
                                       "http://localhost", members).rows == []
        issued = only_certificate(app).issued_at
        assert dutch_date(issued) == "1 januari 2026" and dutch_datetime(issued) == "1 januari 2026 om 00:30"
