"""Answer all of an incident's posts: one text with `{name}` for each author's first name,
one reply per post. Sent through the network's API where the stage has the channel and
the network takes a reply from us (`replies.py`: exactly once per post and text, on each
post's timeline), at most `SEND_AT_ONCE` a press; the rest shown ready to copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ... import untrusted
from ...i18n import Lang
from ...model import Alert
from ..paging import message
from .replies import Replies

# replies sent through the networks in one press: each is a network call, and the page
# must answer within API Gateway's 29 s; the next press sends the next ones
SEND_AT_ONCE = 10
REPLY_LIMIT = 1000
DEFAULT_REPLY = (
    "Hoi {name}, sorry voor het ongemak. We weten van de storing en werken aan een oplossing."
)


@dataclass(frozen=True)
class Draft:
    """One reply to one post, ready to copy (or to send, where a network allows it)."""

    alert_id: str
    author: str
    platform: str
    url: str
    text: str


def first_name(card: Mapping[str, Any]) -> str:
    """How to greet an author: the first word of their name, else their handle."""
    name = untrusted.line(str(card.get("name") or "")).split()
    handle = untrusted.line(str(card.get("handle") or "")).lstrip("@")
    return name[0] if name else handle or "daar"


def drafts(posts: list[Alert], template: str) -> list[Draft]:
    """`template` per post, `{name}` the author's first name; an X reply starts with the
    @handle (the network threads it so)."""
    text = " ".join(untrusted.block(template).split())[:REPLY_LIMIT]
    out = []
    for post in posts:
        card = post.card
        body = text.replace("{name}", first_name(card))
        handle = untrusted.line(str(card.get("handle") or "")).lstrip("@")
        if card.get("source") == "x" and handle:
            body = f"@{handle} {body}"
        out.append(
            Draft(
                post.id,
                message.who(card),
                untrusted.line(str(card.get("source", ""))),
                untrusted.link(str(card.get("url") or "")),
                body,
            )
        )
    return out


def send_all(
    replies: Replies, waiting: list[Alert], who: str, template: str, now: datetime, lang: Lang
) -> str:
    """Send each of `waiting` its reply, where its network takes one from us; what
    happened, in a line (in `lang`). A second press sends only what the first did not."""
    sent = refused = 0
    for post, draft in zip(waiting, drafts(waiting, template), strict=True):
        if sent + refused == SEND_AT_ONCE:
            break
        result = replies.send_reply(post, draft.text, who, now)
        if result.ok:
            sent += 1
        elif result.state != "invalid":  # refused or uncertain: on the post's timeline
            refused += 1
    left = len(waiting) - sent
    parts = [
        lang.n_(
            "Sent %(num)s reply on the networks.", "Sent %(num)s replies on the networks.", sent
        )
    ]
    if refused:
        parts.append(
            lang._("%(count)s refused or unsure: see those posts' timelines.", count=refused)
        )
    if left:
        parts.append(
            lang._(
                "%(count)s to send yourself below (or press again for the next ones).",
                count=left,
            )
        )
    return " ".join(parts)
