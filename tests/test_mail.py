"""Password-reset mail travels through a real SMTP server on loopback."""
import re

from aiosmtpd.controller import Controller

from conftest import Inbox, free_port, post_form


def test_reset_mail_is_sent_over_smtp(client, make_user, smtp_server, outbox):
    make_user(name="Zoë Brûlé", email="zoe@voorbeeld.nl")
    post_form(client, "/wachtwoord-vergeten", {"email": "zoe@voorbeeld.nl"})
    assert outbox.wait_idle()
    assert len(smtp_server.messages) == 1
    recipients, message = smtp_server.messages[0]
    assert recipients == ["zoe@voorbeeld.nl"]
    assert message["Subject"] == "Nieuw wachtwoord voor Veilige Gehechtheid"
    body = message.get_content()
    assert "Hallo Zoë Brûlé" in body
    link = re.search(r"https?://[^/\s]+(/wachtwoord-herstellen/\S+)", body)[1]
    assert client.get(link).status_code == 200


def test_mail_server_down_reveals_nothing_and_the_mail_is_retried(app, client, make_user, outbox, caplog):
    """Known and unknown addresses get the same answer at once; the failure is logged and retried."""
    import logging
    import time
    make_user(name="Zoë Brûlé", email="zoe@voorbeeld.nl")
    port = free_port()  # nothing listens here yet: the mail server is down
    old = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_RETRY_DELAYS")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_RETRY_DELAYS=(1.0, 1.0))
    caplog.set_level(logging.WARNING, logger="course.mail")
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    try:
        answers = []
        for email in ("zoe@voorbeeld.nl", "niemand@voorbeeld.nl"):
            started = time.perf_counter()
            response = post_form(client, "/wachtwoord-vergeten", {"email": email}, follow_redirects=True)
            answers.append((response.status_code, response.get_data(as_text=True).count("Als dit e-mailadres bij ons "
                                                                                           "bekend is"),
                            time.perf_counter() - started))
        assert answers[0][:2] == answers[1][:2] == (200, 1)
        assert answers[0][2] < 0.5 and answers[1][2] < 0.5, answers  # nobody waits for the mail server
        deadline = time.monotonic() + 5
        while not any("niet verstuurd" in r.getMessage() for r in caplog.records) and time.monotonic() < deadline:
            time.sleep(0.05)
        failures = [r.getMessage() for r in caplog.records if r.name == "course.mail"]
        assert failures and "nieuwe poging" in failures[0]
        assert not any("zoe" in line or "Zoë" in line for line in failures)  # no personal data in the log
        controller.start()  # the mail server is back before the retry
        assert outbox.wait_idle(15)
        assert [rcpt for rcpt, _ in inbox.messages] == [["zoe@voorbeeld.nl"]]
    finally:
        app.config.update(old)
        controller.stop()


def test_a_raw_mail_reads_back_as_written():
    """compose_raw (the reminder run's fast path) gives a standard MIME mail: any mail program reads it back."""
    import pytest

    from course.mail import compose_raw
    body = "Hallo Zoë Brûlé,\n\n.Een regel die met een punt begint   \nen een heel lange regel " + "met woorden " * 20 + "\n"
    html = "<p>Hallo Zoë Brûlé,</p>\n<p>" + "met woorden " * 20 + "</p>"
    config = {"MAIL_SENDER": "Leerplatform Zoë <noreply@voorbeeld.nl>"}
    raw = compose_raw(config, to="zoe@voorbeeld.nl", subject="Herinnering: rond de cursus af vóór 1 juni 2026",
                      body=body, html=html, headers={"List-Unsubscribe": "<https://voorbeeld.nl/afmelden/abc>"})
    assert (raw.sender, raw.to, raw.utf8) == ("noreply@voorbeeld.nl", "zoe@voorbeeld.nl", False)
    lines = raw.data.split(b"\r\n")
    assert b"\n" not in b"".join(lines) and max(len(line) for line in lines) <= 78  # CRLF only, short lines
    message = raw.as_message()
    assert message["Subject"] == "Herinnering: rond de cursus af vóór 1 juni 2026"
    assert message["From"] == "Leerplatform Zoë <noreply@voorbeeld.nl>"
    assert message["List-Unsubscribe"] == "<https://voorbeeld.nl/afmelden/abc>"
    assert message["Date"] and message["Message-ID"].endswith("@voorbeeld.nl>")
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == body
    assert message.get_body(("html",)).get_content().replace("\r\n", "\n") == html
    with pytest.raises(ValueError):  # no header injection through a value with a line break
        compose_raw(config, to="zoe@voorbeeld.nl", subject="Hallo\r\nBcc: iedereen@voorbeeld.nl", body="x", html="y")
    international = compose_raw(config, to="zoë@voorbeeld.nl", subject="Hallo", body="x", html="<p>y</p>")
    assert international.utf8 and international.as_message()["To"] == "zoë@voorbeeld.nl"
