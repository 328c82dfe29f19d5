"""Static files: a version in the URL, a year in the cache for that URL, gzip for a browser that takes it."""
import gzip
import re

import pytest


def fetch(client, url: str, **headers):
    """A static response, read and closed (the test client leaves the file open otherwise)."""
    response = client.get(url, headers=headers)
    response.get_data()
    response.close()
    return response


def layout_url(client, name: str) -> str:
    html = client.get("/inloggen").get_data(as_text=True)
    return re.search(rf'="(/static/{re.escape(name)}\?v=[0-9a-f]{{12}})"', html).group(1)


@pytest.mark.parametrize("name", ["style.css", "menu.js", "favicon.svg"])
def test_versioned_static_file_is_cached_long_and_sent_compressed(client, name):
    url = layout_url(client, name)
    plain = fetch(client, f"/static/{name}")
    assert plain.status_code == 200 and "max-age=31536000" not in plain.headers.get("Cache-Control", "")
    assert plain.headers.get("Content-Encoding") is None and plain.headers["Vary"].startswith("Accept-Encoding")
    packed = fetch(client, url, **{"Accept-Encoding": "gzip, deflate, br"})
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    cache = packed.headers["Cache-Control"]
    assert "max-age=31536000" in cache and "immutable" in cache and "no-cache" not in cache
    if name == "style.css":
        assert len(packed.data) < len(plain.data) / 3
    # Asked again with its ETag: nothing is sent.
    again = fetch(client, url, **{"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_an_old_version_is_not_cached_long(client):
    response = fetch(client, "/static/style.css?v=000000000000")
    assert response.status_code == 200 and "immutable" not in response.headers.get("Cache-Control", "")


def test_page_scripts_carry_a_version_too(client, auth, make_user):
    html = client.get("/registreren").get_data(as_text=True)
    assert re.search(r'src="/static/password\.js\?v=[0-9a-f]{12}"', html)
    assert "/static/style.css\"" not in html
