"""Replies through the networks' APIs: one outbound channel per network, one registry.

A channel is one registry entry (`CHANNELS`) and its module: the secret keys it needs,
the network's length rule (`length.py`), how to build the network's client from the
stage's secrets, and ``post(client, target, text, key) -> Sent``. Adding a network is
one module and one line here; the case page, the reply service and the docs derive
from the registry.

    x.py          tweepy ``create_tweet(in_reply_to_tweet_id=…)``; only to posts that
                  mention or quote the brand (self-serve X refuses others), $0.010 each
    meta.py       Facebook ``POST /{comment-or-post-id}/comments``, Instagram
                  ``POST /{ig-comment-id}/replies`` (Graph API over plain HTTP)
    mastodon.py   ``POST /api/v1/statuses`` with ``in_reply_to_id`` (plain HTTP, with
                  the reply's idempotency key as ``Idempotency-Key``)
    reddit.py     praw ``Comment.reply`` / ``Submission.reply`` (an approved app)
    bluesky.py    ``com.atproto.repo.createRecord`` with ``reply: {root, parent}`` (XRPC)
    threads.py    ``POST /me/threads`` with ``reply_to_id``, then ``/me/threads_publish``
    app_store.py  ``POST /v1/customerReviewResponses`` (App Store Connect; creates or
                  replaces the review's one response)
    google_play.py ``POST …/reviews/{id}:reply`` (Android Publisher; replaces its one reply)
    google_business.py ``PUT …/reviews/{id}/reply`` (Business Profile; replaces its one reply)

A channel raises `ReplyRefused` when the network said no (nothing was posted) and
`ReplyUncertain` when the request failed without an answer (it may be posted).
Clients are made here, on first use, never at import (cold starts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...i18n import N_, Phrase
from .._common import Credentials
from .length import Rule


@dataclass(frozen=True)
class Target:
    """The post a reply answers."""

    source: str  # the mention's source: "x", "facebook", "instagram", "mastodon", "reddit"
    native_id: str  # the network's id of the post or comment
    author_handle: str = ""
    summoned: bool = False  # its author mentioned or quoted the brand (X replies need it)
    url: str = ""  # the post's link (Google Play's names the app's package)


@dataclass(frozen=True)
class Sent:
    reply_id: str  # the network's id of the reply
    url: str = ""


@dataclass(frozen=True)
class Channel:
    network: str  # the mention source it answers
    name: str  # as the page names it
    secret_keys: tuple[str, ...]
    connect: Callable[[Credentials], Any]  # the network's client, from the stage's secrets
    post: Callable[[Any, Target, str, str], Sent]  # (client, target, text, idempotency key)
    rule: Rule  # the network's length rule, counted as it counts
    cost_usd: float = 0.0  # what the network bills per reply
    needs_summons: bool = False  # only to posts that mention or quote the brand


def _registry() -> dict[str, Channel]:
    from . import (
        app_store,
        bluesky,
        google_business,
        google_play,
        mastodon,
        meta,
        reddit,
        threads,
        x,
    )

    channels = (x.CHANNEL, meta.FACEBOOK, meta.INSTAGRAM, mastodon.CHANNEL, reddit.CHANNEL)
    reviews = (app_store.CHANNEL, google_play.CHANNEL, google_business.CHANNEL)
    return {c.network: c for c in (*channels, bluesky.CHANNEL, threads.CHANNEL, *reviews)}


CHANNELS: dict[str, Channel] = _registry()


class Outbound:
    """The channels this stage can reply through: those whose secret keys are set."""

    def __init__(self, credentials: Credentials, channels: dict[str, Channel] | None = None):
        self._credentials = credentials
        self._channels = CHANNELS if channels is None else channels
        self._clients: dict[str, Any] = {}

    def channel(self, source: str) -> Channel | None:
        """The channel for `source`, or None when there is none or its secrets are unset."""
        channel = self._channels.get(source)
        if channel is None:
            return None
        if not all(self._credentials.get(k) for k in channel.secret_keys):
            return None
        return channel

    def why_not(self, target: Target) -> str:
        """Why a reply to `target` cannot go from the case page ("" when it can)."""
        channel = self._channels.get(target.source)
        if channel is None:
            return Phrase(
                N_("Replies to %(network)s are not sent from here."), network=target.source
            )
        if self.channel(target.source) is None:
            return Phrase(
                N_("This stage has no %(network)s credentials for replies."), network=channel.name
            )
        if channel.needs_summons and not target.summoned:
            return Phrase(
                N_(
                    "%(network)s lets us reply only to posts that mention or quote the brand; "
                    "this one does not."
                ),
                network=channel.name,
            )
        return ""

    def send(self, target: Target, text: str, key: str) -> Sent:
        """Post `text` as a reply to `target`; `ReplyRefused` / `ReplyUncertain`."""
        channel = self.channel(target.source)
        if channel is None:
            from ...errors import ReplyRefused

            why = self.why_not(target) or N_("no channel for this network")
            raise ReplyRefused("refused", why)
        client = self._clients.get(channel.network)
        if client is None:
            client = self._clients[channel.network] = channel.connect(self._credentials)
        return channel.post(client, target, text, key)

    def forget(self, network: str) -> None:
        """Drop a network's client (after its token was refused): the next reply builds
        one from the secrets as they are then."""
        self._clients.pop(network, None)
