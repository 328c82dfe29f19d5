"""Getting another installation's published documents (key set, issuer profile, status list, a credential).

The verifier takes any `fetcher(url) -> bytes`; the tests hand it a dictionary. The live one only goes
to https addresses on public IP addresses (no localhost, private networks or link-local metadata
services), with a short timeout and a size cap, and follows no redirects. `allow_local` lifts the
address checks for testing only.
"""
from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from typing import Callable
from urllib.parse import urlsplit

Fetcher = Callable[[str], bytes]
MAX_BYTES = 1024 * 1024
TIMEOUT = 5


class FetchError(RuntimeError):
    """The document could not be fetched; the message is Dutch and safe to show."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _public(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"Het adres {host} bestaat niet of is niet bereikbaar.") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            return False
    return bool(infos)


def check_url(url: str, allow_local: bool = False) -> str:
    """The url when the live fetcher may go there, else FetchError."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (allow_local and parts.scheme == "http"):
        raise FetchError("Alleen adressen die met https:// beginnen worden opgehaald.")
    if not parts.hostname or parts.username or parts.password:
        raise FetchError("Dit is geen geldig internetadres.")
    if not allow_local and not _public(parts.hostname):
        raise FetchError("Dit adres ligt in een intern netwerk; dat halen we niet op.")
    return url


def live_fetcher(allow_local: bool = False) -> Fetcher:
    opener = urllib.request.build_opener(_NoRedirect)

    def fetch(url: str) -> bytes:
        check_url(url, allow_local)
        request = urllib.request.Request(url, headers={"Accept": "application/json, application/vc+jwt, */*",
                                                       "User-Agent": "veilige-gehechtheid-openbadges"})
        try:
            with opener.open(request, timeout=TIMEOUT) as response:
                if response.status != 200:
                    raise FetchError(f"{url} gaf geen antwoord (status {response.status}).")
                data = response.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise FetchError(f"{url} gaf geen antwoord (status {exc.code}).") from None
        except (urllib.error.URLError, OSError, ValueError):
            raise FetchError(f"{url} is nu niet bereikbaar.") from None
        if len(data) > MAX_BYTES:
            raise FetchError(f"{url} stuurde te veel gegevens.")
        return data
    return fetch


def table_fetcher(documents: dict[str, bytes | str]) -> Fetcher:
    """A fetcher that answers from a dictionary (for tests and for our own published documents)."""
    def fetch(url: str) -> bytes:
        if url not in documents:
            raise FetchError(f"{url} gaf geen antwoord (status 404).")
        value = documents[url]
        return value.encode("utf-8") if isinstance(value, str) else value
    return fetch
