"""A poison mention is isolated, never its batch; edits are judged again; erased posts
stay erased (issue 15, findings 1, 6, 7)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from chalicelib import wiring
from chalicelib.model import iso
from chalicelib.sources import generic
from chalicelib.store import day_counters
from tests.functional.conftest import post_webhook
from tests.functional.test_faults import (
    counted,
    dead_letters,
    drain,
    pages_by_alert,
    quarantined,
    send,
    stored_ids,
)
from tests.functional.test_walking_skeleton import post


def test_nine_negative_posts_and_one_dated_9999_nine_are_stored_and_paged(
    client,
    stack,
    team,
    secret,
):
    # GIVEN nine good negative posts and, in the same message, one dated in the last hour
    # of 9999 (queued by a version without limits: the webhook now refuses it)
    send(client, secret, *(f"90{n}" for n in range(9)))
    (good,) = generic.parse(post("999"), datetime.now(UTC))
    bad = good.with_(created_at="9999-12-31T23:30:00Z")
    mentions = [m.with_(received_at=iso(datetime.now(UTC))) for m in (bad,)]
    wiring.intake().enqueue(mentions)
    # WHEN triage drains the queue
    counts = drain(client, stack)
    # THEN the nine are stored and alerted, the bad one quarantined with its reason
    # (was: OverflowError in the day's aggregates, 0 stored, 10 in the DLQ, 0 pages)
    assert stored_ids(stack) == [f"generic:90{n}" for n in range(9)]
    assert all(wiring.alerts().get(f"alert:generic:90{n}") for n in range(9))
    assert pages_by_alert(team["ann"])  # paged (past the storm limit: grouped)
    assert counts["failed_batches"] == 0 and dead_letters(stack) == []
    assert "created_at" in quarantined(stack)["generic:999"]


def test_an_edited_post_updates_its_mention_is_judged_again_and_alerts_when_negative(
    client,
    stack,
    team,
    secret,
):
    # GIVEN a neutral post, stored and counted
    neutral = post("edit-1", text="Vandaag mijn nieuwe modem opgehaald.")
    assert post_webhook(client, neutral, secret).status_code == 202
    drain(client, stack)
    assert pages_by_alert(team["ann"]) == {}
    # WHEN its author edits it into a complaint (a later delivery, another text)
    body = json.loads(neutral)
    body["text"] = "Al drie dagen storing en niemand helpt, echt schandalig! Ik zeg op."
    assert post_webhook(client, json.dumps(body).encode(), secret).status_code == 202
    drain(client, stack)
    # THEN the mention holds the new text, judged negative, and it pages once
    # (was: the conditional put took it for a duplicate: 200, and dropped)
    mention = wiring.mentions().get("generic:edit-1")
    assert mention is not None and mention.text == body["text"] and mention.is_negative
    assert pages_by_alert(team["ann"]) == {"alert:generic:edit-1": 1}
    # and it is counted once, under its new label
    day = f"{datetime.now(wiring.settings().tz).date()}"
    stats = day_counters(wiring.state(), day)
    assert counted(stack) == 1 and stats["sentiment#negative"] == 1
    assert stats.get("sentiment#neutral", 0) == 0


def test_an_older_copy_arriving_after_the_edit_changes_nothing(
    client,
    stack,
    team,
    secret,
):
    first = post("edit-2", text="Vandaag mijn nieuwe modem opgehaald.")
    assert post_webhook(client, first, secret).status_code == 202
    drain(client, stack)
    (stored,) = [wiring.mentions().get("generic:edit-2")]
    older = stored.with_(
        text="iets anders", received_at=iso(datetime.now(UTC) - timedelta(hours=1))
    )
    wiring.intake().enqueue([older])  # a redrive of a message older than what is stored
    drain(client, stack)
    assert wiring.mentions().get("generic:edit-2").text == stored.text
