"""`python -m tools <command>`: the engineers' commands, one subcommand each.

Each subcommand names a module with a `main(argv) -> int`, imported only when that
subcommand runs (so `classify` does not pay for the local pipeline, and the other way round).
"""

from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> (module with main(argv) -> int, one-line help)
COMMANDS = {
    "classify": ("tools.classify", "judge JSON lines from stdin (triage)"),
    "evaluate": ("tools.evaluate", "production-path P/R/F1 and page share on labelled data"),
    "train": ("tools.train_triage", "train the learned triage layer offline (reproducible)"),
    "oncall": ("tools.oncall", "managers, rotation, overrides; who is on duty"),
    "digest": ("tools.digest", "preview (or send) the daily digest of a day"),
    "replay": ("devstack.chaos", "chaos replay: the local pipeline on moto with AWS faults"),
    "dlq": ("tools.dlq", "inspect and redrive the dead-letter queue"),
    "erase": ("tools.erase", "GDPR: erase an author's mentions and alerts"),
    "xaa": ("tools.xaa", "X Activity API: register the webhook, subscribe, list, replay"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m tools")
    commands = parser.add_subparsers(dest="command", metavar="command", required=True)
    for name, (_module, summary) in COMMANDS.items():
        commands.add_parser(name, help=summary, add_help=False)
    args, rest = parser.parse_known_args(argv[:1])
    module = importlib.import_module(COMMANDS[args.command][0])
    return int(module.main([*rest, *argv[1:]]) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
