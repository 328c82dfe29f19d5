"""A manager sets a target date, the reminder run mails the right people once, a learner opts out from
the mail, the manager's digest arrives, and the manager downloads the year's training record."""
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from course.text import local_today

from conftest import A11y, complete_module

pytestmark = pytest.mark.browser


def test_target_date_reminders_opt_out_digest_and_record(browser, live_server, app, make_user, make_team,
                                                         smtp_server):
    manager = make_user(name="Marieke de Vries", email="leiding@voorbeeld.nl")
    sanne = make_user(name="Sanne Visser", email="sanne@voorbeeld.nl")
    done = make_user(name="Daan Klaar", email="daan@voorbeeld.nl")
    complete_module(app, done, "eerste-module")
    complete_module(app, done, "tweede-module")
    complete_module(app, sanne, "eerste-module")
    team_id = make_team(manager_id=manager, members=[sanne, done])
    runner = app.test_cli_runner()
    context = browser.new_context()
    page = context.new_page()
    check = A11y(page)

    page.goto(live_server + "/inloggen")
    check.check()
    page.get_by_label("E-mailadres").fill("leiding@voorbeeld.nl")
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    check.check()
    page.goto(f"{live_server}/teams/{team_id}/")
    check.check()
    target = local_today() + timedelta(days=10)  # the day in Dutch time, as the server counts
    page.get_by_role("textbox", name="Streefdatum").fill(target.isoformat())
    page.get_by_role("button", name="Opslaan").click()
    check.check()
    expect(page.get_by_text("De streefdatum is opgeslagen.")).to_be_visible()

    # The run (clock: tomorrow) mails Sanne, who has not finished, and the manager's digest; Daan gets nothing.
    now = (local_today() + timedelta(days=1)).isoformat() + "T07:00"
    for _ in range(2):
        assert runner.invoke(args=["reminders", "send", "--now", now]).exit_code == 0
    to = sorted(m["To"] for _, m in smtp_server.messages)
    assert to == ["leiding@voorbeeld.nl", "sanne@voorbeeld.nl"]
    digest = next(m for _, m in smtp_server.messages if m["To"] == "leiding@voorbeeld.nl")
    assert "Klaar sinds vorige week: Daan Klaar" in digest.get_body(("plain",)).get_content()
    reminder = next(m for _, m in smtp_server.messages if m["To"] == "sanne@voorbeeld.nl")
    link = re.search(r"https?://\S+/afmelden/\S+", reminder.get_body(("plain",)).get_content())[0]

    learner = browser.new_context().new_page()
    learner_check = A11y(learner)
    learner.goto(link)
    learner_check.check()
    learner.get_by_role("button", name="Ja, meld me af").click()
    learner_check.check()
    expect(learner.get_by_text("Je bent afgemeld")).to_be_visible()
    assert runner.invoke(args=["reminders", "send", "--now", target.isoformat() + "T07:00"]).exit_code == 0
    assert [m["To"] for _, m in smtp_server.messages].count("sanne@voorbeeld.nl") == 1

    # The manager downloads the year's training record and reads it back.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn teams").click()
    check.check()
    page.get_by_role("link", name="opleidingsoverzicht").click()
    check.check()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Excel-bestand")).click()
    assert download.value.suggested_filename == f"opleidingsoverzicht-kinderopvang-zonnebloem-{local_today().year}.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[1]
    sanne_rows = [dict(zip(header, r)) for r in rows[2:] if r[0] == "Sanne Visser"]
    assert len(sanne_rows) == 1 and sanne_rows[0]["Uren scherm"] > 0
    assert re.fullmatch(r"\w{4}-\w{4}-\w{4}", sanne_rows[0]["Certificaatcode"])
    assert rows[-1][0] == "Totaal"
    context.close()
