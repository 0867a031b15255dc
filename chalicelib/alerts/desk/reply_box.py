"""The case page's reply card: the box that sends through the network's API with its
length rule counted as the network counts it, the saved replies a tap puts in it, or,
where the page cannot send (no API, no credentials, X's rule), the text to copy and
"open the post". Without script: a saved reply is a GET link, the count is the
filled-in text's, and the server checks the length again when the form is sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ... import untrusted
from ...errors import MalformedPayload
from ...i18n import N_, Lang, Phrase
from ...model import Alert, Mention
from ...store import MentionStore
from .replies import Replies
from .reply_text import ReplyResult
from .saved_replies import SavedReplies, fill

MARKUP = re.compile(r"<[a-zA-Z/!][^>]*>")


def may_reply(scope: str, who: str, alert: Alert, lead: str | None, acting: str) -> str:
    """Why `who` may not reply for the brand on `alert` ("" when they may): the case's
    holder, or the team lead even on a case someone else holds; `acting` is why they may
    not act on it at all ("" when they may)."""
    if scope == "view" or alert.state == "resolved":
        return acting
    if who == alert.holder or who == lead:
        return ""
    if alert.holder:
        return Phrase(
            N_("Only %(holder)s (who holds the case) or the team lead replies."),
            holder=alert.holder,
        )
    return acting or N_("Acknowledge the case first: then the reply is yours to send.")


def has_markup(text: str) -> bool:
    """A reply is plain text: anything that reads as an HTML tag is refused."""
    return bool(MARKUP.search(text))


def context(
    replies: Replies,
    saved_replies: SavedReplies | None,
    alert: Alert,
    mention: Mention | None,
    refusal: str,
    lang: Lang,
    *,
    saved: str = "",
    draft: str = "",
) -> dict[str, Any]:
    """The reply card's context; what it says about the network in `lang` (`refusal`
    is said already)."""
    card = alert.card
    post_lang = str(card.get("lang") or (mention.lang if mention else "") or "nl")
    choices = saved_replies.for_lang(post_lang) if saved_replies else []
    chosen = next((r for r in choices if r.id == saved), None)
    name = str(card.get("name") or card.get("handle") or "").split(" ")[0]
    if chosen is not None and saved_replies is not None:
        page = saved_replies.status_page()
        draft = fill(chosen, name=name, alert_id=alert.id, status_page=page)
    why_not = replies.why_not(alert, mention)
    rule = replies.channel_rule(str(card.get("source") or "")) if not why_not else None
    used = rule.count(draft) if rule else len(draft)
    return {
        "api": not why_not,
        "why_not": lang.say(why_not),
        "may": not refusal,
        "refusal": refusal,
        "text": draft,
        "limit": rule.limit if rule else 0,
        "unit": rule.unit if rule else N_("characters"),
        "used": used,
        "over": bool(rule and used > rule.limit),
        "network": untrusted.line(str(card.get("source") or "")),
        "saved": [(r.id, r.lang.upper(), r.title) for r in choices],
        "chosen": chosen.id if chosen else "",
    }


def answer(
    replies: Replies | None,
    mentions: MentionStore,
    alert: Alert,
    form: Mapping[str, str],
    who: str,
    now: datetime,
) -> ReplyResult:
    """The reply form sent (who may reply was checked before)."""
    if replies is None:
        raise MalformedPayload(N_("replies are not sent from this page"))
    text = form.get("text", "")
    if has_markup(text):
        return ReplyResult("invalid", N_("Plain text only: remove the markup (<…>)."))
    mention = mentions.get(alert.mention_id) if alert.mention_id else None
    return replies.send_reply(alert, text, who, now, mention)
