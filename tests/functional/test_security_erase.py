"""GDPR erasure by author: their posts, alerts and quoted text go; others' data stays."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from chalicelib import wiring
from chalicelib.digest import aggregates
from chalicelib.digest.ingest import THEMES
from chalicelib.model import iso
from tests.conftest import ROOT
from tests.functional.conftest import drain, post_webhook
from tests.functional.test_faults import counted
from tools import erase

ANGRY = "Worst service ever, three days without internet and nobody helps. I am furious!"
HAPPY = "Great help from the support team today, thanks a lot! Love it."


def post(native_id: str, author_id: str, handle: str, text: str) -> bytes:
    return json.dumps(
        {
            "id": native_id,
            "text": f"{text} ({native_id})",
            "author": {
                "id": author_id,
                "handle": handle,
                "name": handle.title(),
                "followers": 9000,
            },
            "url": f"https://forum.example.com/t/{native_id}",
            "created_at": iso(datetime.now(UTC) - timedelta(minutes=5)),
        }
    ).encode()


def state_text(stack: dict[str, str]) -> str:
    items = boto3.client("dynamodb").scan(TableName=stack["STATE_TABLE"])["Items"]
    return json.dumps(items, ensure_ascii=False)


def mention_ids(stack: dict[str, str]) -> set[str]:
    items = boto3.client("dynamodb").scan(TableName=stack["MENTIONS_TABLE"])["Items"]
    return {item["id"]["S"] for item in items if "erased" not in item}


@pytest.fixture
def posts(client, stack, team, secret_values) -> None:
    """jan (author 42) posts two complaints and one compliment; piet (43) one complaint."""
    secret = secret_values["generic_webhook_secret"]
    for body in (
        post("j1", "42", "jan", ANGRY),
        post("j2", "42", "jan", ANGRY),
        post("j3", "42", "jan", HAPPY),
        post("p1", "43", "piet", ANGRY),
    ):
        assert post_webhook(client, body, secret).status_code == 202
    drain(client, stack)
    assert wiring.alerts().get("alert:generic:j1") is not None


def eraser(stack: dict[str, str]) -> erase.Eraser:
    return erase.Eraser(wiring.mentions(), wiring.state())


def test_erase_removes_the_authors_mentions_alerts_and_every_quote_of_them(posts, stack):
    # alerts quote them (the handle as stored: a JSON string "jan", shown without "@")
    assert "(j1)" in state_text(stack) and '"jan"' in state_text(stack)
    report = eraser(stack).erase("generic", "42")
    assert report.mentions == ["generic:j1", "generic:j2", "generic:j3"]
    assert sorted(report.alerts) == ["alert:generic:j1", "alert:generic:j2"]
    assert mention_ids(stack) == {"generic:p1"}
    assert wiring.alerts().get("alert:generic:j1") is None
    remaining = state_text(stack)
    assert "(j1)" not in remaining and "(j3)" not in remaining
    assert '"jan"' not in remaining and "@jan" not in remaining
    # piet's data is untouched, and counters (no person in them) stay
    assert wiring.alerts().get("alert:generic:p1") is not None
    assert counted(stack) == 4


def state_keys(stack: dict[str, str]) -> list[str]:
    items = boto3.client("dynamodb").scan(TableName=stack["STATE_TABLE"])["Items"]
    return [f"{item['pk']['S']}/{item['sk']['S']}" for item in items]


def bucket_themes(stack: dict[str, str]) -> set[str]:
    """The themes storm control's 5-minute buckets count (``t#<theme>`` attributes)."""
    items = boto3.client("dynamodb").scan(TableName=stack["STATE_TABLE"])["Items"]
    buckets = [item for item in items if item["pk"]["S"].startswith("alerts#negatives#")]
    return {name[2:] for item in buckets for name in item if name.startswith("t#")}


def test_themes_that_only_the_authors_posts_gave_leave_the_tally(
    client, stack, team, secret_values
):
    # GIVEN jan complains naming his street and surname; piet complains about something else
    secret = secret_values["generic_webhook_secret"]
    # (no configured topic fits it, so its key words are themes: his street and surname)
    street = "Kerkstraat Jansen: de lantaarnpaal voor de deur knippert al weken, schandalig!"
    assert post_webhook(client, post("j9", "42", "jan", street), secret).status_code == 202
    assert post_webhook(client, post("p9", "43", "piet", ANGRY), secret).status_code == 202
    drain(client, stack)
    jans = {t for t in wiring.mentions().get("generic:j9").themes}
    piets = {t for t in wiring.mentions().get("generic:p9").themes}
    # (the brand's configured topics, "outage" and the like, are no one's words: an
    # incident's keys may name them; what is personal is the key words of his post)
    topics = set(json.loads((ROOT / "chalicelib" / "topics.json").read_text())["topics"])
    only_jan = jans - piets - topics
    assert only_jan, "the test needs a theme only jan's post gives"
    assert only_jan & bucket_themes(stack), "storm control counted his words too"
    # WHEN jan is erased
    report = eraser(stack).erase("generic", "42")
    # THEN his words are in no key and no tally entry (was: theme#<his words> kept them)
    timezone = wiring.settings().timezone
    day = aggregates.local_day(wiring.mentions().get("generic:p9").created_at, timezone)
    tally = {e.key: int(e.rank[0]) for e in wiring.day_lists().read(day, THEMES)}
    assert not only_jan & set(tally), only_jan
    assert not any(t in key for t in only_jan for key in state_keys(stack))
    assert report.themes and all(t.split("/", 1)[1] in only_jan for t in report.themes)
    assert all(f"e#{t}" not in state_text(stack) for t in only_jan)
    assert not only_jan & bucket_themes(stack)  # (was: kept in storm control's buckets)
    assert piets & set(tally) and all(tally.get(t, 1) == 1 for t in piets)  # piet's stay


def test_a_replayed_request_or_a_redrive_never_brings_an_erased_post_back(
    posts, client, stack, secret_values
):
    # GIVEN jan's post was erased
    eraser(stack).erase("generic", "42")
    # WHEN a captured signed request of it is replayed (and drained again)
    replayed = post("j1", "42", "jan", ANGRY)
    assert post_webhook(client, replayed, secret_values["generic_webhook_secret"]).status_code in (
        202,
        400,
    )
    drain(client, stack)
    # THEN it is not stored again, nor alerted (was: the post came back)
    assert "generic:j1" not in mention_ids(stack)
    assert wiring.alerts().get("alert:generic:j1") is None


def test_a_dry_run_reports_and_changes_nothing(posts, stack):
    before = (mention_ids(stack), state_text(stack))
    report = eraser(stack).erase("generic", "42", dry_run=True)
    assert report.dry_run and len(report.mentions) == 3
    assert (mention_ids(stack), state_text(stack)) == before


def test_erasing_an_unknown_author_changes_nothing(posts, stack):
    before = state_text(stack)
    report = eraser(stack).erase("generic", "nobody")
    assert report.mentions == [] and report.alerts == [] and report.scrubbed == []
    assert state_text(stack) == before


def test_the_cli_prints_one_json_report(posts, stack, capsys):
    assert erase.main(["--stage", "dev", "--source", "generic", "--author-id", "43"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["mentions"] == ["generic:p1"] and report["alerts"] == ["alert:generic:p1"]


def test_scrub_drops_top_list_entries_and_records_naming_an_erased_post():
    target = erase.Target(
        "generic", "42", frozenset({"generic:j1"}), ("Worst service ever",), frozenset({"@jan"})
    )
    item = {
        "pk": "day#2026-11-23",
        "sk": "top#neg#1",
        "v": 3,
        "e#generic:j1": {"r": [80.0], "text": "Worst service ever (j1)"},
        "e#generic:p1": {"r": [70.0], "text": "Also bad (p1)"},
        "e#generic:42": {"r": [9000.0]},
        "cards": [{"mention_id": "generic:j1", "text": "…"}, {"text": "@jan said so"}],
    }
    assert erase.scrub(item, target) == {
        "pk": "day#2026-11-23",
        "sk": "top#neg#1",
        "v": 3,
        "e#generic:p1": {"r": [70.0], "text": "Also bad (p1)"},
        "cards": [{"erased": True}, {"text": "[erased]"}],
    }


def test_scrub_removes_an_erased_post_from_a_grouped_alerts_examples_and_text():
    # GIVEN a storm's grouped alert quoting jan's post among others
    # (alerts/paging/message.py shapes)
    target = erase.Target(
        "generic",
        "42",
        frozenset({"generic:j1"}),
        (erase.quote(ANGRY),),
        frozenset({"@jan"}),
        frozenset({"https://forum.example.com/t/j1"}),
    )
    jan = {
        "source": "generic",
        "handle": "jan",
        "excerpt": ANGRY,
        "priority": 80,
        "url": "https://forum.example.com/t/j1",
    }
    piet = {
        "source": "generic",
        "handle": "piet",
        "excerpt": "Also bad",
        "priority": 70,
        "url": "https://forum.example.com/t/p1",
    }
    item = {
        "pk": "alert#alert:group:2026-11-23T09:00:00Z",
        "sk": "alert",
        "card": {"kind": "group", "count": 2, "examples": [jan, piet]},
        "body": f"2 negative posts\n@jan (9.0k): {ANGRY[:50]}…\n@piet: Also bad",
        "members": ["alert:generic:j1", "alert:generic:p1"],
    }
    cleaned = erase.scrub(item, target)
    assert cleaned["card"]["examples"] == [{"erased": True}, piet]
    assert cleaned["body"] == "[erased]"
    # an id names the post (anyone can open x.com/.../status/<id>): jan's leaves the list
    assert cleaned["members"] == ["alert:generic:p1"]
