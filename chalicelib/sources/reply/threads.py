"""Replies on Threads: a media container with ``reply_to_id``, then its publication.

Meta's documented two steps ("Create replies"), with the brand's Threads token
(``threads_access_token``, a Bearer header; it needs ``threads_content_publish`` and
``threads_manage_replies`` beside the keyword search's permissions)::

    POST https://graph.threads.net/v1.0/me/threads           media_type=TEXT, text,
                                                              reply_to_id=<post id> -> {"id"}
    POST https://graph.threads.net/v1.0/me/threads_publish   creation_id=<that id> -> {"id"}

Meta advises waiting about 30 seconds between the two, longer than a case page's request
may take: a text reply is published at once, and a container Threads refuses to publish
yet is a refusal with Threads' own message (nothing was published; send again; the
unpublished container expires by itself after 24 hours) [u: how often a text container
is not ready at once is not documented]. Neither step takes an idempotency key: a
publication that fails without an answer is `ReplyUncertain` (the reply service asks
before sending again). 500 characters, an emoji counted as its UTF-8 bytes (Threads'
rule), so a symbol counts as its bytes here too: never less than Threads counts.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from ...errors import ReplyRefused, ReplyUncertain
from ...i18n import N_, Phrase
from .. import threads_search
from .._common import Credentials
from ..http_json import Answer
from . import Channel, Sent, Target
from .length import Rule

LIMIT = 500


def connect(credentials: Credentials) -> threads_search.ThreadsClient:
    return threads_search.make_client(credentials)


def threads_length(text: str) -> int:
    """Characters, each emoji or other symbol (and anything beyond the BMP) as its UTF-8
    bytes."""
    return sum(
        len(ch.encode()) if ord(ch) > 0xFFFF or unicodedata.category(ch) == "So" else 1
        for ch in unicodedata.normalize("NFC", text)
    )


def post(client: threads_search.ThreadsClient, target: Target, text: str, key: str) -> Sent:
    created = _call(
        client,
        "threads",
        {"media_type": "TEXT", "text": text, "reply_to_id": target.native_id},
        uncertain=False,  # an unanswered container is nothing posted: refused, try again
    )
    published = _call(client, "threads_publish", {"creation_id": created}, uncertain=True)
    return Sent(published, "")


def _call(
    client: threads_search.ThreadsClient, edge: str, form: dict[str, str], *, uncertain: bool
) -> str:
    try:
        answer = client.post(f"{threads_search.GRAPH}/me/{edge}", form)
    except OSError as error:
        if uncertain:
            raise ReplyUncertain(f"Threads did not answer: {error}") from error
        raise ReplyRefused("refused", N_("Threads did not answer. Try again.")) from error
    if answer.status == 200 and isinstance(answer.body, dict) and answer.body.get("id"):
        return str(answer.body["id"])
    if answer.status >= 500:
        if uncertain:
            raise ReplyUncertain(f"Threads answered {answer.status}")
        raise ReplyRefused(
            "refused", Phrase(N_("Threads answered %(status)s. Try again."), status=answer.status)
        )
    raise _refusal(answer)


def _refusal(answer: Answer) -> ReplyRefused:
    code = threads_search.error_code(answer)
    error: Any = answer.body.get("error") if isinstance(answer.body, dict) else None
    if code == 190 or answer.status == 401:
        return ReplyRefused(
            "revoked_token",
            N_(
                "Threads no longer accepts the brand's token. The team lead was told; reply in "
                "the Threads app for now."
            ),
            revoked=True,
        )
    if answer.status == 429 or code in threads_search.RATE_CODES:
        return ReplyRefused("rate_limited", N_("Threads says: too many requests. Try later."))
    if code in (10, 200) or answer.status == 403:
        return ReplyRefused(
            "refused",
            N_(
                "The brand's Threads token may not reply (threads_manage_replies). Reply in the "
                "Threads app."
            ),
        )
    message = str(error.get("message") if isinstance(error, dict) else "")[:120]
    return ReplyRefused(
        "refused",
        Phrase(N_("Threads refused the reply (%(said)s)."), said=message or "no reason given"),
    )


CHANNEL = Channel(
    "threads",
    "Threads",
    ("threads_access_token",),
    connect,
    post,
    Rule(LIMIT, N_("characters, emoji as Threads counts them"), threads_length),
)
