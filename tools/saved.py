"""The team lead's saved replies, as `python -m tools oncall` commands:

    saved-replies                                   list them (the defaults until you save)
    set-saved-reply ID --lang nl|en --title T --text "Hoi {name}, … {case} … {status_page}"
    remove-saved-reply ID
    set-status-page URL                             what {status_page} becomes (https://…)

Placeholders: {name} (the author's first name), {case} (the case reference, "C-…"),
{status_page}. See chalicelib/alerts/desk/saved_replies.py.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from chalicelib import wiring
from chalicelib.alerts.desk.saved_replies import LANGS, SavedReplies, SavedReply
from chalicelib.errors import CommandError

COMMANDS = ("saved_replies", "set_saved_reply", "remove_saved_reply", "set_status_page")


def add_commands(commands: Any) -> None:
    commands.add_parser("saved-replies", help="the team's saved replies")
    put = commands.add_parser("set-saved-reply", help="add or change a saved reply")
    put.add_argument("id")
    put.add_argument("--lang", choices=LANGS, required=True)
    put.add_argument("--title", required=True, help="what the button says (≤ 60 characters)")
    put.add_argument("--text", required=True, help="{name}, {case}, {status_page} are filled in")
    drop = commands.add_parser("remove-saved-reply", help="remove a saved reply")
    drop.add_argument("id")
    page = commands.add_parser("set-status-page", help="the page {status_page} links to")
    page.add_argument("url")


def run(args: argparse.Namespace, out: TextIO) -> None:
    saved = SavedReplies(wiring.state())
    command = args.command.replace("-", "_")
    if command == "set_saved_reply":
        try:
            reply = SavedReply(args.id, args.lang, args.title, args.text)
        except ValueError as error:
            raise CommandError(str(error)) from error
        saved.save(reply)
        print(f"saved {reply.id} ({reply.lang}): {reply.title}", file=out)
    elif command == "remove_saved_reply":
        if not saved.remove(args.id):
            raise CommandError(f"no saved reply {args.id!r}")
        print(f"removed {args.id}", file=out)
    elif command == "set_status_page":
        try:
            saved.set_status_page(args.url)
        except ValueError as error:
            raise CommandError(str(error)) from error
        print(f"status page: {args.url or '(none)'}", file=out)
    _list(saved, out)


def _list(saved: SavedReplies, out: TextIO) -> None:
    page = saved.status_page() or "(not set: set-status-page URL)"
    print(f"status page: {page}", file=out)
    for reply in saved.all():
        print(f"{reply.id:<16} {reply.lang}  {reply.title}", file=out)
        print(f"{'':<20}{reply.text}", file=out)
