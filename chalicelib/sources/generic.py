"""The generic signed JSON webhook: any tool that can POST a post to us.

Body: one post object, or a list of them::

    {"id": "123", "text": "...", "url": "https://...", "created_at": "2026-11-22T08:15:00Z",
     "author": {"id": "42", "handle": "jan", "name": "Jan", "followers": 1200} | "jan",
     "lang": "nl" (optional), "followers": 1200 (optional), "source": "forum" (optional),
     "by_brand": true, "in_reply_to": "122" (optional: the brand's own reply to post 122)}

A post with ``"by_brand": true`` is the brand's own reply, not a mention: it needs
``in_reply_to`` (the id of the post it answers, as sent here with the same source), and
marks that post's case answered on the network at its ``created_at``.

Signed with ``X-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>``.

A generic post never speaks for a network we read ourselves: its source is ``generic``,
or ``generic-<source>`` when the body names one (``"source": "x"`` gives ``generic-x``),
so its id can never be a real tweet's (``x:<id>``) and pre-empt it as a "duplicate".
The fields' limits are `chalicelib.limits` (a post over one is a 400 naming it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..errors import MalformedPayload
from ..model import Author, Mention, iso, parse_time
from . import signing
from ._common import header, load_json

SOURCE = "generic"
SIGNATURE_HEADER = "x-signature-256"
REQUIRED = ("id", "text", "author", "url", "created_at")
MAX_POSTS = 100
MAX_FOLLOWERS = 10**10  # more than any account has; DynamoDB refuses numbers past 38 digits
_SOURCE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,31}$")


def verify(headers: Mapping[str, str], raw_body: bytes, secret: str) -> None:
    given = header(headers, SIGNATURE_HEADER)
    signing.verify(signing.hex_signature(secret, raw_body), given, header="X-Signature-256")


def parse(raw_body: bytes, received_at: datetime) -> list[Mention]:
    data = load_json(raw_body, "generic webhook")
    posts = data if isinstance(data, list) else [data]
    if not posts:
        raise MalformedPayload("no posts in the body")
    if len(posts) > MAX_POSTS:
        raise MalformedPayload(f"at most {MAX_POSTS} posts per request")
    return [_mention(post, i, received_at) for i, post in enumerate(posts)]


def _mention(post: Any, index: int, received_at: datetime) -> Mention:
    where = f"post {index}" if index else "post"
    if not isinstance(post, dict):
        raise MalformedPayload(f"{where} is not a JSON object")
    missing = [key for key in REQUIRED if post.get(key) in (None, "", {})]
    if missing:
        raise MalformedPayload(f"{where} lacks required field(s): {', '.join(missing)}")
    text = post["text"]
    if not isinstance(text, str) or not text.strip():
        raise MalformedPayload(f"{where}: text must be a non-empty string")
    url = post["url"]
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise MalformedPayload(f"{where}: url must be an http(s) URL")
    try:
        created_at = iso(parse_time(post["created_at"]))
    except (ValueError, TypeError, OverflowError, OSError) as exc:
        raise MalformedPayload(f"{where}: created_at is not a timestamp with a timezone") from exc
    named = post.get("source", SOURCE)
    if not isinstance(named, str) or not _SOURCE_NAME.match(named):
        raise MalformedPayload(f"{where}: source must match {_SOURCE_NAME.pattern}")
    source = source_name(named)
    lang = post.get("lang")
    if lang is not None and (not isinstance(lang, str) or len(lang) > 8):
        raise MalformedPayload(f"{where}: lang must be a language code like 'nl'")
    by_brand, replied = post.get("by_brand", False), post.get("in_reply_to")
    if not isinstance(by_brand, bool):
        raise MalformedPayload(f"{where}: by_brand must be true or false")
    if replied is not None and (not isinstance(replied, str | int) or not str(replied)):
        raise MalformedPayload(f"{where}: in_reply_to must be the id of a post")
    if by_brand and replied is None:
        raise MalformedPayload(f"{where}: by_brand needs in_reply_to (the post it answers)")
    try:
        return Mention(
            source=source,
            native_id=str(post["id"]),
            url=url,
            author=_author(post["author"], post.get("followers")),
            text=text.strip(),
            created_at=created_at,
            received_at=iso(received_at),
            lang=lang.lower() if lang else None,
            in_reply_to=f"{source}:{replied}" if replied is not None else None,
            by_brand=by_brand,
        )
    except (ValueError, TypeError) as exc:
        raise MalformedPayload(f"{where}: {exc}") from exc


def source_name(named: str) -> str:
    """The mention source of a generic post that names `named`: always under `generic`."""
    if named == SOURCE or named.startswith(f"{SOURCE}-"):
        return named
    return f"{SOURCE}-{named}"


def _author(value: Any, followers: Any) -> Author:
    if isinstance(value, str):
        return Author(id=value, handle=value, followers=_count(followers))
    if isinstance(value, dict) and (value.get("handle") or value.get("id")):
        handle = str(value.get("handle") or value["id"])
        return Author(
            id=str(value.get("id") or handle),
            handle=handle,
            name=str(value.get("name") or ""),
            followers=_count(value.get("followers", followers)),
        )
    raise MalformedPayload("author must be a handle or an object with id/handle")


def _count(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise MalformedPayload("followers must be a number")
    try:
        number = int(value)
    except (ValueError, OverflowError) as exc:
        raise MalformedPayload("followers must be a number") from exc
    if not 0 <= number <= MAX_FOLLOWERS:
        raise MalformedPayload(f"followers must be between 0 and {MAX_FOLLOWERS}")
    return number
