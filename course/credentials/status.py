"""The revocation list as a W3C Bitstring Status List: one bit per credential, set while it is revoked.

Positions are drawn at random from a list of LIST_SIZE bits (the spec's minimum of 16 KB), so a
credential's neighbours in the list say nothing about who else got one or who was revoked.
"""
from __future__ import annotations

import base64
import gzip
import secrets
import zlib
from typing import Iterable

LIST_SIZE = 131_072  # bits: 16 KB, the minimum the Bitstring Status List spec asks for group privacy
MAX_LIST_BYTES = 16 * 1024 * 1024  # what we accept when decoding someone else's list (16 MB: 134 M entries)


class StatusListError(ValueError):
    """A status list cannot be read."""


def random_index() -> int:
    return secrets.randbelow(LIST_SIZE)


def encode(revoked: Iterable[int], size: int = LIST_SIZE) -> str:
    """The encodedList: GZIP of the bitstring (bit 0 = left-most bit of byte 0), base64url multibase ('u')."""
    bits = bytearray(size // 8)
    for index in revoked:
        if 0 <= index < size:
            bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def decode(encoded: str) -> bytes:
    """The bitstring of an encodedList, refusing one that unpacks to more than MAX_LIST_BYTES."""
    if not isinstance(encoded, str) or not encoded.startswith("u") or len(encoded) > 4 * MAX_LIST_BYTES:
        raise StatusListError("encodedList is geen base64url-multibase-tekst")
    text = encoded[1:]
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip framing
        bits = inflater.decompress(packed, MAX_LIST_BYTES + 1)
    except (ValueError, zlib.error) as exc:
        raise StatusListError("encodedList is niet uit te pakken") from exc
    if len(bits) > MAX_LIST_BYTES or inflater.unconsumed_tail:
        raise StatusListError("encodedList is te groot")
    return bits


def is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise StatusListError("statusListIndex valt buiten de lijst")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
