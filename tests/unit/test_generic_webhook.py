from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from chalicelib.errors import MalformedPayload, SignatureError
from chalicelib.sources import generic
from chalicelib.sources.signing import hex_signature

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
POST = {
    "id": 77,
    "text": "  Al drie dagen storing  ",
    "url": "https://forum.example.nl/t/77",
    "created_at": "2026-11-22T09:58:00+01:00",
    "author": "marieke",
    "followers": "250",
    "lang": "NL",
}


def body(data) -> bytes:
    return json.dumps(data).encode()


def test_a_post_becomes_a_normalised_mention():
    (mention,) = generic.parse(body(POST), NOW)
    assert mention.id == "generic:77"
    assert mention.text == "Al drie dagen storing"
    assert mention.created_at == "2026-11-22T08:58:00Z"
    assert mention.received_at == "2026-11-22T09:00:00Z"
    assert mention.author.handle == "marieke" and mention.author.followers == 250
    assert mention.lang == "nl"


def test_a_list_of_posts_and_a_custom_source_are_accepted():
    second = {
        **POST,
        "id": "78",
        "source": "trustpilot",
        "author": {"id": "5", "handle": "jan", "followers": 10},
    }
    mentions = generic.parse(body([POST, second]), NOW)
    assert [m.id for m in mentions] == ["generic:77", "generic-trustpilot:78"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"text": ""}, "text"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"created_at": "yesterday"}, "created_at"),
        ({"created_at": "2026-11-22T09:58:00"}, "created_at"),
        ({"author": 5}, "author"),
        ({"followers": -1}, "followers"),
        ({"followers": 10**40}, "followers"),
        ({"followers": float("inf")}, "followers"),
        ({"source": "X Corp"}, "source"),
        ({"lang": ["nl"]}, "lang"),
    ],
)
def test_bad_fields_are_refused_with_a_reason(change, reason):
    with pytest.raises(MalformedPayload, match=reason):
        generic.parse(body({**POST, **change}), NOW)


@pytest.mark.parametrize("raw", [b"", b"[]", b"\xff\xfe", b"[1, 2]", b"null"])
def test_bodies_that_are_not_posts_are_refused(raw):
    with pytest.raises(MalformedPayload):
        generic.parse(raw, NOW)


def test_signature_is_checked_over_the_raw_bytes_in_any_header_case():
    raw = body(POST)
    generic.verify({"X-SIGNATURE-256": hex_signature("s3cret", raw)}, raw, "s3cret")
    with pytest.raises(SignatureError):
        generic.verify({"x-signature-256": hex_signature("s3cret", raw + b" ")}, raw, "s3cret")
    with pytest.raises(SignatureError, match="missing"):
        generic.verify({}, raw, "s3cret")
