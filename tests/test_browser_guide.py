"""The guide "Wat doe ik nu?" in a browser: one tap from the header, search as you type, a card, its print."""
import re
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from conftest import HERE, make_app

pytestmark = pytest.mark.browser


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.mark.parametrize("width", [375, 1280])
def test_find_a_card_by_typing_open_it_and_print_it(page, a11y, live_server, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server + "/privacy")
    a11y.check()
    # One tap from any page, logged out too.
    page.get_by_role("banner").get_by_role("link", name="Wat doe ik nu?").click()  # one tap, also on a phone
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wat doe ik nu?")
    cards = page.locator("#guide-list a")
    expect(cards).to_have_count(2)

    box = page.get_by_label("Zoek een situatie")
    box.press_sequentially("dossíer")  # filtered as you type, accents do not matter, no page load
    expect(page.get_by_role("link", name="Een ouder wil het dossier lezen")).to_be_visible()
    expect(page.get_by_role("link", name="Een ouder komt onder invloed een kind halen")).to_be_hidden()
    expect(page.get_by_role("status")).to_have_text('1 kaart gevonden voor "dossíer"')
    assert page.url.endswith("?q=dossíer") or page.url.endswith("?q=doss%C3%ADer")

    box.fill("brandalarm")
    expect(page.get_by_text("Geen kaart gevonden.", exact=False)).to_be_visible()
    expect(cards.filter(visible=True)).to_have_count(0)
    a11y.check_phone_widths()

    box.fill("")
    box.press_sequentially("taxi")  # a word from the card's text
    expect(cards.filter(visible=True)).to_have_count(1)
    page.get_by_role("link", name="Een ouder komt onder invloed een kind halen").click()
    a11y.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Een ouder komt onder invloed een kind halen")
    expect(page.get_by_role("link", name="112").first).to_have_attribute("href", "tel:112")
    expect(page.get_by_role("link", name="0800-2000")).to_have_attribute("href", "tel:08002000")

    # Printed: no header or menu, the card on one A4 page.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Afdrukken of opslaan als pdf")).to_be_hidden()
    expect(page.locator(".print-only")).to_be_visible()
    assert pdf_pages(page.pdf(format="A4")) == 1
    page.emulate_media(media="screen")

    # The lesson behind the card asks a logged-out reader to log in first.
    page.get_by_role("link", name="Les 1 van module 1").click()
    a11y.check()
    assert "/inloggen?next=" in page.url
    expect(page.get_by_text("Log in om deze pagina te bekijken.")).to_be_visible()


def test_without_javascript_the_search_button_asks_the_server(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server + "/wat-doe-ik-nu")
        expect(page.locator("#guide-list a")).to_have_count(2)  # the list is simply every card
        page.get_by_label("Zoek een situatie").fill("dronken")
        page.get_by_role("button", name="Zoeken").click()
        expect(page.get_by_role("status")).to_have_text('1 kaart gevonden voor "dronken"')
        expect(page.locator("#guide-list a").filter(visible=True)).to_have_text(
            ["Een ouder komt onder invloed een kind halen"])
    finally:
        context.close()


@pytest.fixture(scope="module")
def real_server(tmp_path_factory):
    """The real course's guide served on loopback (the cards need no database: they are public)."""
    root = HERE.parent
    tmp = tmp_path_factory.mktemp("real-guide")
    app = make_app(tmp, CONTENT_DIR=str(root / "content"), QUIZ_DIR=str(root / "quizzes"),
                   QUIZ_MIN_ITEMS_PER_LESSON=3, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'unused.sqlite'}")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app.extensions["course"]
    server.shutdown()


def test_every_real_card_prints_on_one_a4_page(page, real_server):
    url, course = real_server
    assert course.guide
    page.emulate_media(media="print")
    too_long = []
    for card in course.guide:
        page.goto(f"{url}/wat-doe-ik-nu/{card.slug}")
        pages = pdf_pages(page.pdf(format="A4"))
        if pages != 1:
            too_long.append(f"{card.path}: {pages} pages")
    assert not too_long, too_long
