"""The JWTs the review sources sign and verify (sources/tokens.py over pyca/cryptography),
checked by independent code: PyJWT, and cryptography's own verify of a DER signature
rebuilt from the raw r || s. Google's token endpoint (sources/google_oauth.py) is served
by `responses` in its documented shape. Keys are made per test: none is in the repository.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
import responses
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from chalicelib.errors import ConfigError, CredentialsRefused, SignatureError
from chalicelib.sources import google_oauth, tokens

NOW = datetime(2026, 12, 7, 7, 30, tzinfo=UTC)
CLAIMS = {"iss": "issuer-1", "aud": "appstoreconnect-v1", "iat": 1796628600, "exp": 1796629800}


def pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture(scope="module")
def p256():
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_an_es256_token_verifies_with_pyjwt_and_its_signature_is_raw_r_and_s(p256):
    token = tokens.es256(CLAIMS, "KEY123", pem(p256), secret="appstore_private_key")
    assert jwt.get_unverified_header(token) == {"alg": "ES256", "kid": "KEY123", "typ": "JWT"}
    decoded = jwt.decode(
        token,
        p256.public_key(),
        algorithms=["ES256"],
        audience="appstoreconnect-v1",
        options={"verify_exp": False, "verify_iat": False},
    )
    assert decoded == CLAIMS
    # the signature is 64 bytes, r then s (RFC 7518 §3.4), not DER: rebuilt as DER it
    # verifies with cryptography's own ECDSA check
    head, body, signature = token.split(".")
    raw = tokens.b64url_decode(signature)
    assert len(raw) == 64
    der = encode_dss_signature(int.from_bytes(raw[:32]), int.from_bytes(raw[32:]))
    p256.public_key().verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))


def test_a_key_that_is_not_p256_is_a_config_error_that_never_shows_the_key(rsa_key):
    with pytest.raises(ConfigError, match="appstore_private_key is not an EC P-256"):
        tokens.es256(CLAIMS, "k", pem(rsa_key), secret="appstore_private_key")
    p384 = ec.generate_private_key(ec.SECP384R1())
    with pytest.raises(ConfigError, match="not an EC P-256"):
        tokens.es256(CLAIMS, "k", pem(p384), secret="appstore_private_key")
    with pytest.raises(ConfigError) as error:
        tokens.es256(CLAIMS, "k", "-----BEGIN PRIVATE KEY-----\nMIIkeymaterial", secret="x")
    assert "MIIkeymaterial" not in str(error.value)


def test_an_rs256_token_verifies_with_pyjwt(rsa_key):
    token = tokens.rs256(CLAIMS, "k1", pem(rsa_key), secret="google_play_service_account")
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "kid": "k1", "typ": "JWT"}
    decoded = jwt.decode(
        token,
        rsa_key.public_key(),
        algorithms=["RS256"],
        audience="appstoreconnect-v1",
        options={"verify_exp": False, "verify_iat": False},
    )
    assert decoded == CLAIMS


def test_a_token_google_signed_verifies_against_its_certificate(google_signer):
    key, certificate = google_signer
    token = jwt.encode({"aud": "a", "email": "e"}, key, algorithm="RS256", headers={"kid": "k1"})
    assert tokens.verify_rs256(token, {"k0": "other", "k1": certificate}) == {
        "aud": "a",
        "email": "e",
    }


def test_a_forged_altered_or_unsigned_token_does_not_verify(google_signer):
    key, certificate = google_signer
    certs = {"k1": certificate}
    good = jwt.encode({"aud": "a"}, key, algorithm="RS256", headers={"kid": "k1"})
    head, _, signature = good.split(".")
    altered = f"{head}.{tokens.b64url(json.dumps({'aud': 'b'}).encode())}.{signature}"
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode({"aud": "a"}, forger, algorithm="RS256", headers={"kid": "k1"})
    other_kid = jwt.encode({"aud": "a"}, key, algorithm="RS256", headers={"kid": "k2"})
    hmac = jwt.encode({"aud": "a"}, "a-shared-secret-of-32-bytes-or-more!", headers={"kid": "k1"})
    unsigned = f"{tokens.b64url(b'{"alg":"none","kid":"k1"}')}.{good.split('.')[1]}."
    for token, why in [
        (altered, "does not verify"),
        (forged, "does not verify"),
        (other_kid, "key id is not among"),
        (hmac, "not RS256"),
        (unsigned, "not a JWT"),
        ("not.a-token", "not a JWT"),
        ("%%%.e30.e30", "not base64url JSON"),
    ]:
        with pytest.raises(SignatureError, match=why):
            tokens.verify_rs256(token, certs)


def service_account(key) -> google_oauth.Grant:
    info = {"client_email": "sa@p.iam.gserviceaccount.com", "private_key": pem(key)}
    return google_oauth.service_account_grant(info, "scope-1", secret="sa_key")


@responses.activate
def test_an_access_token_is_kept_until_a_minute_before_it_expires(rsa_key):
    responses.post(google_oauth.TOKEN_URI, json={"access_token": "ya29.a", "expires_in": 3600})
    responses.get("https://api.example/r", json={})
    session = google_oauth.GoogleSession(service_account(rsa_key))
    for minutes in (0, 30, 58):
        session.get("https://api.example/r", NOW + timedelta(minutes=minutes))
    assert session.token_requests == 1
    session.get("https://api.example/r", NOW + timedelta(minutes=59, seconds=1))
    assert session.token_requests == 2
    reads = [c.request for c in responses.calls if c.request.method == "GET"]
    assert [r.headers["Authorization"] for r in reads] == ["Bearer ya29.a"] * 4


@responses.activate
def test_a_refused_grant_says_googles_error_and_nothing_of_the_secret():
    # Google's token endpoint answers a revoked refresh token with invalid_grant
    responses.post(
        google_oauth.TOKEN_URI,
        json={"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
        status=400,
    )
    session = google_oauth.GoogleSession(google_oauth.refresh_grant("id", "s3cret", "1//r"))
    with pytest.raises(CredentialsRefused) as refused:
        session.get("https://api.example/r", NOW)
    assert str(refused.value) == "invalid_grant"
    sent = responses.calls[0].request.body
    assert "grant_type=refresh_token" in sent and "refresh_token=1%2F%2Fr" in sent


def test_a_service_account_key_that_does_not_load_fails_when_the_client_is_made():
    with pytest.raises(ConfigError, match="sa_key is not a PEM private key"):
        google_oauth.service_account_grant(
            {"client_email": "a", "private_key": "nope"}, "s", secret="sa_key"
        )
    with pytest.raises(ConfigError, match="sa_key is not a service account key"):
        google_oauth.service_account_grant({"private_key": "nope"}, "s", secret="sa_key")
