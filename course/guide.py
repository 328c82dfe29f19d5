"""Searching the "Wat doe ik nu?" guide: the same rule on the server as in static/guide.js.

A search is a few words typed in a hurry, maybe on a phone: case, accents and punctuation do not matter
("Dossier", "dossier?" and "dossíer" all find the card), and a card is found when each word of the search
occurs in its title, keywords or text (also as part of a longer word: "ophaal" finds "ophaallijst").
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Longer than anyone types in the moment; a longer search is answered with a message, not searched.
MAX_QUERY = 100
_NOT_WORD = re.compile(r"[^a-z0-9]+")

TOO_LONG = f"Je zoekvraag is te lang. Gebruik een paar woorden (hoogstens {MAX_QUERY} tekens)."


def normalise(text: str) -> str:
    """Lower-case ASCII words separated by one space: 'Ouder, onder invloed!' -> 'ouder onder invloed'.

    static/guide.js does the same in the browser: NFKD, lower case, drop the accents (marks), and every run
    of other characters than a-z and 0-9 becomes one space.
    """
    decomposed = unicodedata.normalize("NFKD", text).lower()
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return _NOT_WORD.sub(" ", bare).strip()


@dataclass(frozen=True)
class Search:
    query: str                # what was typed, shortened when it was too long (shown back in the box)
    cards: tuple              # the cards found, in guide order
    message: str = ""         # a Dutch message when the search could not be done


def search(cards: Sequence, query: str | None) -> Search:
    """The cards whose search text holds every word of the query; all cards for an empty query."""
    query = (query or "").strip()
    if len(query) > MAX_QUERY:
        return Search(query[:MAX_QUERY], tuple(cards), TOO_LONG)
    words = normalise(query).split()
    return Search(query, tuple(_matching(cards, words)))


def _matching(cards: Iterable, words: list[str]):
    for card in cards:
        if all(word in card.search_text for word in words):
            yield card
