"""`python -m tools dlq`: see what is in the dead-letter queue, and send it back.

    python -m tools dlq [--stage prod | --local] list [--limit N]
    python -m tools dlq [--stage prod | --local] redrive [--limit N] [--include-poison]

What ends there and why: `chalicelib/consumer/dead_letters.py`. The operator's own
credentials need sqs:ReceiveMessage, sqs:DeleteMessage, sqs:ChangeMessageVisibility on
the DLQ and sqs:SendMessage on the queue (the Lambda roles do not carry these).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from chalicelib import aws, wiring
from chalicelib.consumer.dead_letters import DeadLetterQueue

from . import stage


def dead_letter_queue() -> DeadLetterQueue:
    settings = wiring.settings()
    return DeadLetterQueue(aws.sqs(), settings.dead_letter_queue_url, settings.queue_url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools dlq", description="Inspect and redrive the dead-letter queue."
    )
    stage.add_arguments(parser)
    commands = parser.add_subparsers(dest="action", required=True)
    show = commands.add_parser("list", help="one JSON line per message; nothing is removed")
    show.add_argument("--limit", type=int, default=None)
    move = commands.add_parser("redrive", help="send messages back to the mentions queue")
    move.add_argument("--limit", type=int, default=None)
    move.add_argument("--include-poison", action="store_true", help="poison too (rarely useful)")
    args = parser.parse_args(argv)

    def work() -> int:
        with stage.opened(args.stage, local=args.local):
            queue = dead_letter_queue()
            if args.action == "list":
                for letter in queue.inspect(args.limit):
                    print(json.dumps(asdict(letter), ensure_ascii=False))
            else:
                print(json.dumps(queue.redrive(args.limit, include_poison=args.include_poison)))
        return 0

    return stage.guarded(work)


if __name__ == "__main__":
    sys.exit(main())
