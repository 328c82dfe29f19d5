"""Checking an Open Badge from elsewhere, and taking it into the learner's training record.

What a learner or manager hands in (a baked PNG, a JWT, a JSON file, or a certificate code of another
installation of this platform) is checked in this order: it must be a VC-JWT whose header names a key
published at the issuer's own address; the signature must hold with that key; the issuer must publish
its profile there; the credential must be an Open Badge that is valid today; and its status list (signed
by the same issuer) must not mark it revoked. Every refusal is a `Refused` with a Dutch reason; nothing
is stored unless all of it holds and the credential is about this learner.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import urldefrag, urlsplit

from jwcrypto import jwk, jws
from jwcrypto.common import JWException
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course.credentials import baking, status
from course.credentials.credential import email_matches
from course.credentials.fetch import Fetcher, FetchError
from course.models import ExternalAchievement, User
from course.text import normalise, printable, utcnow

MAX_INPUT = 200 * 1024  # a baked badge of ours is about 25 KB
ALLOWED_ALGS = ["EdDSA", "ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
JWT_SHAPE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
CLOCK_SKEW = timedelta(minutes=5)
CODE_PATH = re.compile(r"^/verify/([A-Z0-9-]{10,20})$")


class Refused(ValueError):
    """The credential is not taken in; str() is the reason in plain Dutch."""


@dataclass(frozen=True)
class CodeReference:
    """A certificate of another installation of this platform: its address and code."""
    origin: str
    code: str

    @property
    def credential_url(self) -> str:
        return f"{self.origin}/openbadges/credentials/{self.code}.jwt"

    @property
    def credential_id(self) -> str:
        return f"{self.origin}/verify/{self.code}"


@dataclass(frozen=True)
class Verified:
    """A credential whose signature, issuer, status and dates all hold."""
    credential_id: str
    issuer_id: str
    issuer_name: str
    title: str
    achieved_at: datetime  # naive UTC, as the database keeps times
    hours: float | None
    subject_name: str
    token: str
    valid_until: datetime | None = None
    identifiers: tuple[dict, ...] = field(default_factory=tuple)

    def is_about(self, user: User) -> bool:
        """Whether the credential names this learner: the same name, or the hash of the same e-mail address."""
        if self.subject_name and normalise(self.subject_name).casefold() == normalise(user.name).casefold():
            return True
        return any(email_matches(identity, user.email) for identity in self.identifiers)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def normalise_origin(typed: str) -> str:
    """The address of another installation as typed ('leren.example.nl' or 'https://leren.example.nl/')."""
    typed = (typed or "").strip()
    if not typed:
        raise Refused("Vul het adres in van het leerplatform waar het certificaat vandaan komt.")
    if "://" not in typed:
        typed = "https://" + typed
    parts = urlsplit(typed)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.username or parts.password or \
            parts.query or parts.fragment:
        raise Refused("Dit is geen geldig adres van een leerplatform. Schrijf het zo: https://leren.voorbeeld.nl.")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}".lower()


def read_input(data: bytes) -> str | CodeReference:
    """The compact JWT in what was handed in, or a reference to fetch it by code (a JSON credential of this platform)."""
    if len(data) > MAX_INPUT:
        raise Refused("Dit bestand is te groot voor een Open Badge. Een badge is meestal kleiner dan 100 kB.")
    if data.startswith(b"\x89PNG"):
        try:
            data = baking.unbake(data).encode("utf-8")
        except baking.NotABadge as problem:
            raise Refused(f"In dit plaatje zit geen Open Badge die we kunnen lezen ({problem}).") from None
    try:
        text = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise Refused("Dit bestand is geen Open Badge: upload de badge (PNG), het JSON-bestand of de JWT-tekst.") \
            from None
    if not text:
        raise Refused("Kies een bestand of plak de tekst van de Open Badge.")
    if text[0] in "{[\"":
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            raise Refused("Dit JSON-bestand is beschadigd of onvolledig; het is geen leesbare Open Badge.") from None
        if isinstance(document, str):
            text = document.strip()
        elif isinstance(document, dict) and isinstance(document.get("jwt"), str):
            text = document["jwt"].strip()  # our JSON download: the signed JWT, and the credential to read
        elif isinstance(document, dict):
            return _reference_in(document)
        else:
            raise Refused("Dit JSON-bestand is geen Open Badge.")
    if not JWT_SHAPE.match(text):
        raise Refused("Deze tekst is geen ondertekende Open Badge (een JWT bestaat uit drie delen met punten "
                      "ertussen). Controleer of je alles hebt gekopieerd.")
    return text


def _reference_in(document: dict) -> CodeReference:
    """A JSON credential carries no signature we can check; one of this platform names where its signed form is."""
    types = document.get("type", [])
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        raise Refused("Dit JSON-bestand is geen Open Badge.")
    identifier = document.get("id")
    match = CODE_PATH.match(urlsplit(identifier).path) if isinstance(identifier, str) else None
    if not match or not _origin(identifier):
        raise Refused("Dit JSON-bestand heeft geen handtekening die we kunnen controleren. Upload de badge (PNG) "
                      "of de JWT-tekst van dezelfde Open Badge.")
    parts = urlsplit(identifier)
    return CodeReference(f"{parts.scheme}://{parts.netloc}".lower(), match.group(1))


def _fetch(fetcher: Fetcher, url: str, what: str) -> bytes:
    try:
        return fetcher(url)
    except FetchError as problem:
        raise Refused(f"{what} is niet op te halen: {problem}") from None


def _check_signature(token: str, fetcher: Fetcher, issuer_hint: str | None = None,
                     own_issuer_id: str | None = None) -> tuple[dict, dict]:
    """The header and claims of a JWT whose signature holds with a key published at its issuer's address."""
    parsed = jws.JWS()
    try:
        parsed.deserialize(token)
        header = parsed.jose_header
        claims = json.loads(parsed.objects["payload"])
    except (JWException, ValueError, KeyError, TypeError, RecursionError):
        raise Refused("Deze Open Badge is beschadigd: de JWT is niet te lezen.") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise Refused("Deze Open Badge is beschadigd: de JWT is niet te lezen.")
    alg = header.get("alg")
    if alg not in ALLOWED_ALGS:
        raise Refused("Deze Open Badge is niet ondertekend op een manier die we kunnen controleren.")
    issuer = claims.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str) or not _origin(issuer_id):
        raise Refused("In deze Open Badge staat geen uitgever met een internetadres.")
    if own_issuer_id is not None and issuer_id == own_issuer_id:
        raise Refused("Deze Open Badge komt van dit leerplatform zelf. Wat je hier haalt, staat al in je overzicht.")
    if "iss" in claims and claims["iss"] != issuer_id:
        raise Refused("De uitgever in de handtekening is een andere dan in de Open Badge.")
    if issuer_hint is not None and issuer_id != issuer_hint:
        raise Refused("De intrekkingslijst is van een andere uitgever dan de Open Badge.")
    kid = header.get("kid")
    if not isinstance(kid, str) or _origin(kid) != _origin(issuer_id):
        raise Refused("De sleutel van deze Open Badge staat niet op het adres van de uitgever; de handtekening is "
                      "dus niet te controleren.")
    key_set_url, fragment = urldefrag(kid)
    try:
        keys = jwk.JWKSet.from_json(_fetch(fetcher, key_set_url, "De sleutel van de uitgever"))
    except (JWException, ValueError, TypeError):
        raise Refused("De sleutels die de uitgever publiceert, zijn niet te lezen.") from None
    key = keys.get_key(fragment) if fragment else None
    if key is None:
        key = next((k for k in keys if fragment and k.thumbprint() == fragment), None)
    if key is None:
        raise Refused("De uitgever publiceert de sleutel van deze Open Badge niet (meer).")
    embedded = header.get("jwk")
    if embedded is not None:
        try:
            if jwk.JWK(**embedded).thumbprint() != key.thumbprint():
                raise Refused("De sleutel in deze Open Badge is niet die van de uitgever.")
        except (JWException, ValueError, TypeError):
            raise Refused("De sleutel in deze Open Badge is niet te lezen.") from None
    try:
        parsed.verify(key, alg=alg)
    except (JWException, ValueError, TypeError):
        raise Refused("De handtekening klopt niet: de Open Badge is na het ondertekenen veranderd, of niet door "
                      "deze uitgever ondertekend.") from None
    return header, claims


def _moment(value, what: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Refused(f"De {what} in deze Open Badge is geen datum.")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Refused(f"De {what} in deze Open Badge is geen geldige datum.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _check_status(claims: dict, issuer_id: str, fetcher: Fetcher, now: datetime) -> None:
    entries = claims.get("credentialStatus")
    if entries is None:
        return
    for entry in entries if isinstance(entries, list) else [entries]:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            raise Refused("We kunnen niet nagaan of deze Open Badge is ingetrokken: de uitgever gebruikt een "
                          "intrekkingslijst die we niet kennen.")
        purpose, url = entry.get("statusPurpose"), entry.get("statusListCredential")
        try:
            index = int(str(entry.get("statusListIndex")))
        except ValueError:
            raise Refused("De plaats van deze Open Badge in de intrekkingslijst is onleesbaar.") from None
        if purpose not in ("revocation", "suspension") or not isinstance(url, str):
            raise Refused("De intrekkingslijst van deze Open Badge is onleesbaar.")
        token = _fetch(fetcher, url, "De intrekkingslijst van de uitgever").decode("utf-8", "replace").strip()
        if not JWT_SHAPE.match(token):
            raise Refused("De intrekkingslijst van de uitgever is niet ondertekend; we kunnen hem niet vertrouwen.")
        _, listed = _check_signature(token, fetcher, issuer_hint=issuer_id)
        subject = listed.get("credentialSubject")
        if "BitstringStatusListCredential" not in (listed.get("type") or []) or not isinstance(subject, dict) or \
                subject.get("statusPurpose") != purpose or listed.get("id") != url:
            raise Refused("De intrekkingslijst van de uitgever is niet de lijst die de Open Badge noemt.")
        until = _moment(listed.get("validUntil"), "einddatum van de intrekkingslijst")
        if until is not None and until < now - CLOCK_SKEW:
            raise Refused("De intrekkingslijst van de uitgever is verouderd; probeer het later opnieuw.")
        try:
            revoked = status.is_set(status.decode(subject.get("encodedList")), index)
        except status.StatusListError:
            raise Refused("De intrekkingslijst van de uitgever is onleesbaar.") from None
        if revoked:
            raise Refused("Deze Open Badge is ingetrokken door de uitgever" +
                          (" (tijdelijk geschorst)." if purpose == "suspension" else ".") +
                          " Hij telt niet meer als bewijs.")


def _hours(subject: dict, achievement: dict) -> float | None:
    for value in (subject.get("creditsEarned"), achievement.get("creditsAvailable")):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 1000:
            return float(value)
    return None


def verify_token(token: str, fetcher: Fetcher, own_issuer_id: str, now: datetime | None = None,
                 expected_id: str | None = None) -> Verified:
    """Check a VC-JWT from elsewhere (see the module docstring); Refused with the reason when anything fails."""
    now = now or utcnow()
    if len(token) > MAX_INPUT:
        raise Refused("Deze Open Badge is te groot.")
    _, claims = _check_signature(token, fetcher, own_issuer_id=own_issuer_id)
    issuer = claims["issuer"]
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    types = claims.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types or \
            not {"OpenBadgeCredential", "AchievementCredential"} & set(types):
        raise Refused("Dit is geen Open Badge (het is een ander soort digitaal bewijs).")
    credential_id = claims.get("id") or claims.get("jti")
    if not isinstance(credential_id, str) or not credential_id.strip():
        raise Refused("Deze Open Badge heeft geen kenmerk (id), dus we kunnen niet zien of hij al is gebruikt.")
    if expected_id is not None and credential_id != expected_id:
        raise Refused("Het leerplatform stuurde een ander certificaat dan de code die je invulde.")
    profile_bytes = _fetch(fetcher, issuer_id, "Het profiel van de uitgever")
    try:
        profile = json.loads(profile_bytes)
    except (ValueError, RecursionError):
        raise Refused("Het profiel van de uitgever is niet te lezen.") from None
    if not isinstance(profile, dict) or profile.get("id") != issuer_id:
        raise Refused("Op het adres van de uitgever staat een ander profiel; de uitgever is niet te bevestigen.")
    valid_from = _moment(claims.get("validFrom") or claims.get("issuanceDate"), "begindatum")
    if valid_from is None:
        raise Refused("In deze Open Badge staat niet wanneer hij is uitgegeven.")
    if valid_from > now + CLOCK_SKEW:
        raise Refused("Deze Open Badge geldt pas vanaf een datum in de toekomst.")
    valid_until = _moment(claims.get("validUntil") or claims.get("expirationDate"), "einddatum")
    if "exp" in claims:
        try:
            expires = datetime.fromtimestamp(float(claims["exp"]), timezone.utc).replace(tzinfo=None)
        except (TypeError, ValueError, OverflowError, OSError):
            raise Refused("De einddatum in deze Open Badge is geen geldige datum.") from None
        valid_until = min(valid_until, expires) if valid_until else expires
    if valid_until is not None and valid_until < now:
        raise Refused("Deze Open Badge is verlopen: hij gold tot " + valid_until.strftime("%d-%m-%Y") + ".")
    _check_status(claims, issuer_id, fetcher, now)
    subject = claims.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if not isinstance(subject, dict) or not isinstance(subject.get("achievement"), dict):
        raise Refused("In deze Open Badge staat niet wat er is behaald.")
    achievement = subject["achievement"]
    identifiers = tuple(i for i in subject.get("identifier") or () if isinstance(i, dict)) \
        if isinstance(subject.get("identifier"), list) else ()
    name = subject.get("name") if isinstance(subject.get("name"), str) else ""
    issuer_name = (issuer.get("name") if isinstance(issuer, dict) else None) or profile.get("name") or issuer_id
    title = achievement.get("name") if isinstance(achievement.get("name"), str) else ""
    if not title.strip():
        raise Refused("In deze Open Badge staat niet wat er is behaald.")
    return Verified(credential_id[:500], issuer_id[:500], printable(str(issuer_name))[:200], printable(title)[:300],
                    valid_from, _hours(subject, achievement), printable(name)[:200], token, valid_until, identifiers)


def verify_reference(reference: CodeReference, fetcher: Fetcher, own_issuer_id: str,
                     now: datetime | None = None) -> Verified:
    """Fetch a certificate's credential from another installation by its code, and check it."""
    raw = _fetch(fetcher, reference.credential_url, "Het certificaat op het andere leerplatform")
    token = raw.decode("utf-8", "replace").strip()
    if not JWT_SHAPE.match(token):
        raise Refused("Het andere leerplatform stuurde geen ondertekende Open Badge terug.")
    verified = verify_token(token, fetcher, own_issuer_id, now, expected_id=reference.credential_id)
    if _origin(verified.issuer_id) != _origin(reference.origin):
        raise Refused("Het certificaat is uitgegeven door een ander adres dan het leerplatform dat je invulde.")
    return verified


def take_in(session: Session, user: User, verified: Verified, added_by: User) -> ExternalAchievement:
    """Add the verified credential to the learner's record as earned elsewhere (commits), or Refused."""
    if not verified.is_about(user):
        raise Refused("Deze Open Badge staat op naam van iemand anders. Alleen je eigen bewijs kan in je overzicht.")
    row = ExternalAchievement(user_id=user.id, credential_id=verified.credential_id, issuer_id=verified.issuer_id,
                              issuer_name=verified.issuer_name, title=verified.title,
                              achieved_at=verified.achieved_at, hours=verified.hours, jwt=verified.token,
                              added_by_id=added_by.id)
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Refused("Deze Open Badge is al eerder toegevoegd aan een opleidingsoverzicht. Hetzelfde bewijs telt "
                      "maar één keer.") from None
    return row


def external_of(session: Session, user_id: int) -> list[ExternalAchievement]:
    from sqlalchemy import select
    return list(session.scalars(select(ExternalAchievement).where(ExternalAchievement.user_id == user_id)
                                .order_by(ExternalAchievement.achieved_at, ExternalAchievement.id)))
