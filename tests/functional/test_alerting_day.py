"""A conversation manager's Monday, end to end: signed webhooks -> queue -> triage ->
pages -> the every-minute schedule -> acknowledge and resolve links, on moto.

The whole day runs on the suite's clock (`clock`), moved to each moment of the story:
pages are published and read back on the same day, whatever the date on the machine.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from chalicelib import wiring
from chalicelib.model import iso, parse_time
from tests.functional.conftest import drain, post_webhook, scheduled
from tests.functional.test_alerting import at, link, oncall, tap  # noqa: F401 (fixture)

COMPLAINTS = [
    "Worst service ever. Three days without internet, nobody helps and I am furious. "
    "Cancelling my contract today!",
    "Storing alweer! Al drie dagen geen internet en niemand helpt. Ik zeg mijn abonnement op.",
    "You charged me twice and refuse a refund. Disgusting service, I am contacting my lawyer.",
]


def webhook_post(client, clock, secret: str, native_id: str, text: str, moment: datetime) -> None:
    """A post arrives by webhook at `moment`, and the queue is drained into triage."""
    body = {
        "id": native_id,
        "text": text,
        "author": {"id": "42", "handle": "boze_klant", "name": "Boze Klant", "followers": 15000},
        "url": f"https://forum.example.com/t/{native_id}",
        "created_at": iso(moment - timedelta(minutes=1)),
    }
    clock.move_to(moment.astimezone(UTC), tick=False)
    response = post_webhook(client, json.dumps(body).encode(), secret)
    assert response.status_code == 202
    drain(client, {"MENTIONS_QUEUE_URL": wiring.settings().queue_url})


def every_minute(client, start: datetime, end: datetime) -> None:
    """The EventBridge schedule, fired once a minute from `start` to `end` inclusive."""
    moment = start
    while moment <= end:
        client.lambda_.invoke("alerts_every_minute", scheduled(client, moment))
        moment += timedelta(minutes=1)


def test_a_managers_monday(client, oncall, secret_values, clock):  # noqa: F811 (fixture)
    secret = secret_values["generic_webhook_secret"]
    service = wiring.alerts()

    # 08:40 — bob still has the night shift (ann takes over at 09:00); he acknowledges
    webhook_post(client, clock, secret, "morning", COMPLAINTS[0], at("2026-11-23T08:40"))
    (page,) = oncall["bob"].messages()
    assert "Negative post on generic" in page["Message"]
    assert tap(client, link(page), at("2026-11-23T08:43")).status_code == 200
    every_minute(client, at("2026-11-23T08:41"), at("2026-11-23T09:00"))
    assert oncall["ann"].messages() == [] and oncall["bob"].messages() == []

    # 09:30 — ann is on duty, but in a meeting: the alert escalates to bob, who takes it
    webhook_post(client, clock, secret, "escalates", COMPLAINTS[1], at("2026-11-23T09:30"))
    alert = service.get("alert:generic:escalates")
    minutes = alert.rules["escalate_after_minutes"]
    assert alert.recipient == "ann" and len(oncall["ann"].messages()) == 1
    every_minute(
        client, at("2026-11-23T09:31"), at("2026-11-23T09:30") + timedelta(minutes=minutes)
    )
    (escalated,) = oncall["bob"].messages()
    assert "ESCALATED" in escalated["Message"]
    assert (
        tap(
            client, link(escalated), at("2026-11-23T09:33") + timedelta(minutes=minutes)
        ).status_code
        == 200
    )
    every_minute(
        client, at("2026-11-23T09:34") + timedelta(minutes=minutes), at("2026-11-23T10:30")
    )
    assert oncall["lea"].messages() == [] and oncall["ann"].messages() == []

    # 13:00 — an outage: eight complaints in 70 seconds; five pages, then one grouped
    outage = at("2026-11-23T13:00")
    for n in range(8):
        text = f"{COMPLAINTS[n % 3]} ({n})"
        webhook_post(client, clock, secret, f"outage-{n}", text, outage + timedelta(seconds=10 * n))
    every_minute(client, at("2026-11-23T13:02"), at("2026-11-23T13:02"))
    received = oncall["ann"].messages()
    assert len(received) == 6
    kinds = [m["MessageAttributes"]["kind"]["Value"] for m in received]
    assert kinds.count("mention") == 5
    grouped = next(m for m in received if m["MessageAttributes"]["kind"]["Value"] != "mention")
    assert "3 negative posts" in grouped["Message"]
    for single in received:
        if single is not grouped:
            assert tap(client, link(single), at("2026-11-23T13:03")).status_code == 200
    note = quote("Outage in Utrecht, status page updated")
    resolve = link(grouped, "Resolve") + "&note=" + note
    assert tap(client, resolve, at("2026-11-23T13:05")).status_code == 200
    every_minute(client, at("2026-11-23T13:03"), at("2026-11-23T14:00"))

    # THEN at the end of the day: nobody was paged twice for a post, lea never,
    # and every alert has the timestamps the digest needs for time-to-acknowledge
    assert [oncall[m].messages() for m in ("ann", "bob", "lea")] == [[], [], []]
    alerts = [service.get(f"alert:generic:{i}") for i in ("morning", "escalates")]
    alerts += [service.get(f"alert:generic:outage-{n}") for n in range(8)]
    assert all(a is not None and a.acknowledged_at for a in alerts)
    seconds = [
        (parse_time(a.acknowledged_at) - parse_time(a.created_at)).total_seconds() for a in alerts
    ]
    assert seconds[0] == 180  # bob: three minutes
    assert seconds[1] == (minutes + 3) * 60  # after escalation
    assert {a.acknowledged_by for a in alerts} == {"ann", "bob"}
    held = [a for a in alerts if a.group_id]
    assert len(held) == 3 and {a.state for a in held} == {"resolved"}
    assert {a.resolution_note for a in held} == {"Outage in Utrecht, status page updated"}
    assert wiring.mentions().get("generic:outage-7").status == "resolved"
