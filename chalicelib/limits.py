"""The input limits: what one mention may hold, checked where posts come in.

Every way in applies the same limits (docs/reliability.md#input-limits):

* webhooks (`intake.webhooks.accept`): `check` raises `MalformedPayload` naming the
  field, so the sender gets a 400 saying what to fix and nothing is queued;
* pollers (`sources.polling.run_poller`): `fit` truncates what is too long, caps what
  is too large and says so (the poller logs it); a post whose time is outside
  [`EARLIEST`, now + `FUTURE_SKEW`] is skipped and logged;
* the consumer (`consumer.pipeline`): `problems` again, for messages queued before a
  limit existed; such a mention is quarantined alone, never its batch.

The limits keep every item that copies a post (the mention, its alert, the digest's
lists) far below DynamoDB's 400 KB, and every time within what `datetime` and the
team's calendar can hold (a post dated 9999-12-31 23:30 UTC is in the year 10000 in
Amsterdam).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import MalformedPayload
from .model import Author, Engagement, Mention

TEXT = 4000  # characters of a post (sources clip longer network posts to this)
NATIVE_ID = 200
HANDLE = 100
NAME = 200
AUTHOR_ID = 200
URL = 2048
LANG = 8
LIST_ITEMS = 20  # matched terms, reasons, themes
LIST_ITEM = 100  # characters of one of those
COUNT = 10**10  # followers, likes…: more than any account has (DynamoDB: <= 38 digits)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_SKEW = timedelta(days=1)  # a sender's clock may be ahead; more is not a post time

_STRINGS = (
    ("native_id", NATIVE_ID),
    ("url", URL),
    ("text", TEXT),
)
_AUTHOR = (("id", AUTHOR_ID), ("handle", HANDLE), ("name", NAME))
_LISTS = ("matched_terms", "reasons", "themes")
_COUNTS = ("likes", "replies", "reposts", "score")


@dataclass(frozen=True)
class Fitted:
    mention: Mention | None  # None: skipped (its time is out of range)
    notes: tuple[str, ...] = ()  # what was changed or why it was skipped


def time_problem(value: str, now: datetime, field: str = "created_at") -> str | None:
    """Why an ISO time is not a post time, or None when it is one."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, TypeError, AttributeError):
        return f"{field} is not an ISO 8601 time"
    if moment.tzinfo is None:
        return f"{field} has no timezone"
    if not EARLIEST <= moment <= now + FUTURE_SKEW:
        return (
            f"{field} {value} is outside {EARLIEST.date().isoformat()} .. "
            f"{(now + FUTURE_SKEW).date().isoformat()}"
        )
    return None


def problems(mention: Mention, now: datetime) -> list[str]:
    """Every limit `mention` breaks, each naming its field (empty: within limits)."""
    found = [
        _too_long(name, getattr(mention, name), limit)
        for name, limit in _STRINGS
        if len(getattr(mention, name) or "") > limit
    ]
    found += [
        _too_long(f"author.{name}", getattr(mention.author, name), limit)
        for name, limit in _AUTHOR
        if len(getattr(mention.author, name) or "") > limit
    ]
    if mention.lang is not None and len(mention.lang) > LANG:
        found.append(_too_long("lang", mention.lang, LANG))
    for name in _LISTS:
        values = getattr(mention, name)
        if len(values) > LIST_ITEMS:
            found.append(f"{name} has {len(values)} entries; the limit is {LIST_ITEMS}")
        elif any(len(str(v)) > LIST_ITEM for v in values):
            found.append(f"{name} has an entry over {LIST_ITEM} characters")
    counts = {"author.followers": mention.author.followers}
    counts.update({f"engagement.{n}": getattr(mention.engagement, n) for n in _COUNTS})
    found += [
        f"{name} must be between {_floor(name)} and {COUNT}"
        for name, value in counts.items()
        if not _floor(name) <= int(value) <= COUNT
    ]
    if mention.in_reply_to is not None and len(mention.in_reply_to) > NATIVE_ID + 40:
        found.append(_too_long("in_reply_to", mention.in_reply_to, NATIVE_ID + 40))
    when = time_problem(mention.created_at, now)
    return [*found, *([when] if when else [])]


def check(mention: Mention, now: datetime) -> None:
    """Raise `MalformedPayload` naming the first fields over a limit (a webhook's 400)."""
    found = problems(mention, now)
    if found:
        raise MalformedPayload(f"post {mention.native_id[:40]!r}: " + "; ".join(found[:3]))


def fit(mention: Mention, now: datetime) -> Fitted:
    """A poller's post within the limits: long strings cut, lists shortened, counts
    capped; None (skipped) when its time is not a post time. Notes say what changed."""
    when = time_problem(mention.created_at, now)
    if when:
        return Fitted(None, (f"skipped: {when}",))
    if not problems(mention, now):
        return Fitted(mention)
    notes: list[str] = []
    changes: dict[str, Any] = {}
    for name, limit in _STRINGS:
        value = getattr(mention, name) or ""
        if len(value) > limit:
            changes[name] = _cut(value, limit)
            notes.append(f"{name} cut to {limit} characters")
    author: dict[str, Any] = {}
    for name, limit in _AUTHOR:
        value = getattr(mention.author, name) or ""
        if len(value) > limit:
            author[name] = _cut(value, limit)
            notes.append(f"author.{name} cut to {limit} characters")
    followers = _capped(mention.author.followers)
    if followers != mention.author.followers:
        author["followers"] = followers
        notes.append("author.followers capped")
    if author:
        changes["author"] = Author(**{**_fields(mention.author), **author})
    engagement = {n: _capped(getattr(mention.engagement, n), signed=n == "score") for n in _COUNTS}
    if engagement != _fields(mention.engagement):
        changes["engagement"] = Engagement(**engagement)
        notes.append("engagement capped")
    for name in _LISTS:
        values = tuple(str(v)[:LIST_ITEM] for v in getattr(mention, name)[:LIST_ITEMS])
        if values != tuple(getattr(mention, name)):
            changes[name] = values
            notes.append(f"{name} shortened")
    if mention.lang is not None and len(mention.lang) > LANG:
        changes["lang"] = None
        notes.append("lang dropped")
    if mention.in_reply_to is not None and len(mention.in_reply_to) > NATIVE_ID + 40:
        changes["in_reply_to"] = None
        notes.append("in_reply_to dropped")
    return Fitted(mention.with_(**changes), tuple(notes))


def _too_long(field: str, value: str, limit: int) -> str:
    return f"{field} is {len(value)} characters; the limit is {limit}"


def _floor(field: str) -> int:
    return -COUNT if field == "engagement.score" else 0  # a Reddit score can be negative


def _cut(value: str, limit: int) -> str:
    return value[: limit - 1] + "…"


def _capped(value: int, *, signed: bool = False) -> int:
    return max(-COUNT if signed else 0, min(int(value), COUNT))


def _fields(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__slots__}
