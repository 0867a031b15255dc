"""A conversation manager's Monday, end to end: signed webhooks -> queue -> triage ->
pages -> the every-minute schedule -> acknowledge and resolve links, on moto.

The whole day runs on the suite's clock (`clock`), moved to each moment of the story:
pages are published and read back on the same day, whatever the date on the machine.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from chalicelib import wiring
from chalicelib.model import iso, parse_time
from tests.functional.conftest import drain, post_webhook, scheduled
from tests.functional.desk import board_link, tap
from tests.functional.test_alerting import at, link

COMPLAINTS = [
    "Worst service ever. Three days without internet, nobody helps and I am furious. "
    "Cancelling my contract today!",
    "Storing alweer! Al drie dagen geen internet en niemand helpt. Ik zeg mijn abonnement op.",
    "You charged me twice and refuse a refund. Disgusting service, I am contacting my lawyer.",
]
# each a story of its own (an outage's posts would join one incident: test_incidents.py)
OWN_STORIES = [
    COMPLAINTS[0],
    "Schandalig! Al drie weken geen antwoord en niemand helpt. Ik zeg mijn abonnement op en "
    "stap naar de advocaat.",
    COMPLAINTS[2],
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


def test_a_managers_monday(client, oncall, secret_values, clock, monkeypatch):
    monkeypatch.setenv("SMS_PER_HOUR", "6")  # the team's SMS budget (8 by default)
    wiring.reset()
    secret = secret_values["generic_webhook_secret"]
    service = wiring.alerts()

    # 08:40 — bob still has the night shift (ann takes over at 09:00); he acknowledges
    webhook_post(client, clock, secret, "morning", COMPLAINTS[0], at("2026-11-23T08:40"))
    (page,) = oncall["bob"].messages()
    assert "Negative post on generic" in page["Message"]
    assert tap(client, link(page), at("2026-11-23T08:43")).status_code == 200
    every_minute(client, at("2026-11-23T08:41"), at("2026-11-23T08:54"))
    # 08:55 — still open at the high band's 15-minute target: bob is reminded
    every_minute(client, at("2026-11-23T08:55"), at("2026-11-23T08:59"))
    (reminder,) = oncall["bob"].messages()
    assert reminder["Message"].startswith("REMINDER: open 15 min, target 15 min")
    # 09:00 — the shift changes: bob's open case passes to ann, who gets one message
    every_minute(client, at("2026-11-23T09:00"), at("2026-11-23T09:00"))
    (handover,) = oncall["ann"].messages()
    assert handover["Message"].startswith(
        "Your shift has begun: 1 open case, oldest waiting 20 min."
    )
    assert client.http.get(board_link(handover)).status_code == 200
    morning = service.get("alert:generic:morning")
    assert morning.holder == "ann" and morning.handovers[-1]["reason"] == "shift change"
    assert oncall["bob"].messages() == []
    resolved = tap(
        client, board_link(handover) + "/alert:generic:morning", at("2026-11-23T09:02"),
        do="resolve", outcome="answered",
    )  # fmt: skip
    assert (
        resolved.status_code == 200 and service.get("alert:generic:morning").outcome == "answered"
    )

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
    # bob holds it: reminded at its target (09:45), then lea, the next in line (10:00)
    (reminder,) = oncall["bob"].messages()
    (told,) = oncall["lea"].messages()
    assert reminder["Message"].startswith("REMINDER:")
    assert told["Message"].startswith("ESCALATED: held by bob, still open after 30 min")
    assert oncall["ann"].messages() == []
    assert tap(client, link(reminder), at("2026-11-23T10:31"), do="resolve",
               outcome="solved").status_code == 200  # fmt: skip

    # 13:00 — a busy hour: eight high-band complaints in 70 seconds. Each pages at once (the
    # high band is never held for a group); the team's SMS budget (6 an hour here) lets the
    # first six text ann, the last two reach her by e-mail only
    outage = at("2026-11-23T13:00")
    for n in range(8):
        text = f"{OWN_STORIES[n % 3]} ({n})"
        webhook_post(client, clock, secret, f"outage-{n}", text, outage + timedelta(seconds=10 * n))
    every_minute(client, at("2026-11-23T13:02"), at("2026-11-23T13:02"))
    received = oncall["ann"].messages()
    assert len(received) == 8
    assert [m["MessageAttributes"]["channels"]["Value"] for m in received] == [
        '["sms", "email"]'
    ] * 6 + ['["email"]'] * 2
    for single in received[:7]:
        done = tap(client, link(single), at("2026-11-23T13:03"), do="resolve", outcome="answered")
        assert done.status_code == 200
    resolve = tap(
        client, link(received[7]), at("2026-11-23T13:05"),
        do="resolve", outcome="answered", note="Outage in Utrecht, status page updated",
    )  # fmt: skip
    assert resolve.status_code == 200
    every_minute(client, at("2026-11-23T13:03"), at("2026-11-23T13:59"))
    assert oncall["ann"].messages() == []
    # 14:00 — a new hour's budget; ann took the two e-mailed cases already: no catch-up
    every_minute(client, at("2026-11-23T14:00"), at("2026-11-23T14:00"))
    assert oncall["ann"].messages() == []

    # THEN at the end of the day: nobody was paged twice for a post, and every alert
    # has the timestamps the digest needs for time-to-acknowledge
    alerts = [service.get(f"alert:generic:{i}") for i in ("morning", "escalates")]
    alerts += [service.get(f"alert:generic:outage-{n}") for n in range(8)]
    assert all(a is not None and a.acknowledged_at for a in alerts)
    assert all(len(a.pages) == 1 for a in alerts[2:])
    seconds = [
        (parse_time(a.acknowledged_at) - parse_time(a.created_at)).total_seconds() for a in alerts
    ]
    assert seconds[0] == 180  # bob: three minutes
    assert seconds[1] == (minutes + 3) * 60  # after escalation
    assert {a.acknowledged_by for a in alerts} == {"ann", "bob"}
    assert alerts[-1].resolution_note == "Outage in Utrecht, status page updated"
    assert wiring.mentions().get("generic:outage-7").status == "resolved"
