"""A reply's text and what is said about it: plain text only, the idempotency key, whether
the author summoned the brand (X's rule), the result a press gets, the timeline's lines."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ... import untrusted
from ...i18n import Lang
from ...model import Mention

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


def timeline_events(replies: list[dict[str, Any]], lang: Lang) -> list[tuple[str, str]]:
    """The case's replies as timeline lines (moment, text) in `lang`; a network's stored
    advice translates where the catalogue has it (its own words stay as they came)."""
    out = []
    for item in replies:
        state, at = str(item.get("state", "")), str(item.get("at", ""))
        who = untrusted.line(str(item.get("by", "")))
        text = untrusted.line(str(item.get("text", "")))
        network = untrusted.line(str(item.get("network", "")))
        if state == "seen":
            line = lang._('Answered on the network by %(who)s: "%(text)s"', who=who, text=text)
        elif state == "sent":
            at = str(item.get("sent_at") or at)
            line = lang._('Reply sent by %(who)s: "%(text)s"', who=who, text=text)
        elif state == "refused":
            why = lang.gettext(untrusted.line(str(item.get("advice", ""))))
            line = lang._(
                "Reply by %(who)s refused by %(network)s: %(why)s",
                who=who,
                network=network,
                why=why,
            )
        elif state == "uncertain":
            line = lang._(
                'Reply by %(who)s got no answer from %(network)s: "%(text)s"',
                who=who,
                network=network,
                text=text,
            )
        elif state == "sending":
            line = lang._('Reply by %(who)s being sent: "%(text)s"', who=who, text=text)
        else:
            continue
        out.append((at, line))
    return out
