"""What a manager reads on a phone: subject, an e-mail body and an SMS body."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from ..model import Mention, parse_time

SMS_LIMIT = 300  # a few SMS segments at most
SUBJECT_LIMIT = 100  # SNS e-mail subject limit


def reach(followers: int) -> str:
    if followers >= 1_000_000:
        return f"{followers / 1_000_000:.1f}M"
    if followers >= 1_000:
        return f"{followers / 1_000:.1f}k"
    return str(followers)


def first_words(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def subject(mention: Mention) -> str:
    head = f"[P{round(mention.priority)}] Negative on {mention.source}: @{mention.author.handle}"
    return first_words(f"{head} – {mention.text}", SUBJECT_LIMIT)


def email_body(mention: Mention, ack_url: str, timezone: str) -> str:
    local = parse_time(mention.created_at).astimezone(ZoneInfo(timezone))
    lines = [
        f"Negative post on {mention.source}, priority {round(mention.priority)}",
        f"@{mention.author.handle} ({reach(mention.author.followers)} followers)"
        f" at {_clock(local)}",
        "",
        f"“{first_words(mention.text, 280)}”",
        "",
    ]
    if mention.reasons:
        lines.append("Why you were paged: " + "; ".join(mention.reasons))
    lines += [f"Open the post: {mention.url}", f"Acknowledge: {ack_url}"]
    return "\n".join(lines)


def sms_body(mention: Mention, ack_url: str) -> str:
    head = f"P{round(mention.priority)} {mention.source} @{mention.author.handle}"
    tail = f" Ack: {ack_url}"
    room = SMS_LIMIT - len(head) - len(tail) - 4
    return f"{head}: “{first_words(mention.text, max(room, 20))}”{tail}"


def _clock(moment: datetime) -> str:
    return moment.strftime("%a %d %b %H:%M %Z")
