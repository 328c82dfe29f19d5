"""The guide "Wat doe ik nu?" over HTTP: public, searchable with ?q=, one page per card, odd input answered in Dutch."""
import re

import pytest

from course.guide import MAX_QUERY, normalise, search

INDEX = "/wat-doe-ik-nu"
FIXTURE_TITLES = ["Een ouder komt onder invloed een kind halen", "Een ouder wil het dossier lezen"]


def shown_titles(page: str) -> list[str]:
    """The titles of the cards a visitor without JavaScript sees (the rest of the list is hidden)."""
    items = re.findall(r'<li data-search="[^"]*"\s*(hidden)?\s*>\s*<a href="/wat-doe-ik-nu/[a-z0-9-]+">([^<]+)</a>', page)
    assert len(items) == len(FIXTURE_TITLES), items  # every card is in the list, for the search as you type
    return [title for hidden, title in items if not hidden]


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def test_guide_is_public_and_lists_every_card(client):
    page = get(client, INDEX)
    assert "<h1>Wat doe ik nu?</h1>" in page
    assert shown_titles(page) == FIXTURE_TITLES
    assert '<p id="guide-count" class="meta" role="status">2 kaarten</p>' in page
    assert 'href="tel:112"' in page and 'href="tel:08002000"' in page
    assert '<script src="/static/guide.js" defer></script>' in page  # our own script, no CDN
    assert "Inloggen" in page  # read while logged out: the menu offers to log in


def test_guide_script_is_served_by_the_app(client):
    with client.get("/static/guide.js") as response:
        assert response.status_code == 200 and "data-guide-search" in response.get_data(as_text=True)


@pytest.mark.parametrize("query, titles", [
    ("dossier", ["Een ouder wil het dossier lezen"]),
    ("DOSSÎER?", ["Een ouder wil het dossier lezen"]),         # case, accents and punctuation do not matter
    ("dronken", ["Een ouder komt onder invloed een kind halen"]),   # a keyword only
    ("taxi", ["Een ouder komt onder invloed een kind halen"]),      # a word in the card's text only
    ("ouder", FIXTURE_TITLES),
    ("ouder inzage", ["Een ouder wil het dossier lezen"]),          # every word must occur
    ("ophaal", ["Een ouder komt onder invloed een kind halen"]),    # part of a word: 'ophaallijst'
    ("brand", []),
])
def test_search_with_q_on_the_server(client, query, titles):
    page = get(client, f"{INDEX}?q={query}")
    assert shown_titles(page) == titles
    count = len(titles)
    found = "Geen kaart" if not count else f"{count} kaart" + ("en" if count > 1 else "")
    assert f'role="status">{found} gevonden voor "{query}"</p>' in page
    assert ("data-guide-empty hidden" in page) == bool(titles)
    assert f'name="q" value="{query}"' in page


def test_search_shows_what_was_typed_escaped(client):
    page = get(client, INDEX + "?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert shown_titles(page) == []


def test_a_nul_byte_gets_the_dutch_400_page(client):
    page = get(client, INDEX + "?q=dos%00sier", status=400)
    assert "Dat ging niet goed" in page


@pytest.mark.parametrize("query", ["%01%02%7F", "%E2%80%8B", "%20%20", "---", ""])
def test_control_characters_and_empty_searches_show_all_cards(client, query):
    page = get(client, f"{INDEX}?q={query}")
    assert shown_titles(page) == FIXTURE_TITLES


def test_a_very_long_search_gets_a_dutch_message_not_an_error(client):
    page = get(client, INDEX + "?q=" + "dossier " * 1250)  # 10,000 characters
    assert 'role="alert">Je zoekvraag is te lang. Gebruik een paar woorden (hoogstens 100 tekens).</p>' in page
    assert shown_titles(page) == FIXTURE_TITLES  # the list stays usable
    value = re.search(r'name="q" value="([^"]*)"', page)[1]
    assert len(value) <= MAX_QUERY


def test_repeated_q_and_other_parameters_do_not_break_the_page(client):
    assert shown_titles(get(client, INDEX + "?q=dossier&q=taxi&x=1")) == ["Een ouder wil het dossier lezen"]


def test_card_page_has_the_three_sections_numbers_and_the_lesson(client):
    page = get(client, INDEX + "/ouder-onder-invloed")
    assert "<h1>Een ouder komt onder invloed een kind halen</h1>" in page
    for heading in ("Wat doe je nu", "Wie bel je", "Wat schrijf je op", "Waarom doe je het zo?"):
        assert f">{heading}</h2>" in page
    assert '<strong><a href="tel:112">112</a></strong>' in page
    assert '<a href="tel:08002000">0800-2000</a>' in page
    # The lesson that explains why, by its title; logged out, the reader is told the lesson asks for a login.
    assert 'in de les <a href="/cursus/eerste-module/les-1">Les 1 van module 1</a> (module 1: Module 1 van de test)' in page
    assert "vragen we je eerst in te loggen" in page
    assert 'class="printable"' in page and "data-print" in page and "/static/print.js" in page
    assert 'aria-current="page">Wat doe ik nu?</a>' in page  # the header link shows where you are


def test_following_the_lesson_link_logged_out_asks_to_log_in(client):
    response = client.get("/cursus/eerste-module/les-1")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inloggen?next=")
    assert "Log in om deze pagina te bekijken." in get(client, response.headers["Location"])


def test_card_page_for_a_learner_links_the_lesson_without_the_login_note(client, learner):
    page = get(client, INDEX + "/dossier-lezen")
    assert 'in de les <a href="/cursus/tweede-module/les-2">' in page
    assert "vragen we je eerst in te loggen" not in page
    assert get(client, "/cursus/tweede-module/les-2")  # the learner can open it


@pytest.mark.parametrize("slug", ["bestaat-niet", "Dossier-Lezen", "dossier-lezen.md", "..%2Fsignalenlijst", "%00"])
def test_unknown_card_is_a_dutch_404(client, slug):
    page = get(client, f"{INDEX}/{slug}", status=404)
    assert "Pagina niet gevonden" in page


@pytest.mark.parametrize("url", ["/", INDEX, INDEX + "/dossier-lezen", "/privacy", "/inloggen", "/bestaat-niet"])
def test_header_links_to_the_guide_logged_out(client, url):
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'<li class="nav-guide"><a href="/wat-doe-ik-nu"[^>]*>Wat doe ik nu\?</a></li>', page), url


@pytest.mark.parametrize("url", ["/cursus/", "/cursus/eerste-module/les-1", "/begrippen", "/account/"])
def test_header_links_to_the_guide_logged_in(client, learner, url):
    page = get(client, url)
    assert '<li class="nav-guide"><a href="/wat-doe-ik-nu" >Wat doe ik nu?</a></li>' in page, url


def test_search_rule():
    assert normalise("Ouder, ónder invloed!  112") == "ouder onder invloed 112"

    class Card:
        def __init__(self, text):
            self.search_text = normalise(text)
    cards = [Card("Een ouder wil het dossier lezen"), Card("Ouder onder invloed")]
    assert search(cards, "ouder").cards == tuple(cards)
    assert search(cards, " Dossier ").cards == (cards[0],)
    assert search(cards, None).cards == tuple(cards) and search(cards, None).message == ""
    long = search(cards, "x" * (MAX_QUERY + 1))
    assert long.message and long.cards == tuple(cards) and len(long.query) == MAX_QUERY
