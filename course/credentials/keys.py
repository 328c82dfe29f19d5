"""The platform's signing keys for Open Badges: one that signs, older ones that are only published.

Ed25519 keys (JWS algorithm EdDSA) through jwcrypto. The signing key comes from a setting in
production (OPENBADGE_SIGNING_KEY with the PEM itself, or OPENBADGE_SIGNING_KEY_FILE with a path);
without one it is generated on first start into the instance folder, like the secret key.
Retired keys (OPENBADGE_RETIRED_KEYS: PEM paths, separated by commas) stay in the published key set,
so credentials they signed stay verifiable after a rotation.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from jwcrypto import jwk

ALGORITHM = "EdDSA"
LOCAL_KEY_FILE = "openbadge_signing_key.pem"


class KeyError_(RuntimeError):
    """A configured key cannot be read; the message says which setting and why."""


@dataclass(frozen=True)
class Keyring:
    signing: jwk.JWK
    retired: tuple[jwk.JWK, ...] = field(default_factory=tuple)

    @property
    def kid(self) -> str:
        """The signing key's id: its RFC 7638 thumbprint."""
        return self.signing.thumbprint()

    def public_keys(self) -> list[dict]:
        """Every published public key as a JWK (signing key first), each with its `kid`, `alg` and `use`."""
        out, seen = [], set()
        for key in (self.signing, *self.retired):
            kid = key.thumbprint()
            if kid in seen:
                continue
            seen.add(kid)
            public = key.export_public(as_dict=True)
            public.update(kid=kid, alg=ALGORITHM, use="sig")
            out.append(public)
        return out

    def jwks(self) -> dict:
        return {"keys": self.public_keys()}


def _read_pem(text: bytes, what: str) -> jwk.JWK:
    try:
        key = jwk.JWK.from_pem(text)
    except (ValueError, TypeError) as exc:
        raise KeyError_(f"{what}: geen leesbare PEM-sleutel ({exc.__class__.__name__}).") from exc
    if key.get("kty") != "OKP" or key.get("crv") != "Ed25519":
        raise KeyError_(f"{what}: alleen Ed25519-sleutels worden gebruikt (maak er een met "
                        "'openssl genpkey -algorithm ed25519').")
    return key


def generate_pem() -> bytes:
    """A new Ed25519 private key as PEM (PKCS#8, unencrypted)."""
    return jwk.JWK.generate(kty="OKP", crv="Ed25519").export_to_pem(private_key=True, password=None)


def _local_key(instance: Path) -> jwk.JWK:
    """The key in the instance folder, made on first start (readable by the owner only)."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / LOCAL_KEY_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(generate_pem())
    return _read_pem(path.read_bytes(), str(path))


def load(instance: Path, pem: str = "", pem_file: str = "", retired: str = "") -> Keyring:
    """The keyring from the settings (see the module docstring)."""
    if pem.strip():
        signing = _read_pem(pem.strip().encode(), "OPENBADGE_SIGNING_KEY")
    elif pem_file.strip():
        try:
            signing = _read_pem(Path(pem_file.strip()).read_bytes(), f"OPENBADGE_SIGNING_KEY_FILE={pem_file}")
        except OSError as exc:
            raise KeyError_(f"OPENBADGE_SIGNING_KEY_FILE={pem_file}: het bestand is niet te lezen ({exc.strerror}).") \
                from exc
    else:
        signing = _local_key(instance)
    old = []
    for part in (p.strip() for p in retired.split(",")):
        if not part:
            continue
        try:
            data = Path(part).read_bytes()
        except OSError as exc:
            raise KeyError_(f"OPENBADGE_RETIRED_KEYS: {part} is niet te lezen ({exc.strerror}).") from exc
        old.append(_read_pem(data, f"OPENBADGE_RETIRED_KEYS: {part}"))
    return Keyring(signing, tuple(old))
