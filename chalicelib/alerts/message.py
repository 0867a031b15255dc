"""What a manager reads on a phone: one e-mail and one SMS per page.

An alert keeps a `card` (the facts: source, author, reach, first words, priority, why,
link) and is rendered per recipient at send time, because every recipient gets links
signed for them. `card_for(mention)` builds a card from a triaged mention,
`group_card(...)` one for a storm or a spike; `render(card, links, ...)` gives the text.

The SMS stays in the GSM-7 alphabet where we write it (straight quotes, "...") so that a
segment holds 153 characters, not 70.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..model import Mention, parse_time

SMS_LIMIT = 306  # two GSM-7 segments
SUBJECT_LIMIT = 100  # SNS e-mail subject limit
EXCERPT = 280
EXAMPLES = 3


@dataclass(frozen=True)
class Links:
    ack: str
    resolve: str


@dataclass(frozen=True)
class Rendered:
    subject: str
    email: str
    sms: str


def reach(followers: int) -> str:
    if followers >= 1_000_000:
        return f"{followers / 1_000_000:.1f}M"
    if followers >= 1_000:
        return f"{followers / 1_000:.1f}k"
    return str(followers)


def first_words(text: str, limit: int, ellipsis: str = "…") -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - len(ellipsis)].rsplit(" ", 1)[0]
    return cut + ellipsis


def card_for(mention: Mention) -> dict[str, Any]:
    """The facts an alert about `mention` shows, small enough to keep on the alert."""
    return {
        "kind": "mention",
        "source": mention.source,
        "handle": mention.author.handle.lstrip("@"),
        "followers": mention.author.followers,
        "excerpt": first_words(mention.text, EXCERPT),
        "url": mention.url,
        "priority": round(mention.priority),
        "reasons": list(mention.reasons[:4]),
        "created_at": mention.created_at,
        "lang": mention.lang or "",
    }


def group_card(
    kind: str, reason: str, cards: Sequence[dict[str, Any]], count: int
) -> dict[str, Any]:
    """A storm ("group") or "spike" card: a count, why, and the top examples."""
    top = sorted(cards, key=lambda c: -float(c.get("priority", 0)))[:EXAMPLES]
    return {
        "kind": kind,
        "count": count,
        "reason": reason,
        "priority": max((int(c.get("priority", 0)) for c in cards), default=0),
        "examples": [
            {k: c.get(k) for k in ("source", "handle", "followers", "excerpt", "url", "priority")}
            for c in top
        ],
    }


def render(
    card: dict[str, Any],
    links: Links | None,
    *,
    timezone: str,
    band: str = "",
    note: str = "",
) -> Rendered:
    """Subject, e-mail and SMS for one recipient. `links` None: no links (stored copy)."""
    if card.get("kind") in ("group", "spike"):
        return _render_group(card, links, band=band, note=note)
    return _render_mention(card, links, timezone=timezone, band=band, note=note)


def _render_mention(
    card: dict[str, Any], links: Links | None, *, timezone: str, band: str, note: str
) -> Rendered:
    priority = f"P{card.get('priority', 0)}" + (f" {band}" if band else "")
    who = f"@{card.get('handle', '?')}"
    followers = reach(int(card.get("followers") or 0))
    excerpt = str(card.get("excerpt", ""))
    subject = first_words(
        f"{'[ESCALATED] ' if note else ''}[{priority}] {card.get('source')}: {who} – {excerpt}",
        SUBJECT_LIMIT,
    )
    lines = []
    if note:
        lines += [note, ""]
    lines += [
        f"Negative post on {card.get('source')}, priority {card.get('priority')}"
        + (f" ({band})" if band else ""),
        f"{who} ({followers} followers), {_clock(card.get('created_at'), timezone)}",
        "",
        f"“{excerpt}”",
        "",
    ]
    if card.get("reasons"):
        lines.append("Why you were paged: " + "; ".join(card["reasons"]))
    lines.append(f"Open the post: {card.get('url') or '(no link)'}")
    if links:
        lines += [f"Acknowledge: {links.ack}", f"Resolve: {links.resolve}"]
    email = "\n".join(lines)
    head = f"{'ESCALATED ' if note else ''}{priority} {card.get('source')} {who} ({followers})"
    tail = f" Ack: {links.ack}" if links else ""
    room = max(SMS_LIMIT - len(head) - len(tail) - 4, 20)
    sms = f'{head}: "{first_words(excerpt, room, "...")}"{tail}'
    return Rendered(subject, email, sms)


def _render_group(card: dict[str, Any], links: Links | None, *, band: str, note: str) -> Rendered:
    count = int(card.get("count", 0))
    posts = f"{count} negative post" + ("" if count == 1 else "s")
    what = "Spike" if card.get("kind") == "spike" else "Grouped"
    subject = first_words(
        f"{'[ESCALATED] ' if note else ''}[{what}] {posts} – {card.get('reason', '')}",
        SUBJECT_LIMIT,
    )
    lines = [note, ""] if note else []
    lines += [
        f"{what}: {posts}, highest priority {card.get('priority', 0)}"
        + (f" ({band})" if band else ""),
        f"Why one message: {card.get('reason', '')}",
        "",
        "Top posts:",
    ]
    for number, example in enumerate(card.get("examples") or [], start=1):
        lines.append(
            f"{number}. {example.get('source')} @{example.get('handle')}"
            f" ({reach(int(example.get('followers') or 0))}) P{example.get('priority')}:"
            f" “{first_words(str(example.get('excerpt', '')), 120)}”"
            f" {example.get('url') or ''}".rstrip()
        )
    lines.append("")
    if links:
        lines += [f"Acknowledge: {links.ack}", f"Resolve: {links.resolve}"]
        lines.append(f"(acknowledges or resolves all {count} posts)")
    email = "\n".join(lines)
    top = (card.get("examples") or [{}])[0]
    head = f"{'ESCALATED ' if note else ''}{what.upper()} {posts}"
    tail = f" Ack all: {links.ack}" if links else ""
    words = first_words(str(top.get("excerpt", "")), 60, "...")
    example = f'{top.get("source")} @{top.get("handle")}: "{words}"'
    sms = first_words(f"{head}. Top: {example}", SMS_LIMIT - len(tail), "...") + tail
    return Rendered(subject, email, sms)


def _clock(stamp: Any, timezone: str) -> str:
    if not stamp:
        return "time unknown"
    try:
        moment = parse_time(stamp)
    except ValueError:
        return "time unknown"
    local: datetime = moment.astimezone(ZoneInfo(timezone))
    return local.strftime("%a %d %b %H:%M %Z")
