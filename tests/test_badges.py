"""Open Badges 3.0: our credentials checked by a second implementation (PyJWT, fed only what we publish),
against the OB 3.0 schema (a subset, see fixtures/openbadges/README.md) and the JSON-LD contexts; tampering,
revocation, downloads; and proof from elsewhere, checked before it reaches the training record."""
from __future__ import annotations

import base64
import gzip
import io
import json
from datetime import datetime, timedelta, timezone

import jsonschema
import jwt
import pytest
from PIL import Image
from pyld import jsonld
from sqlalchemy import func, select

from course import certificates as certs
from course.credentials import baking, credential, fetch, keys, status
from course.extensions import db
from course.models import AuditEvent, Certificate, ExternalAchievement, OpenBadge, User

from conftest import FIXTURES, PASSWORD, PINNED, complete_module, only_certificate, post_form
from elsewhere import OTHER, OtherInstallation

# Results here depend on dates: run at one fixed moment (conftest.PINNED).
pytestmark = pytest.mark.usefixtures("pinned_clock")

BADGES = FIXTURES / "openbadges"
CONTEXTS = {"https://www.w3.org/ns/credentials/v2": BADGES / "credentials-v2.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": BADGES / "ob-v3p0-context-3.0.3.json"}


# ----- helpers -----

def published(client) -> dict:
    """Only what anyone can fetch from us: the key set, the issuer profile and the status list."""
    return {"jwks": client.get("/openbadges/jwks.json").get_json(),
            "issuer": json.loads(client.get("/openbadges/issuer").get_data(as_text=True)),
            "status": client.get("/openbadges/status/1").get_data(as_text=True)}


def pyjwt_verify(token: str, jwks: dict) -> dict:
    """The second implementation: PyJWT + cryptography, with the key picked from the published set by `kid`."""
    header = jwt.get_unverified_header(token)
    fragment = header["kid"].split("#", 1)[1]
    key = next(jwt.PyJWK(k) for k in jwks["keys"] if k["kid"] == fragment)
    return jwt.decode(token, key=key, algorithms=["EdDSA"], options={"require": ["iss", "jti", "nbf"]})


def bit(encoded: str, index: int) -> bool:
    """Read a Bitstring Status List independently of course.credentials.status."""
    raw = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    return bool(bits[index // 8] >> (7 - index % 8) & 1)


def tamper_payload(token: str, change) -> str:
    head, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    change(claims)
    new = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{new}.{signature}"


def offline_loader(url, options=None):
    path = CONTEXTS.get(url)
    if path is None:
        raise AssertionError(f"the test would need the network for {url}")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": json.loads(path.read_text(encoding="utf-8"))}


@pytest.fixture
def issued(app, make_user, auth):
    """A learner, logged in, with module 1 completed: (user id, certificate code)."""
    user_id = make_user(name="Anouk de Vries", email="anouk@voorbeeld.nl")
    complete_module(app, user_id)
    auth.login("anouk@voorbeeld.nl")
    return user_id, only_certificate(app).code


def token_of(app, code: str) -> str:
    with app.app_context():
        return db.session.scalar(select(OpenBadge.jwt).join(Certificate).where(Certificate.code == code))


# ----- our credential, checked by someone else -----

def test_download_signs_once_and_an_independent_verifier_accepts_it(app, client, issued):
    user_id, code = issued
    first = client.get(f"/certificaten/{code}/openbadge.json")
    assert first.status_code == 200 and first.headers["Content-Type"].startswith("application/json")
    document = first.get_json()
    claims = pyjwt_verify(document["jwt"], published(client)["jwks"])
    assert claims["credentialSubject"]["name"] == "Anouk de Vries"
    assert "anouk@voorbeeld.nl" not in document["jwt"] and "anouk@voorbeeld.nl" not in json.dumps(document)
    identity = claims["credentialSubject"]["identifier"][0]
    assert identity["hashed"] is True and identity["identityType"] == "emailAddress"
    import hashlib
    assert identity["identityHash"] == "sha256$" + hashlib.sha256(
        ("anouk@voorbeeld.nl" + identity["salt"]).encode()).hexdigest()
    certificate = only_certificate(app)
    assert claims["validFrom"] == certificate.issued_at.replace(microsecond=0).isoformat() + "Z"
    assert claims["id"] == f"http://localhost/verify/{code}" and claims["jti"] == claims["id"]
    assert claims["iss"] == claims["issuer"]["id"] == published(client)["issuer"]["id"]
    criteria = claims["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert "Wat is getoetst en hoe" in criteria and "Leerdoelen" in criteria and "Studiebelasting" in criteria
    assert "75% goed" in criteria  # the fixture quiz's pass mark: how it was tested
    assert document["credential"] == {k: v for k, v in claims.items() if k not in ("iss", "jti", "nbf")}
    # Frozen: the second download is the very same signed credential.
    again = client.get(f"/certificaten/{code}/openbadge.json").get_json()
    assert again["jwt"] == document["jwt"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OpenBadge)) == 1


def test_matches_the_schema_and_every_term_is_defined_in_the_contexts(client, issued):
    _, code = issued
    document = client.get(f"/certificaten/{code}/openbadge.json").get_json()["credential"]
    schema = json.loads((BADGES / "achievementcredential-subset.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft201909Validator(schema, format_checker=jsonschema.FormatChecker()).validate(document)
    dropped = []
    expanded = jsonld.expand(document, {"documentLoader": offline_loader},
                             on_property_dropped=lambda name: dropped.append(name))
    assert expanded and dropped == []
    # The schema check can fail: a credential without its achievement's criteria is refused.
    broken = json.loads(json.dumps(document))
    del broken["credentialSubject"]["achievement"]["criteria"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft201909Validator(schema).validate(broken)


def test_tampering_with_a_field_or_the_signature_fails(client, issued):
    _, code = issued
    token = client.get(f"/certificaten/{code}/openbadge.json").get_json()["jwt"]
    jwks = published(client)["jwks"]
    pyjwt_verify(token, jwks)
    changed = tamper_payload(token, lambda c: c["credentialSubject"].update(name="Iemand Anders"))
    with pytest.raises(jwt.InvalidSignatureError):
        pyjwt_verify(changed, jwks)
    more_hours = tamper_payload(token, lambda c: c["credentialSubject"].update(creditsEarned=40))
    with pytest.raises(jwt.InvalidSignatureError):
        pyjwt_verify(more_hours, jwks)
    head, body, signature = token.split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    with pytest.raises(jwt.InvalidSignatureError):
        pyjwt_verify(f"{head}.{body}.{flipped}", jwks)


def test_revoking_flips_the_bit_in_the_signed_status_list(app, client, issued):
    _, code = issued
    claims = pyjwt_verify(client.get(f"/certificaten/{code}/openbadge.json").get_json()["jwt"],
                          published(client)["jwks"])
    entry = claims["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    index = int(entry["statusListIndex"])
    listed = pyjwt_verify(published(client)["status"], published(client)["jwks"])
    assert listed["id"] == entry["statusListCredential"] == "http://localhost/openbadges/status/1"
    assert "BitstringStatusListCredential" in listed["type"]
    assert not bit(listed["credentialSubject"]["encodedList"], index)
    assert len(gzip.decompress(base64.urlsafe_b64decode(listed["credentialSubject"]["encodedList"][1:] + "==")))\
        * 8 == status.LIST_SIZE
    with app.app_context():
        certs.revoke(db.session, certs.find(db.session, code), "Fraude bij de toets.")
    listed = pyjwt_verify(published(client)["status"], published(client)["jwks"])
    assert bit(listed["credentialSubject"]["encodedList"], index)
    # A tampered status list fails too.
    forged = tamper_payload(published(client)["status"],
                            lambda c: c["credentialSubject"].update(encodedList=status.encode([])))
    with pytest.raises(jwt.InvalidSignatureError):
        pyjwt_verify(forged, published(client)["jwks"])
    # The credential of a revoked certificate is still served (so others see it revoked), never re-signed.
    assert client.get(f"/openbadges/credentials/{code}.jwt").get_data(as_text=True) == token_of(app, code)


def test_positions_in_the_list_are_spread(app, make_user):
    indexes = []
    for n in range(6):
        user_id = make_user(email=f"p{n}@voorbeeld.nl")
        complete_module(app, user_id)
    with app.app_context(), app.test_request_context():
        from course.credentials import ensure_all
        from course.web.helpers import issuer
        ensure_all(db.session, app.extensions["course"], issuer(), list(db.session.scalars(select(Certificate))))
        indexes = sorted(db.session.scalars(select(OpenBadge.status_index)))
    assert len(set(indexes)) == 6
    assert max(b - a for a, b in zip(indexes, indexes[1:])) > 100  # not handed out one after the other


def test_an_old_certificate_gets_its_credential_on_first_download_with_its_own_date(app, client, make_user, auth):
    user_id = make_user(name="Bram Oud", email="bram@voorbeeld.nl")
    long_ago = datetime(2024, 3, 5, 9, 30)
    with app.app_context():
        db.session.add(Certificate(code="K7QX-3MZD-9TRH", user_id=user_id, scope="eerste-module", name="Bram Oud",
                                   title="Module 1: Module 1 van de test", hours=1.75, issuer="Oude Uitgever",
                                   issued_at=long_ago))
        db.session.commit()
    auth.login("bram@voorbeeld.nl")
    claims = pyjwt_verify(client.get("/certificaten/K7QX-3MZD-9TRH/openbadge.json").get_json()["jwt"],
                          published(client)["jwks"])
    assert claims["validFrom"] == "2024-03-05T09:30:00Z" and claims["issuer"]["name"] == "Oude Uitgever"
    assert claims["nbf"] == int(long_ago.replace(tzinfo=timezone.utc).timestamp())


def test_the_baked_png_carries_the_same_credential(app, client, issued):
    _, code = issued
    response = client.get(f"/certificaten/{code}/openbadge.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert "attachment" in response.headers["Content-Disposition"]
    with Image.open(io.BytesIO(response.data)) as image:
        image.load()
        assert image.size == (400, 400)
        token = image.text["openbadgecredential"]
    assert b"iTXt" in response.data and b"openbadgecredential\x00" in response.data
    assert token == token_of(app, code)
    pyjwt_verify(token, published(client)["jwks"])


def test_downloads_are_the_learners_own(app, client, issued, make_user, auth):
    _, code = issued
    auth.logout()
    assert client.get(f"/certificaten/{code}/openbadge.png").status_code == 302  # to the login page
    make_user(email="ander@voorbeeld.nl")
    auth.login("ander@voorbeeld.nl")
    assert client.get(f"/certificaten/{code}/openbadge.png").status_code == 404
    assert client.get(f"/certificaten/{code}/openbadge.json").status_code == 404


def test_no_credential_for_a_certificate_revoked_before_it_had_one(app, client, make_user, auth):
    user_id = make_user(email="c@voorbeeld.nl")
    complete_module(app, user_id)
    code = only_certificate(app).code
    with app.app_context():
        certs.revoke(db.session, certs.find(db.session, code), "Ingetrokken.")
    auth.login("c@voorbeeld.nl")
    assert client.get(f"/certificaten/{code}/openbadge.json").status_code == 404
    assert client.get(f"/openbadges/credentials/{code}.jwt").status_code == 404


@pytest.mark.parametrize("keep_name", [True, False])
def test_deleting_the_account_drops_the_credential(app, client, issued, keep_name):
    user_id, code = issued
    client.get(f"/certificaten/{code}/openbadge.json")
    from course import accounts
    with app.app_context():
        accounts.delete_account(db.session, db.session.get(User, user_id), keep_name_on_certificates=keep_name)
        assert db.session.scalar(select(func.count()).select_from(OpenBadge)) == 0
    assert client.get(f"/openbadges/credentials/{code}.jwt").status_code == 404


# ----- keys -----

def test_keys_from_a_setting_and_retired_keys_stay_published(tmp_path):
    old_pem, new_pem = keys.generate_pem(), keys.generate_pem()
    (tmp_path / "old.pem").write_bytes(old_pem)
    old = keys.load(tmp_path / "a", pem=old_pem.decode())
    rotated = keys.load(tmp_path / "b", pem=new_pem.decode(), retired=str(tmp_path / "old.pem"))
    assert rotated.kid != old.kid
    assert [k["kid"] for k in rotated.jwks()["keys"]] == [rotated.kid, old.kid]
    assert all("d" not in k for k in rotated.jwks()["keys"])  # public parts only
    # A credential signed before the rotation still checks out against the new published set.
    signer = credential.Issuer("https://x.example", "X", old)
    token = credential.sign(signer, {"id": "urn:x", "issuer": {"id": "https://x.example/openbadges/issuer"}},
                            datetime(2025, 1, 1))
    assert pyjwt_verify(token, rotated.jwks())["jti"] == "urn:x"
    assert not (tmp_path / "a" / keys.LOCAL_KEY_FILE).exists()  # a given key is not written anywhere
    generated = keys.load(tmp_path / "c")
    assert (tmp_path / "c" / keys.LOCAL_KEY_FILE).stat().st_mode & 0o077 == 0
    assert keys.load(tmp_path / "c").kid == generated.kid  # the same key on the next start
    with pytest.raises(keys.KeyError_):
        keys.load(tmp_path / "d", pem="geen sleutel")
    with pytest.raises(keys.KeyError_):
        keys.load(tmp_path / "d", pem_file=str(tmp_path / "bestaat-niet.pem"))


def test_issuer_and_keys_are_published(client):
    profile = client.get("/openbadges/issuer")
    assert profile.status_code == 200
    assert json.loads(profile.get_data(as_text=True))["type"] == ["Profile"]
    jwks = client.get("/openbadges/jwks.json").get_json()
    assert jwks["keys"][0]["alg"] == "EdDSA" and jwks["keys"][0]["crv"] == "Ed25519"


# ----- proof from elsewhere -----

@pytest.fixture
def other(app, tmp_path):
    installation = OtherInstallation(tmp_path)
    original = app.extensions["openbadge_fetcher"]
    app.extensions["openbadge_fetcher"] = lambda url: fetch.table_fetcher(installation.documents())(url)
    yield installation
    app.extensions["openbadge_fetcher"] = original


@pytest.fixture
def learner_anouk(make_user, auth):
    user_id = make_user(name="Anouk de Vries", email="anouk@voorbeeld.nl")
    auth.login("anouk@voorbeeld.nl")
    return user_id


def hand_in(client, url="/certificaten/extern", *, file: bytes | None = None, filename="badge.png", **fields):
    data = {"tekst": "", "code": "", "adres": "", **fields}
    if file is not None:
        data["bestand"] = (io.BytesIO(file), filename)
    return post_form(client, url, data, content_type="multipart/form-data")


def stored(app) -> list[ExternalAchievement]:
    with app.app_context():
        rows = list(db.session.scalars(select(ExternalAchievement)))
        db.session.expunge_all()
        return rows


def test_a_baked_badge_from_elsewhere_is_checked_and_added_apart(app, client, other, learner_anouk):
    token = other.credential()
    png = baking.bake(baking.draw("Module 1", "Certificaat", "2025"), token)
    response = hand_in(client, file=png)
    assert response.status_code == 302
    rows = stored(app)
    assert len(rows) == 1 and rows[0].user_id == learner_anouk
    assert (rows[0].issuer_name, rows[0].title, rows[0].hours) == ("Kinderopvang Elders",
                                                                   "Module 1: Gehechtheid in de praktijk", 2.5)
    assert rows[0].achieved_at == datetime(2025, 5, 1, 10, 0)
    page = client.get("/certificaten/extern").get_data(as_text=True)
    assert "Extern behaald" in page and "Kinderopvang Elders" in page and "1 mei 2025" in page


def test_pasted_jwt_and_json_file_are_accepted(app, client, other, learner_anouk):
    assert hand_in(client, tekst=other.credential(code="ABCD-EFGH-JKM2")).status_code == 302
    document = json.dumps({"credential": {}, "jwt": other.credential(code="ABCD-EFGH-JKM3", index=99)})
    assert hand_in(client, file=document.encode(), filename="badge.json").status_code == 302
    assert len(stored(app)) == 2


def test_a_code_from_another_installation_is_fetched_and_checked(app, client, other, learner_anouk):
    other.credential(code="WXYZ-2345-6789")
    response = hand_in(client, code="wxyz 2345 6789", adres="leren.andere-opvang.example/")
    assert response.status_code == 302
    assert stored(app)[0].credential_id == f"{OTHER}/verify/WXYZ-2345-6789"
    # A JSON credential of that platform (no signature of its own) is fetched by its id in the same way.
    other.credential(code="WXYZ-2345-678A")
    document = {"type": ["VerifiableCredential", "OpenBadgeCredential"], "id": f"{OTHER}/verify/WXYZ-2345-678A"}
    assert hand_in(client, file=json.dumps(document).encode(), filename="x.json").status_code == 302


@pytest.mark.parametrize("case, reason", [
    ("tampered", "handtekening klopt niet"),
    ("flipped signature", "handtekening klopt niet"),
    ("revoked", "ingetrokken"),
    ("expired", "verlopen"),
    ("someone else", "iemand anders"),
    ("not a jwt", "geen ondertekende Open Badge"),
    ("broken json", "beschadigd of onvolledig"),
    ("broken jwt", "niet te lezen"),
    ("foreign key", "niet op het adres van de uitgever"),
    ("our own", "van dit leerplatform zelf"),
    ("future", "toekomst"),
])
def test_what_does_not_verify_is_refused_with_the_reason_and_stores_nothing(app, client, other, learner_anouk,
                                                                             case, reason, tmp_path):
    token = other.credential()
    if case == "tampered":
        token = tamper_payload(token, lambda c: c["credentialSubject"].update(creditsEarned=80))
    elif case == "flipped signature":
        head, body, signature = token.split(".")
        token = f"{head}.{body}.{signature[:5]}{'A' if signature[5] != 'A' else 'B'}{signature[6:]}"
    elif case == "revoked":
        other.revoked.append(17)
    elif case == "expired":
        token = other.credential(change=lambda d: d.update(validUntil="2025-12-31T00:00:00Z"))
    elif case == "someone else":
        token = other.credential(name="Iemand Anders", email="iemand@voorbeeld.nl")
    elif case == "not a jwt":
        token = "dit-is-geen-badge"
    elif case == "broken json":
        token = '{"@context": ["https://www.w3.org/ns/credentials/v2", '
    elif case == "broken jwt":
        token = "eyJhbGciOiJFZERTQSJ9.bm9nIGdlZW4ganNvbg.c2lnbmF0dXJl"
    elif case == "foreign key":  # signed by someone else's key, naming the issuer of the other installation
        impostor = OtherInstallation(tmp_path / "imp", "https://kwaadwillig.example")
        token = credential.sign(impostor.issuer, credential.payload_of(other.credential()))
    elif case == "our own":
        mine = OtherInstallation(tmp_path / "own", "http://localhost")
        token = mine.credential()
    elif case == "future":
        token = other.credential(issued=PINNED + timedelta(days=3))
    response = hand_in(client, tekst=token)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Niet toegevoegd" in page and reason in page and "Er is niets opgeslagen" in page
    assert stored(app) == []


def test_the_same_credential_counts_once(app, client, other, learner_anouk):
    token = other.credential()
    assert hand_in(client, tekst=token).status_code == 302
    again = hand_in(client, tekst=token)
    assert again.status_code == 422 and "al eerder toegevoegd" in again.get_data(as_text=True)
    assert len(stored(app)) == 1


def test_the_e_mail_hash_is_enough_when_the_name_differs(app, client, other, learner_anouk):
    token = other.credential(name="A. de Vries")  # same e-mail address, another spelling of the name
    assert hand_in(client, tekst=token).status_code == 302


def test_a_huge_upload_is_refused(app, client, other, learner_anouk):
    big = hand_in(client, file=b"\x89PNG\r\n\x1a\n" + b"0" * (210 * 1024))
    assert big.status_code == 413 and "te groot" in big.get_data(as_text=True)
    assert client.post("/certificaten/extern", data={"tekst": "x" * (300 * 1024)}).status_code == 413
    assert stored(app) == []


def test_one_piece_of_proof_at_a_time_and_csrf(app, client, other, learner_anouk):
    empty = hand_in(client)
    assert empty.status_code == 422 and "Kies een bestand" in empty.get_data(as_text=True)
    both = hand_in(client, tekst=other.credential(), code="ABCD-EFGH-JKMN", adres=OTHER)
    assert both.status_code == 422 and "één bewijs tegelijk" in both.get_data(as_text=True)
    no_token = client.post("/certificaten/extern", data={"tekst": other.credential()})
    assert no_token.status_code == 400
    assert stored(app) == []


def test_a_code_of_this_platform_or_a_bad_address_is_refused(app, client, other, learner_anouk):
    own = hand_in(client, code="ABCD-EFGH-JKMN", adres="http://localhost")
    assert own.status_code == 422 and "van dit leerplatform zelf" in own.get_data(as_text=True)
    bad = hand_in(client, code="ABCD-EFGH-JKMN", adres="ftp://x")
    assert bad.status_code == 422 and "geen geldig adres" in bad.get_data(as_text=True)
    missing = hand_in(client, code="ABCD-EFGH-JKMN", adres=OTHER)  # the other platform does not know it
    assert missing.status_code == 422 and "niet op te halen" in missing.get_data(as_text=True)


def test_the_live_fetcher_refuses_plain_http_and_private_addresses():
    for url in ("http://leren.example.nl/openbadges/jwks.json", "https://127.0.0.1/x", "https://10.1.2.3/x",
                "https://169.254.169.254/latest/meta-data", "https://[::1]/x", "https://localhost/x",
                "https://user:pw@example.nl/x"):
        with pytest.raises(fetch.FetchError):
            fetch.live_fetcher()(url)
    assert fetch.check_url("http://127.0.0.1:5000/x", allow_local=True)  # tests only


def test_a_manager_adds_proof_for_a_team_member_and_it_is_logged(app, client, other, make_user, make_team, auth):
    manager = make_user(name="Mira Manager", email="mira@voorbeeld.nl")
    member = make_user(name="Anouk de Vries", email="anouk@voorbeeld.nl")
    outsider = make_user(name="Anouk de Vries", email="anouk2@voorbeeld.nl")
    make_team(manager_id=manager, members=[member])
    auth.login("mira@voorbeeld.nl")
    url = f"/opleidingsoverzicht/medewerkers/{member}/extern"
    assert client.get(url).status_code == 200
    assert hand_in(client, url, tekst=other.credential()).status_code == 302
    rows = stored(app)
    assert rows[0].user_id == member and rows[0].added_by_id == manager
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.subject_id == member)) == \
            "extern bewijs toegevoegd"
    assert client.get(f"/opleidingsoverzicht/medewerkers/{outsider}/extern").status_code == 404
    # In the employee's 'overzicht scholing' for that year: apart, as extern behaald, with issuer, date and hours.
    overview = client.get("/opleidingsoverzicht/?jaar=2025").get_data(as_text=True)
    assert f"/opleidingsoverzicht/medewerkers/{member}/extern" in overview
    from pypdf import PdfReader
    text = PdfReader(io.BytesIO(client.get(f"/opleidingsoverzicht/medewerkers/{member}.pdf?jaar=2025").data)) \
        .pages[0].extract_text()
    assert "Extern behaald" in text and "Gehechtheid in de praktijk" in text and "Kinderopvang Elders" in text
    assert "1 mei 2025" in text and "2,5" in text
    other_year = PdfReader(io.BytesIO(client.get(f"/opleidingsoverzicht/medewerkers/{member}.pdf?jaar=2024").data))
    assert "Extern behaald" not in other_year.pages[0].extract_text()
    # And in the record's exports for an inspector, apart from the totals of what was earned here.
    from openpyxl import load_workbook
    csv_text = client.get("/opleidingsoverzicht/export.csv?jaar=2025").data.decode("utf-8-sig")
    head, _, elsewhere = csv_text.partition("Extern behaald")
    assert "Totaal" in head and "Anouk de Vries;anouk@voorbeeld.nl" in elsewhere
    assert "Module 1: Gehechtheid in de praktijk;Kinderopvang Elders;01-05-2025;2,50" in elsewhere
    sheet = load_workbook(io.BytesIO(client.get("/opleidingsoverzicht/export.xlsx?jaar=2025").data)).active
    values = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    at = next(i for i, row in enumerate(values) if str(row[0]).startswith("Extern behaald"))
    assert values[at + 1][:4] == ("Naam", "E-mailadres", "Team", "Titel")
    assert values[at + 2][0] == "Anouk de Vries" and values[at + 2][4] == "Kinderopvang Elders"
    assert values[at + 2][6] == 2.5
    assert "Extern behaald" not in client.get("/opleidingsoverzicht/export.csv?jaar=2024").data.decode("utf-8-sig")
    auth.logout()
    auth.login("anouk@voorbeeld.nl", PASSWORD)
    assert client.get(f"/opleidingsoverzicht/medewerkers/{member}/extern").status_code == 404


def test_proof_from_elsewhere_is_in_the_data_export_and_goes_with_the_account(app, client, other, learner_anouk):
    assert hand_in(client, tekst=other.credential()).status_code == 302
    exported = client.get("/account/mijn-gegevens.json").get_json()["extern_behaald"]
    assert [e["titel"] for e in exported] == ["Module 1: Gehechtheid in de praktijk"]
    from course import accounts
    with app.app_context():
        accounts.delete_account(db.session, db.session.get(User, learner_anouk), keep_name_on_certificates=False)
    assert stored(app) == []
