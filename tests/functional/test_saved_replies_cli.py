"""The team lead edits the saved replies with `python -m tools oncall` (tools/saved.py)."""

from __future__ import annotations

import io

from chalicelib import wiring
from chalicelib.alerts.desk.saved_replies import DEFAULTS, SavedReplies, case_ref, fill
from tools import oncall as cli


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(argv), out=out), out.getvalue()


def test_the_lead_adds_changes_and_removes_saved_replies(stack):
    code, out = run("saved-replies")
    assert code == 0 and "sorry-nl" in out and "(not set: set-status-page URL)" in out
    code, out = run(
        "set-saved-reply", "storing-nl", "--lang", "nl", "--title", "Storing in je wijk",
        "--text", "Hoi {name}, er is een storing bij jou in de buurt. "
        "Kijk op {status_page} ({case}).",
    )  # fmt: skip
    assert code == 0 and "saved storing-nl (nl): Storing in je wijk" in out
    assert run("set-status-page", "https://status.voltera.nl")[0] == 0
    assert run("remove-saved-reply", "sorry-en")[0] == 0
    saved = SavedReplies(wiring.state())
    ids = [r.id for r in saved.all()]
    assert ids == sorted(
        [r.id for r in DEFAULTS if r.id != "sorry-en" and r.lang == "en"]
    ) + sorted([r.id for r in DEFAULTS if r.lang == "nl"] + ["storing-nl"])
    reply = saved.get("storing-nl")
    text = fill(reply, name="Anna", alert_id="alert:x:1", status_page=saved.status_page())
    assert text == (
        "Hoi Anna, er is een storing bij jou in de buurt. Kijk op https://status.voltera.nl "
        f"({case_ref('alert:x:1')})."
    )


def test_bad_saved_replies_are_refused_in_plain_words(stack, capsys):
    code, _ = run("set-saved-reply", "Bad Id", "--lang", "nl", "--title", "t", "--text", "x")
    assert code != 0 and "saved reply id: lower-case letters" in capsys.readouterr().err
    assert run("set-status-page", "http://status.example")[0] != 0  # https only
    assert run("remove-saved-reply", "nope")[0] != 0
