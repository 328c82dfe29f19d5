"""An OpenBadgeCredential (Open Badges 3.0 on the W3C VC data model 2.0) for a certificate, signed as a VC-JWT.

The JWT payload is the credential itself, with the registered claims `iss`, `jti` and `nbf` beside it
(OB 3.0, VC-JWT proof format). The JOSE header names the key by `kid`: the address of the published
key set with the key's thumbprint as fragment, so anyone can check the signature with what we publish.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from jwcrypto import jws

from course.certificates.pdf import verify_url
from course.credentials.keys import ALGORITHM, Keyring

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
STATUS_LIST_NUMBER = 1


@dataclass(frozen=True)
class Issuer:
    """Who signs: this installation's address and name, and its keys."""
    base_url: str
    name: str
    keyring: Keyring

    @property
    def base(self) -> str:
        return self.base_url.rstrip("/")

    @property
    def id(self) -> str:
        return f"{self.base}/openbadges/issuer"

    @property
    def jwks_url(self) -> str:
        return f"{self.base}/openbadges/jwks.json"

    @property
    def status_list_url(self) -> str:
        return f"{self.base}/openbadges/status/{STATUS_LIST_NUMBER}"

    def kid_url(self, kid: str | None = None) -> str:
        return f"{self.jwks_url}#{kid or self.keyring.kid}"

    def profile(self, name: str | None = None) -> dict:
        """The issuer as an OB 3.0 Profile (also served at its own id)."""
        return {"id": self.id, "type": ["Profile"], "name": name or self.name, "url": self.base,
                "description": "Online cursus Veilige Gehechtheid voor pedagogisch medewerkers en gastouders."}

    def published_profile(self) -> dict:
        return {"@context": [VC_CONTEXT, OB_CONTEXT], **self.profile()}


@dataclass(frozen=True)
class Achievement:
    """What the certificate is for, in Dutch: as it stands in the credential's achievement."""
    id: str
    kind: str            # OB 3.0 achievementType
    name: str
    description: str
    criteria: str        # Markdown: what was tested and how, the goals, the study load
    hours: float


def iso(moment: datetime) -> str:
    """A stored (naive UTC) time as an XML Schema dateTime in UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"


def email_identity(email: str, salt: str | None = None) -> dict:
    """The learner's e-mail address as an OB 3.0 IdentityObject: only a salted SHA-256 hash of it."""
    salt = salt if salt is not None else secrets.token_hex(16)
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return {"type": "IdentityObject", "identityHash": f"sha256${digest}", "identityType": "emailAddress",
            "hashed": True, "salt": salt}


def email_matches(identity: dict, email: str) -> bool:
    """Whether a hashed emailAddress identity is this address (the salt comes with the identity)."""
    if not isinstance(identity, dict) or identity.get("identityType") != "emailAddress":
        return False
    salt, wanted = identity.get("salt", ""), identity.get("identityHash", "")
    if not isinstance(salt, str) or not isinstance(wanted, str):
        return False
    if identity.get("hashed") is False:
        return secrets.compare_digest(wanted.strip().lower().encode(), email.strip().lower().encode())
    if not wanted.startswith("sha256$"):
        return False
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return secrets.compare_digest(wanted[len("sha256$"):].lower().encode(), digest.encode())


def build(issuer: Issuer, *, code: str, learner_name: str, email: str, achievement: Achievement,
          issuer_name: str, issued_at: datetime, status_index: int) -> dict:
    """The credential for one certificate, unsigned."""
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": verify_url(issuer.base, code),  # also where anyone can check it, without an account
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement.name,
        "description": f"Verificatiecode {code}. Controleer dit bewijs op {verify_url(issuer.base, code)}.",
        "issuer": issuer.profile(issuer_name),
        "validFrom": iso(issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": learner_name,
            "identifier": [email_identity(email)],
            "creditsEarned": achievement.hours,
            "achievement": {
                "id": achievement.id,
                "type": ["Achievement"],
                "achievementType": achievement.kind,
                "name": achievement.name,
                "description": achievement.description,
                "criteria": {"narrative": achievement.criteria},
                "creditsAvailable": achievement.hours,
                "inLanguage": "nl",
            },
        },
        "credentialStatus": {
            "id": f"{issuer.status_list_url}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": issuer.status_list_url,
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def sign(issuer: Issuer, credential: dict, issued_at: datetime | None = None) -> str:
    """The credential as a compact VC-JWT signed with the current signing key (jwcrypto)."""
    claims = dict(credential)
    issuer_id = credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else credential["issuer"]
    claims.update(iss=issuer_id, jti=credential["id"])
    if issued_at is not None:
        claims["nbf"] = int(issued_at.replace(tzinfo=timezone.utc).timestamp()) if issued_at.tzinfo is None \
            else int(issued_at.timestamp())
    token = jws.JWS(json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    public = issuer.keyring.signing.export_public(as_dict=True)
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": issuer.kid_url(), "jwk": public}
    token.add_signature(issuer.keyring.signing, alg=ALGORITHM, protected=json.dumps(header))
    return token.serialize(compact=True)


def payload_of(token: str) -> dict:
    """The claims of a VC-JWT, NOT checked: only for showing what a credential we signed ourselves says."""
    parsed = jws.JWS()
    parsed.deserialize(token)
    return json.loads(parsed.objects["payload"])


def credential_of(token: str) -> dict:
    """The credential in one of our VC-JWTs, without the JWT's registered claims (for the JSON download)."""
    claims = payload_of(token)
    for name in ("iss", "jti", "nbf", "exp", "sub", "iat"):
        claims.pop(name, None)
    return claims
