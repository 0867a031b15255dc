"""HMAC signatures as webhook senders compute them; compared in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac

from ..errors import SignatureError


def hmac_sha256(secret: str | bytes, message: bytes) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, message, hashlib.sha256).digest()


def hex_signature(secret: str | bytes, body: bytes) -> str:
    """`sha256=<hex>`: the generic webhook and Meta's `X-Hub-Signature-256`."""
    return "sha256=" + hmac_sha256(secret, body).hex()


def base64_signature(secret: str | bytes, body: bytes) -> str:
    """`sha256=<base64>`: X's `x-twitter-webhooks-signature` and CRC response token."""
    return "sha256=" + base64.b64encode(hmac_sha256(secret, body)).decode()


def verify(expected: str, given: str | None, *, header: str) -> None:
    """Raise `SignatureError` unless `given` equals `expected` (constant time)."""
    if not given:
        raise SignatureError(f"missing {header} header")
    if not hmac.compare_digest(expected.encode(), given.strip().encode()):
        raise SignatureError(f"{header} does not match the body")
