"""A source failing or gone silent pages the on-duty manager once per incident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib import wiring
from chalicelib.model import iso
from chalicelib.sources import health as source_health
from chalicelib.store import keys
from tests.functional.conftest import scheduled


def minute(client, at: datetime) -> None:
    client.lambda_.invoke("alerts_every_minute", scheduled(client, at))


def test_a_failing_source_pages_the_on_duty_manager_once_and_again_after_recovery(
    client, stack, team
):
    now = datetime.now(UTC)
    state = wiring.state()
    # GIVEN X failed three runs in a row (as polling records it)
    health = source_health.Health(
        source="x",
        since=iso(now - timedelta(hours=2)),
        last_success=iso(now - timedelta(minutes=16)),
    )
    for i in range(3):
        health = health.failed(now - timedelta(minutes=10 - 5 * i), "HTTP 503 Service Unavailable")
    state.put(keys.source_health("x"), health.to_dict())

    # WHEN the every-minute job runs twice THEN ann (on duty) gets one page, bob none
    minute(client, now)
    minute(client, now + timedelta(minutes=1))
    pages = team["ann"].messages()
    assert [p["Subject"] for p in pages] == ["[Source] X (keyword search) failed 3 runs in a row"]
    assert "503" in pages[0]["Message"]
    assert pages[0]["MessageAttributes"]["kind"]["Value"] == "source-health"
    assert team["bob"].messages() == []

    # WHEN it recovers and later goes silent for longer than its interval: a new page
    recovered = source_health.load_health(state, "x", now).succeeded(now + timedelta(minutes=2))
    state.put(keys.source_health("x"), recovered.to_dict())
    minute(client, now + timedelta(minutes=3))
    assert team["ann"].messages() == []
    minute(
        client,
        now + timedelta(minutes=2) + source_health.EXPECTED_INTERVALS["x"] + timedelta(minutes=1),
    )
    assert [p["Subject"] for p in team["ann"].messages()] == [
        "[Source] X (keyword search) has been silent"
    ]


def test_a_source_that_never_ran_never_pages(client, stack, team):
    minute(client, datetime.now(UTC))
    assert team["ann"].messages() == []
