"""Replies on Reddit through praw (an approved app, the brand's account as a script app:
``reddit_username`` / ``reddit_password`` beside the poller's client id and secret).

``Comment.reply(body)`` for a comment (``t1_…``), ``Submission.reply(body)`` for a post
(``t3_…``); praw answers the new comment, whose ``id`` we keep. praw raises
`RedditAPIException` for Reddit's refusals (DELETED_COMMENT, THREAD_LOCKED, TOO_OLD,
RATELIMIT…) and prawcore errors for the token (OAuthException, InvalidToken, Forbidden).
"""

from __future__ import annotations

from typing import Any

from ...errors import ReplyRefused, ReplyUncertain
from ...i18n import N_, Phrase
from .._common import Credentials, need_secret
from ..reddit import praw_client
from . import Channel, Sent, Target
from .length import Rule

KEYS = (
    "reddit_client_id",
    "reddit_client_secret",
    "reddit_user_agent",
    "reddit_username",
    "reddit_password",
)
GONE = {"DELETED_COMMENT", "DELETED_LINK", "THREAD_LOCKED", "TOO_OLD", "NOT_FOUND"}


def connect(credentials: Credentials) -> Any:
    client_id, secret, agent, user, password = need_secret(
        credentials, *KEYS, source="Reddit replies"
    )
    return praw_client(client_id, secret, agent, username=user, password=password)


def post(client: Any, target: Target, text: str, key: str) -> Sent:
    import prawcore
    from praw.exceptions import RedditAPIException

    kind, _, base36 = target.native_id.partition("_")
    thing = client.submission(id=base36) if kind == "t3" else client.comment(id=base36)
    try:
        reply = thing.reply(body=text)
    except RedditAPIException as error:
        codes = {item.error_type for item in error.items}
        if codes & GONE:
            raise ReplyRefused(
                "deleted", N_("The post is deleted, locked or archived: it takes no replies.")
            ) from error
        if "RATELIMIT" in codes:
            raise ReplyRefused(
                "rate_limited", N_("Reddit says: too many comments. Try later.")
            ) from error
        raise ReplyRefused(
            "refused",
            Phrase(N_("Reddit refused the reply (%(said)s)."), said=", ".join(sorted(codes))),
        ) from error
    except (prawcore.OAuthException, prawcore.InvalidToken) as error:
        raise ReplyRefused(
            "revoked_token",
            N_(
                "Reddit no longer accepts the brand's login. The team lead was told; reply on "
                "reddit.com for now."
            ),
            revoked=True,
        ) from error
    except prawcore.Forbidden as error:
        raise ReplyRefused(
            "refused", N_("Reddit refused: the brand may be banned there, or the thread closed.")
        ) from error
    except prawcore.NotFound as error:
        raise ReplyRefused("deleted", N_("The post is gone: nothing to answer.")) from error
    except prawcore.PrawcoreException as error:
        raise ReplyUncertain(f"Reddit did not answer: {type(error).__name__}") from error
    if reply is None or not getattr(reply, "id", ""):
        raise ReplyUncertain("Reddit answered without the reply's id")
    return Sent(f"t1_{reply.id}", f"https://www.reddit.com/comments/{_link(reply)}/_/{reply.id}/")


def _link(reply: Any) -> str:
    link_id = str(getattr(reply, "link_id", "") or "")
    return link_id.partition("_")[2] or link_id


CHANNEL = Channel("reddit", "Reddit", KEYS, connect, post, Rule(10000, "characters"))
