"""Password-reset mail travels through a real SMTP server on loopback."""
import re
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from conftest import post_form


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    old = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox
    app.config.update(old)
    controller.stop()


def test_reset_mail_is_sent_over_smtp(client, make_user, smtp_server):
    make_user(name="Zoë Brûlé", email="zoe@voorbeeld.nl")
    post_form(client, "/wachtwoord-vergeten", {"email": "zoe@voorbeeld.nl"})
    assert len(smtp_server.messages) == 1
    recipients, message = smtp_server.messages[0]
    assert recipients == ["zoe@voorbeeld.nl"]
    assert message["Subject"] == "Nieuw wachtwoord voor Veilige Gehechtheid"
    body = message.get_content()
    assert "Hallo Zoë Brûlé" in body
    link = re.search(r"https?://[^/\s]+(/wachtwoord-herstellen/\S+)", body)[1]
    assert client.get(link).status_code == 200
