"""A reply's text and what is said about it: plain text only, the idempotency key, whether
the author summoned the brand (X's rule), the result a press gets, the timeline's lines."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .. import untrusted
from ..model import Mention

TEXT_LIMIT = 10_000


@dataclass(frozen=True)
class ReplyResult:
    state: str  # sent | already_sent | in_flight | refused | uncertain | invalid
    message: str  # what the page says, in plain words
    reply_id: str = ""
    url: str = ""
    reason: str = ""  # the refusal's code (ReplyRefused.reason)

    @property
    def ok(self) -> bool:
        return self.state in ("sent", "already_sent")


def reply_key(alert_id: str, text: str) -> str:
    """The idempotency key of a reply: its case and its text, whitespace folded."""
    folded = " ".join(text.split())
    return hashlib.sha256(f"{alert_id}\n{folded}".encode()).hexdigest()[:32]


def clean(text: str) -> str:
    """Plain text as typed: no control characters, lines kept, capped."""
    kept = "".join(c for c in text if c in "\n\t" or c.isprintable())
    return "\n".join(line.rstrip() for line in kept.strip().splitlines())[:TEXT_LIMIT]


def summoned(mention: Mention | None, brand_handles: Iterable[str]) -> bool:
    """Did the author mention (or quote, which names it) the brand's account?"""
    if mention is None:
        return False
    wanted = {h.lower().lstrip("@") for h in brand_handles if h}
    named = {t.lower().lstrip("@") for t in mention.matched_terms if t.startswith("@")}
    words = {w.strip(".,:;!?()").lower().lstrip("@") for w in mention.text.split() if "@" in w}
    return bool(wanted & (named | words))


def timeline_events(replies: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The case's replies as timeline lines (moment, text)."""
    out = []
    for item in replies:
        state, at = str(item.get("state", "")), str(item.get("at", ""))
        text = untrusted.line(str(item.get("text", "")))
        network = untrusted.line(str(item.get("network", "")))
        if state == "seen":
            out.append((at, f'Answered on the network by {item.get("by")}: "{text}"'))
        elif state == "sent":
            out.append(
                (str(item.get("sent_at") or at), f'Reply sent by {item.get("by")}: "{text}"')
            )
        elif state == "refused":
            why = untrusted.line(str(item.get("advice", "")))
            out.append((at, f"Reply by {item.get('by')} refused by {network}: {why}"))
        elif state == "uncertain":
            out.append((at, f'Reply by {item.get("by")} got no answer from {network}: "{text}"'))
        elif state == "sending":
            out.append((at, f'Reply by {item.get("by")} being sent: "{text}"'))
    return out
