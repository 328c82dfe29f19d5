"""Public pages say in search results what they are: a Dutch meta description of their own."""
import html
import re

import pytest

PUBLIC = ["/", "/inloggen", "/registreren", "/wachtwoord-vergeten", "/verify", "/privacy", "/wat-doe-ik-nu",
          "/wat-doe-ik-nu/dossier-lezen"]


def description(page: str) -> str:
    found = re.findall(r'<meta name="description" content="([^"]*)">', page)
    assert len(found) == 1, f"{len(found)} meta descriptions"
    return html.unescape(found[0])


@pytest.mark.parametrize("url", PUBLIC)
def test_public_page_has_a_meta_description(client, url):
    text = description(client.get(url).get_data(as_text=True))
    assert 50 <= len(text) <= 160, text  # long enough to say something, short enough for a search result


def test_each_public_page_has_its_own_description(client):
    texts = {url: description(client.get(url).get_data(as_text=True)) for url in PUBLIC}
    assert len(set(texts.values())) == len(PUBLIC), texts
    # A page behind the login gets the general description, not one of the public pages'.
    general = description(client.get("/bestaat-niet").get_data(as_text=True))
    assert general and general not in texts.values()
