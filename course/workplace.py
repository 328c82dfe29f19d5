"""Where a learner works: the setting chooses the variant of each practice assignment.

A KDV babygroep, a KDV peutergroep or verticale groep, a BSO, or alone as a gastouder. The learner picks
it at registration or on the account page and can change it; None means not chosen yet (the overview
asks, the assignments show the peutergroep variant, which the others are written beside).
"""
from __future__ import annotations

SETTINGS = {
    "kdv-baby": "Kinderdagverblijf, babygroep",
    "kdv-peuter": "Kinderdagverblijf, peutergroep of verticale groep",
    "bso": "Buitenschoolse opvang (bso)",
    "gastouder": "Gastouder",
}
DEFAULT = "kdv-peuter"
# Short names, for "de opdracht voor ..." and the coach's overview.
SHORT = {"kdv-baby": "babygroep", "kdv-peuter": "peutergroep", "bso": "bso", "gastouder": "gastouder"}
# Who helps the learner think a plan through before carrying it out, per setting.
MENTOR = {"kdv-baby": "de mentor van het kind of je coach", "kdv-peuter": "de mentor van het kind of je coach",
          "bso": "de mentor van het kind of je coach", "gastouder": "je bemiddelingsmedewerker"}


def label(setting: str | None) -> str:
    return SETTINGS.get(setting or "", "nog niet gekozen")


def valid(setting: str | None) -> bool:
    return setting in SETTINGS


def effective(setting: str | None) -> str:
    """The setting whose assignment variant a learner sees."""
    return setting if setting in SETTINGS else DEFAULT
