"""`python -m tools xaa`: the X Activity API for a stage — register the webhook, subscribe
the brand, list both, ask X to replay a gap.

    python -m tools xaa [--stage prod] register https://<api>/api/webhooks/x
    python -m tools xaa [--stage prod] subscribe WEBHOOK_ID [--user-id ID]
    python -m tools xaa [--stage prod] list
    python -m tools xaa [--stage prod] replay WEBHOOK_ID [--hours 24]

`register` is ``POST /2/webhooks`` (X then sends the CRC check our route answers);
`subscribe` is one ``POST /2/activity/subscriptions`` per event type the route reads
(`x_activity.SUBSCRIBED`), for the brand's user id (``--user-id``, else the watch
configuration's ``x_mentions_user_id``); mention, reply and quote need the brand's
OAuth 2.0 user token (``x_brand_user_token`` in the stage's secret), ``post.create`` and
``post.delete`` the app's bearer token (``x_bearer_token``). `replay` is ``POST
/2/webhooks/replay`` for the last `--hours` (X keeps 24). Each prints one JSON line per
answer. Steps before 2027-01-01: docs/sources.md, "Moving to the X Activity API".
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from datetime import timedelta

from chalicelib import wiring
from chalicelib.errors import CommandError, SourceError
from chalicelib.model import utc_now
from chalicelib.sources.watch import watch_or_none
from chalicelib.sources.x_activity import SUBSCRIBED
from chalicelib.sources.xaa_api import XaaApi

from . import stage


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools xaa", description="X Activity API: webhook, subscriptions, replay."
    )
    stage.add_arguments(parser)
    commands = parser.add_subparsers(dest="action", required=True)
    register = commands.add_parser("register", help="POST /2/webhooks with our webhook URL")
    register.add_argument("url")
    subscribe = commands.add_parser("subscribe", help="subscribe the brand to every event type")
    subscribe.add_argument("webhook_id")
    subscribe.add_argument("--user-id", default=None, help="the brand's X user id")
    commands.add_parser("list", help="the webhooks and subscriptions X has for the app")
    replay = commands.add_parser("replay", help="ask X to deliver a gap again")
    replay.add_argument("webhook_id")
    replay.add_argument("--hours", type=float, default=24.0)
    return parser


def run(args: argparse.Namespace, credentials: Mapping[str, str]) -> list[dict[str, object]]:
    """The command's answers, one per call to X."""
    bearer = str(credentials.get("x_bearer_token") or "")
    if not bearer:
        raise CommandError("x_bearer_token is missing from the stage's secret")
    api = XaaApi(bearer, str(credentials.get("x_brand_user_token") or ""))
    if args.action == "register":
        return [api.register_webhook(args.url)]
    if args.action == "list":
        return [{"webhooks": api.webhooks()}, {"subscriptions": api.subscriptions()}]
    if args.action == "replay":
        now = utc_now()
        since = now - timedelta(hours=min(max(args.hours, 0.0), 24.0))
        return [api.replay(args.webhook_id, since, now)]
    user_id = args.user_id or _brand_id()
    return [api.subscribe(args.webhook_id, user_id, event) for event in SUBSCRIBED]


def _brand_id() -> str:
    watch = watch_or_none(wiring.settings().extra)
    if watch is None or not watch.x_mentions_user_id:
        raise CommandError("give --user-id, or set x_mentions_user_id in the watch configuration")
    return watch.x_mentions_user_id


def main(argv: list[str] | None = None, credentials: Mapping[str, str] | None = None) -> int:
    args = _parser().parse_args(argv)

    def work() -> int:
        with stage.opened(args.stage, local=args.local):
            secrets = credentials if credentials is not None else _secrets()
            try:
                answers = run(args, secrets)
            except SourceError as error:
                raise CommandError(str(error)) from error
        for answer in answers:
            print(json.dumps(answer, ensure_ascii=False))
        return 0

    return stage.guarded(work)


def _secrets() -> dict[str, str]:
    return {
        key: wiring.secrets().get(key) or "" for key in ("x_bearer_token", "x_brand_user_token")
    }


if __name__ == "__main__":
    sys.exit(main())
