"""What a manager reads on a phone: one e-mail and one SMS per page.

An alert keeps a `card` (the facts: source, author, reach, the post, priority, why,
link) and is rendered per recipient at send time, because every recipient gets a case
link of their own. `card_for(mention)` builds a card from a triaged mention,
`group_card(...)` one for a storm or a spike; `render(card, links, ...)` gives the text.

Every piece of network text goes through `untrusted` (e-mail, subject) or `sms.fold`
(SMS). The SMS is one GSM-7 segment, always: band, source, handle, reach, the first
words and the case link. The e-mail keeps the whole post (each line quoted with "> ", so
a line of the post can never pass for a line of ours) and every link.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .. import untrusted
from ..model import Mention, parse_time
from . import sms

SUBJECT_LIMIT = 100  # SNS e-mail subject limit
EXCERPT = 280
TEXT_LIMIT = 4000  # the whole post, as far as an alert item keeps it
EXAMPLES = 3
BAND_NAMES = {"high": "HIGH", "normal": "MEDIUM", "low": "LOW"}


@dataclass(frozen=True)
class Links:
    case: str  # <base>/c/<code>: the case page, signed for this recipient
    board: str = ""  # the recipient's shift board


@dataclass(frozen=True)
class Rendered:
    subject: str
    email: str
    sms: str


# what a grouped message keeps of each example (the name: Meta sends no handle)
EXAMPLE_FIELDS = ("source", "handle", "name", "followers", "excerpt", "url", "priority")


def known_reach(card: Mapping[str, Any]) -> str:
    """`reach` of a card's author, or "" where the network sends no count (Meta, feeds):
    a reach of 0 tells a manager nothing."""
    count = int(card.get("followers") or 0)
    return reach(count) if count else ""


def reach(followers: int) -> str:
    if followers >= 1_000_000:
        return f"{followers / 1_000_000:.1f}M"
    if followers >= 1_000:
        return f"{followers / 1_000:.1f}k"
    return str(followers)


def first_words(text: str, limit: int, ellipsis: str = "…") -> str:
    flat = untrusted.line(text)
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - len(ellipsis)].rsplit(" ", 1)[0]
    return cut + ellipsis


def who(record: Mapping[str, Any]) -> str:
    """An author in one line: "@handle", else their name (Meta gives no handle), else "someone"."""
    handle = untrusted.line(str(record.get("handle") or ""))
    if handle:
        return f"@{handle}"
    return untrusted.line(str(record.get("name") or "")) or "someone"


def card_for(mention: Mention) -> dict[str, Any]:
    """The facts an alert about `mention` shows, small enough to keep on the alert."""
    return {
        "kind": "mention",
        "source": untrusted.line(mention.source, 40),
        "handle": untrusted.line(mention.author.handle, 200).lstrip("@"),
        "name": untrusted.line(mention.author.name, 200),
        "author_id": untrusted.line(mention.author.id, 200),
        "followers": mention.author.followers,
        "excerpt": first_words(mention.text, EXCERPT),
        "text": untrusted.block(mention.text)[:TEXT_LIMIT],
        "url": untrusted.link(mention.url),
        "priority": round(mention.priority),
        "reasons": [untrusted.line(r, 200) for r in mention.reasons[:4]],
        "themes": [untrusted.line(t, 60) for t in mention.themes[:5]],
        "created_at": mention.created_at,
        "received_at": mention.received_at,
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
        "examples": [{k: c.get(k) for k in EXAMPLE_FIELDS if c.get(k) is not None} for c in top],
    }


def render(
    card: dict[str, Any],
    links: Links | None,
    *,
    timezone: str,
    band: str = "",
    note: str = "",
    tag: str = "ESCALATED",
) -> Rendered:
    """Subject, e-mail and SMS for one recipient. `links` None: no links (stored copy).

    A `note` (an escalation, a reminder, a handover) comes first in the e-mail, and its
    `tag` first in the subject and the SMS.
    """
    flag = untrusted.line(tag) if note else ""
    if card.get("kind") in ("group", "spike", "incident"):
        return _render_group(card, links, band=band, note=note, flag=flag)
    return _render_mention(card, links, timezone=timezone, band=band, note=note, flag=flag)


def subject_line(text: str) -> str:
    """An SNS subject: one line, no control characters, at most 100 characters."""
    return first_words(text, SUBJECT_LIMIT) or "Webcare case"


def quoted(text: str) -> list[str]:
    """The post's lines, each behind "> "."""
    return [f"> {part}" for part in untrusted.block(text).split("\n")]


def _band(band: str) -> str:
    return BAND_NAMES.get(band, band.upper())


def _link_lines(links: Links | None, what: str) -> list[str]:
    if not links:
        return []
    out = [f"Open the case ({what}): {links.case}"]
    if links.board:
        out.append(f"Your shift board: {links.board}")
    return out


def _render_mention(
    card: dict[str, Any], links: Links | None, *, timezone: str, band: str, note: str, flag: str
) -> Rendered:
    priority = f"P{card.get('priority', 0)}" + (f" {band}" if band else "")
    source = untrusted.line(str(card.get("source", "")))
    named = who(card)
    # (0 is what a network that sends no count gives: Meta, feeds; it tells a manager nothing)
    followers = known_reach(card)
    excerpt = str(card.get("excerpt", ""))
    subject = subject_line(
        f"{f'[{flag}] ' if flag else ''}[{priority}] {source}: {named} – {excerpt}"
    )
    lines = [untrusted.line(note), ""] if note else []
    name = untrusted.line(str(card.get("name") or ""))
    also = name + ", " if name and name not in (named, named[1:]) else ""
    about = also + f"{followers} followers" if followers else also.removesuffix(", ")
    author = f"{named} ({about})" if about else named
    lines += [
        f"Negative post on {source}, priority {card.get('priority')}"
        + (f" ({band})" if band else ""),
        f"{author}, posted {clock(card.get('created_at'), timezone)}",
        "",
        *quoted(str(card.get("text") or excerpt)),
        "",
    ]
    if card.get("reasons"):
        lines.append("Why you were paged: " + "; ".join(untrusted.line(r) for r in card["reasons"]))
    lines.append(f"Open the post: {untrusted.link(str(card.get('url') or '')) or '(no link)'}")
    lines += _link_lines(links, "acknowledge, resolve, hand over")
    head = (
        f"{flag + ' ' if flag else ''}{_band(band) + ' ' if band else ''}P{card.get('priority', 0)}"
    )
    return Rendered(
        subject,
        "\n".join(lines),
        _sms(f"{head} {source} {named} {followers}".rstrip(), excerpt, links),
    )


def _render_group(
    card: dict[str, Any], links: Links | None, *, band: str, note: str, flag: str
) -> Rendered:
    count = int(card.get("count", 0))
    posts = f"{count} negative post" + ("" if count == 1 else "s")
    what = {"spike": "Spike", "incident": "Incident"}.get(str(card.get("kind")), "Grouped")
    reason = untrusted.line(str(card.get("reason", "")))
    subject = subject_line(f"{f'[{flag}] ' if flag else ''}[{what}] {posts} – {reason}")
    lines = [untrusted.line(note), ""] if note else []
    lines += [
        f"{what}: {posts}, highest priority {card.get('priority', 0)}"
        + (f" ({band})" if band else ""),
        f"Why one message: {reason}",
        "",
        "Top posts:",
    ]
    for number, example in enumerate(card.get("examples") or [], start=1):
        known = known_reach(example)
        lines.append(
            f"{number}. {untrusted.line(str(example.get('source')))}"
            f" {who(example)}{f' ({known})' if known else ''} P{example.get('priority')}:"
            f" “{first_words(str(example.get('excerpt', '')), 120)}”"
            f" {untrusted.link(str(example.get('url') or ''))}".rstrip()
        )
    lines.append("")
    lines += _link_lines(links, f"acknowledge or resolve all {count} posts")
    top = (card.get("examples") or [{}])[0]
    head = f"{flag + ' ' if flag else ''}{what.upper()} {posts}, top {top.get('source')}"
    head += f" {who(top)}"
    return Rendered(subject, "\n".join(lines), _sms(head, str(top.get("excerpt", "")), links))


def _sms(head: str, quote: str, links: Links | None) -> str:
    """One segment around the case link; the stored copy (no links) is cut the same way."""
    if links:
        return sms.compose(head, links.case, quote=quote)
    return sms.cut(sms.fold(f'{head}: "{quote}"'), sms.SEGMENT)


def clock(stamp: Any, timezone: str) -> str:
    """A UTC stamp in the team's local time: "Mon 23 Nov 10:28 CET"."""
    if not stamp:
        return "time unknown"
    try:
        moment = parse_time(stamp)
    except ValueError:
        return "time unknown"
    local: datetime = moment.astimezone(ZoneInfo(timezone))
    return local.strftime("%a %d %b %H:%M %Z")
