"""JSON Web Tokens (RFC 7519) the review sources sign and verify, with pyca/cryptography:

    es256(claims, key_id, pem, secret)   App Store Connect's API token: ECDSA P-256 and
                                         SHA-256, the signature r || s (32 bytes each,
                                         RFC 7518 §3.4), not the DER cryptography returns
    rs256(claims, key_id, pem, secret)   a Google service account's token request:
                                         RSASSA-PKCS1-v1_5 and SHA-256 (RFC 7518 §3.3)
    verify_rs256(token, certificates)    a token Google signed (a Pub/Sub push), checked
                                         against Google's published certificates by key id;
                                         its claims, for the caller to check

A token is ``base64url(header) . base64url(claims) . base64url(signature)``, JSON compact,
no padding. Why no JWT or Google auth library on top: google-auth needs cryptography
anyway, and the two together put the Lambda zip past its 10 MiB goal (docs/performance.md,
"The review sources in the zip"). A key that does not load is a `ConfigError`
naming the secret (`secret`), never the key; a token that does not verify is a
`SignatureError` saying why, never the token.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from ..errors import ConfigError, SignatureError

P256_BYTES = 32


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Raises `ValueError` (binascii.Error) on what is not base64url."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signing_input(header: Mapping[str, Any], claims: Mapping[str, Any]) -> bytes:
    def part(value: Mapping[str, Any]) -> str:
        return b64url(json.dumps(value, separators=(",", ":"), sort_keys=True).encode())

    return f"{part(header)}.{part(claims)}".encode("ascii")


def _private_key(pem: str, secret: str) -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        return load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as exc:  # never the key in the message
        raise ConfigError(f"{secret} is not a PEM private key ({type(exc).__name__})") from exc


def es256(claims: Mapping[str, Any], key_id: str, pem: str, *, secret: str) -> str:
    """A JWT signed with the P-256 private key in `pem` (Apple's .p8: PKCS#8 PEM)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    key = _private_key(pem, secret)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ConfigError(f"{secret} is not an EC P-256 private key")
    data = _signing_input({"alg": "ES256", "kid": key_id, "typ": "JWT"}, claims)
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
    raw = r.to_bytes(P256_BYTES, "big") + s.to_bytes(P256_BYTES, "big")
    return f"{data.decode('ascii')}.{b64url(raw)}"


def rsa_key(pem: str, *, secret: str) -> Any:
    """The RSA private key in `pem`; `ConfigError` naming `secret` when it is none."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = _private_key(pem, secret)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigError(f"{secret} is not an RSA private key")
    return key


def rs256(claims: Mapping[str, Any], key_id: str, pem: str, *, secret: str) -> str:
    """A JWT signed with the RSA private key in `pem` (a service account's private_key)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    key = rsa_key(pem, secret=secret)
    header = {"alg": "RS256", "typ": "JWT", **({"kid": key_id} if key_id else {})}
    data = _signing_input(header, claims)
    signature = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    return f"{data.decode('ascii')}.{b64url(signature)}"


def header_of(token: str) -> dict[str, Any]:
    """The token's header, read without verifying anything; `SignatureError` when `token`
    is not three base64url parts with a JSON object first."""
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise SignatureError("the token is not a JWT (three base64url parts)")
    try:
        header = json.loads(b64url_decode(parts[0]))
    except (binascii.Error, ValueError) as exc:
        raise SignatureError("the token's header is not base64url JSON") from exc
    if not isinstance(header, dict):
        raise SignatureError("the token's header is not a JSON object")
    return header


def verify_rs256(token: str, certificates: Mapping[str, str]) -> dict[str, Any]:
    """The claims of `token` once its RS256 signature verifies with the PEM certificate its
    ``kid`` names in `certificates`; else `SignatureError`. Expiry, issuer and audience
    are the caller's to check."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    header = header_of(token)
    if header.get("alg") != "RS256":
        raise SignatureError(f"the token is signed with {str(header.get('alg'))[:10]!r}, not RS256")
    pem = certificates.get(str(header.get("kid") or ""))
    if not pem:
        raise SignatureError("the token's key id is not among the signer's certificates")
    try:
        public = x509.load_pem_x509_certificate(pem.encode()).public_key()
    except ValueError as exc:
        raise SignatureError("the signer's certificate does not load") from exc
    if not isinstance(public, rsa.RSAPublicKey):
        raise SignatureError("the signer's certificate holds no RSA key")
    head, body, signature = token.split(".")
    try:
        public.verify(
            b64url_decode(signature),
            f"{head}.{body}".encode("ascii"),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
        claims = json.loads(b64url_decode(body))
    except (InvalidSignature, binascii.Error, ValueError) as exc:
        raise SignatureError("the token's signature does not verify") from exc
    if not isinstance(claims, dict):
        raise SignatureError("the token's claims are not a JSON object")
    return claims
