"""Replies on X: tweepy ``Client.create_tweet(text, in_reply_to_tweet_id)`` as the brand
(OAuth 1.0a user context: the brand account's access token).

Since 2026-02-23 a self-serve app may reply only to a post whose author mentioned or
quoted the replying account (X answers 403 otherwise); each reply costs $0.010.
"""

from __future__ import annotations

from typing import Any

from ...errors import ReplyRefused, ReplyUncertain
from ...i18n import N_, Phrase
from .._common import Credentials, need_secret
from . import Channel, Sent, Target
from .length import X_LIMIT, Rule, x_length

KEYS = ("x_api_key", "x_api_secret", "x_access_token", "x_access_token_secret")
COST_USD = 0.010


def connect(credentials: Credentials) -> Any:
    import tweepy

    api_key, api_secret, token, token_secret = need_secret(credentials, *KEYS, source="X replies")
    return tweepy.Client(
        consumer_key=api_key,
        consumer_secret=api_secret,
        access_token=token,
        access_token_secret=token_secret,
        wait_on_rate_limit=False,
    )


def post(client: Any, target: Target, text: str, key: str) -> Sent:
    import requests
    import tweepy

    try:
        response = client.create_tweet(text=text, in_reply_to_tweet_id=target.native_id)
    except tweepy.Unauthorized as error:
        raise ReplyRefused(
            "revoked_token",
            N_(
                "X no longer accepts the brand's token. The team lead was told; "
                "reply in the X app for now."
            ),
            revoked=True,
        ) from error
    except tweepy.Forbidden as error:
        said = " ".join(str(m) for m in error.api_messages).lower()
        if "mentioned" in said or "engaged" in said:
            raise ReplyRefused(
                "not_summoned",
                N_(
                    "X allows replies only to posts that mention or quote the brand. "
                    "Open the post and reply in the X app."
                ),
            ) from error
        if "deleted" in said or "not visible" in said:
            raise ReplyRefused(
                "deleted", N_("The post is deleted or no longer visible: nothing to answer.")
            ) from error
        raise ReplyRefused(
            "refused", Phrase(N_("X refused the reply (%(said)s)."), said=said[:120])
        ) from error
    except tweepy.NotFound as error:
        raise ReplyRefused("deleted", N_("The post is deleted: nothing to answer.")) from error
    except tweepy.TooManyRequests as error:
        raise ReplyRefused(
            "rate_limited", N_("X says: too many posts now. Try in a few minutes.")
        ) from error
    except tweepy.BadRequest as error:
        said = " ".join(str(m) for m in error.api_messages)
        raise ReplyRefused(
            "refused", Phrase(N_("X refused the reply (%(said)s)."), said=said[:120])
        ) from error
    except (tweepy.TwitterServerError, requests.RequestException) as error:
        raise ReplyUncertain(f"X did not answer: {type(error).__name__}") from error
    data = response.data or {}
    reply_id = str(data.get("id") or "")
    if not reply_id:
        raise ReplyUncertain("X answered without the reply's id")
    return Sent(reply_id, f"https://x.com/i/web/status/{reply_id}")


CHANNEL = Channel(
    network="x",
    name="X",
    secret_keys=KEYS,
    connect=connect,
    post=post,
    rule=Rule(X_LIMIT, N_("as X counts them (links 23, emoji 2)"), x_length),
    cost_usd=COST_USD,
    needs_summons=True,
)
