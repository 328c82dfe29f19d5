"""Another installation of the platform, for the tests of proof from elsewhere (Open Badges)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from course.credentials import credential, keys, status
from course.text import utcnow

OTHER = "https://leren.andere-opvang.example"


class OtherInstallation:
    """Another platform with its own key: signs credentials and publishes its documents (no network)."""

    def __init__(self, tmp_path: Path, base: str = OTHER):
        self.issuer = credential.Issuer(base, "Kinderopvang Elders", keys.load(tmp_path / base.split("//")[1]))
        self.revoked: list[int] = []
        self.extra: dict[str, str] = {}

    def credential(self, *, name="Anouk de Vries", email="anouk@voorbeeld.nl", code="ABCD-EFGH-JKMN", index=17,
                   issued=datetime(2025, 5, 1, 10, 0), hours=2.5, change=None) -> str:
        achievement = credential.Achievement(f"{self.issuer.base}/openbadges/achievements/m1", "Course",
                                             "Module 1: Gehechtheid in de praktijk", "Elders behaald.",
                                             "## Wat is getoetst en hoe\n\nEen toets.", hours)
        document = credential.build(self.issuer, code=code, learner_name=name, email=email, achievement=achievement,
                                    issuer_name="Kinderopvang Elders", issued_at=issued, status_index=index)
        if change:
            change(document)
        token = credential.sign(self.issuer, document, issued)
        self.extra[f"{self.issuer.base}/openbadges/credentials/{code}.jwt"] = token
        return token

    def documents(self, now: datetime | None = None) -> dict:
        now = now or utcnow()
        status_list = {"@context": [credential.VC_CONTEXT], "id": self.issuer.status_list_url,
                       "type": ["VerifiableCredential", "BitstringStatusListCredential"], "issuer": self.issuer.id,
                       "validFrom": credential.iso(now), "validUntil": credential.iso(now + timedelta(days=1)),
                       "credentialSubject": {"id": self.issuer.status_list_url + "#list", "type": "BitstringStatusList",
                                             "statusPurpose": "revocation", "encodedList": status.encode(self.revoked)}}
        return {self.issuer.jwks_url: json.dumps(self.issuer.keyring.jwks()),
                self.issuer.id: json.dumps(self.issuer.published_profile()),
                self.issuer.status_list_url: credential.sign(self.issuer, status_list, now), **self.extra}
