"""`python -m tools dlq`: what is in the dead-letter queue and the quarantine, and acting on it.

    python -m tools dlq [--stage prod | --local] list [--limit N]
    python -m tools dlq [--stage prod | --local] redrive [--limit N]      # the DLQ, now
    python -m tools dlq [--stage prod | --local] requeue REF              # a quarantined one
    python -m tools dlq [--stage prod | --local] release REF              # forget it

`list` prints one JSON line per dead letter (`"where": "dlq"`: waiting for the automatic
redrive, with its redrive count) and per quarantined message or mention (`"where":
"quarantine"`, with its reason), and removes nothing. Transient failures need nobody:
the `redrive_dead_letters` schedule sends them back with back-off. Quarantined ones
need a person: read the reason, fix the cause, then `requeue` (back to the mentions
queue; a mention that is still over a limit comes straight back) or `release`.

What ends where and why: `chalicelib/consumer/dead_letters.py`, `quarantine.py`. The
operator's credentials need sqs:ReceiveMessage, DeleteMessage, ChangeMessageVisibility,
GetQueueAttributes on the DLQ, sqs:SendMessage on the queue, and dynamodb:Query,
GetItem, DeleteItem on the state table.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from chalicelib import aws, wiring
from chalicelib.consumer.dead_letters import DeadLetterQueue
from chalicelib.errors import CommandError
from chalicelib.model import utc_now
from chalicelib.store import keys

from . import stage


def dead_letter_queue() -> DeadLetterQueue:
    settings = wiring.settings()
    return DeadLetterQueue(
        aws.sqs(),
        settings.dead_letter_queue_url,
        settings.queue_url,
        quarantine=wiring.quarantine(),
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools dlq",
        description="The dead-letter queue and the quarantine: list, redrive, requeue, release.",
    )
    stage.add_arguments(parser)
    commands = parser.add_subparsers(dest="action", required=True)
    show = commands.add_parser("list", help="one JSON line per message; nothing is removed")
    show.add_argument("--limit", type=int, default=None)
    move = commands.add_parser("redrive", help="send the DLQ back to the mentions queue now")
    move.add_argument("--limit", type=int, default=None)
    for name, summary in (
        ("requeue", "send a quarantined message or mention back to the queue"),
        ("release", "forget a quarantined message or mention"),
    ):
        command = commands.add_parser(name, help=summary)
        command.add_argument("ref", help="its ref, as `list` shows it")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    def work() -> int:
        with stage.opened(args.stage, local=args.local):
            if args.action == "list":
                for letter in dead_letter_queue().inspect(args.limit):
                    print(json.dumps({"where": "dlq", **asdict(letter)}, ensure_ascii=False))
                for item in wiring.quarantine().items():
                    line = {"where": "quarantine", **item.to_dict()}
                    line["body"] = line["body"][:500]
                    print(json.dumps(line, ensure_ascii=False))
            elif args.action == "redrive":
                print(json.dumps(dead_letter_queue().redrive(utc_now(), args.limit)))
            else:
                print(json.dumps(_quarantined(args.action, args.ref)))
        return 0

    return stage.guarded(work)


def _quarantined(action: str, ref: str) -> dict[str, str]:
    item = wiring.state().get(keys.quarantined(ref))
    if item is None:
        raise CommandError(f"nothing quarantined as {ref!r} (see `dlq list`)")
    if action == "requeue":
        settings = wiring.settings()
        aws.sqs().send_message(QueueUrl=settings.queue_url, MessageBody=str(item["body"]))
    wiring.quarantine().release(ref)
    return {action: ref}


if __name__ == "__main__":
    sys.exit(main())
