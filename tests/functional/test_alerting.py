"""On-call alerting on moto: routing, escalation, resend, case links, storms, quiet hours.

Time is passed explicitly to the service (`now`) and frozen with time-machine where the
app reads the clock itself (the case desk's routes). The managers' inboxes are SQS
queues subscribed without a channel filter: they receive every page addressed to them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from botocore.exceptions import ClientError

from chalicelib import wiring
from chalicelib.alerts.record import links
from chalicelib.alerts.roster.policy import Policy
from chalicelib.alerts.roster.rotation import Override
from chalicelib.alerts.service import RECORD_ATTEMPTS
from chalicelib.errors import MalformedPayload
from chalicelib.model import Author, Mention, Sentiment, iso
from tests.functional.desk import case_link, tap

AMS = ZoneInfo("Europe/Amsterdam")
BASE = "http://localhost:8000"
COMPLAINT = "Worst service ever. Three days without internet and nobody helps. Cancelling!"


def at(text: str) -> datetime:
    """A moment in the team's local time (Amsterdam)."""
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


def negative(native_id: str, *, priority: float = 72.0, text: str = COMPLAINT) -> Mention:
    """A triaged negative post, stored as triage would have stored it."""
    mention = Mention(
        source="x",
        native_id=native_id,
        url=f"https://x.com/boze_klant/status/{native_id}",
        author=Author("42", "boze_klant", "Boze Klant", 15_300),
        text=f"{text} #{native_id}",
        created_at="2026-11-23T08:58:00Z",
        received_at="2026-11-23T08:58:04Z",
        lang="en",
        sentiment=Sentiment(-0.8, "negative", "vader-en"),
        priority=priority,
        reasons=("negative sentiment -0.80", "urgency: cancel", "reach: 15.3k followers"),
    )
    wiring.mentions().insert(mention)
    return mention


def link(envelope: dict[str, Any]) -> str:
    """The path of the case link in a received page."""
    return case_link(envelope)


class FlakySNS:
    """The SNS client, refusing the first `failures` publishes."""

    def __init__(self, real: Any, failures: int) -> None:
        self.real = real
        self.failures = failures

    def publish(self, **kwargs: Any) -> Any:
        if self.failures:
            self.failures -= 1
            raise ClientError({"Error": {"Code": "InternalError", "Message": "down"}}, "Publish")
        return self.real.publish(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


# ---------------------------------------------------------------- routing


def test_only_the_on_duty_managers_subscription_receives_and_an_override_moves_it(oncall):
    service = wiring.alerts()
    # GIVEN ann on duty on Monday
    service.alert_for(negative("1"), at("2026-11-23T10:00"))
    assert [m["MessageAttributes"]["recipient"]["Value"] for m in oncall["ann"].messages()] == [
        "ann"
    ]
    assert oncall["bob"].messages() == [] and oncall["lea"].messages() == []

    # WHEN bob covers for ann on Tuesday (a holiday swap)
    wiring.team().add_override(
        Override("bob", at("2026-11-24T00:00"), at("2026-11-25T00:00"), replaces="ann")
    )
    service.alert_for(negative("2"), at("2026-11-24T12:00"))
    # THEN bob alone is paged
    assert len(oncall["bob"].messages()) == 1
    assert oncall["ann"].messages() == []


def test_the_rotation_hands_over_at_nine_local_time(oncall):
    service = wiring.alerts()
    service.alert_for(negative("1"), at("2026-11-30T08:59"))
    service.alert_for(negative("2"), at("2026-11-30T09:00"))
    assert "#1" in oncall["ann"].messages()[0]["Message"]
    assert "#2" in oncall["bob"].messages()[0]["Message"]


# ---------------------------------------------------------------- escalation


def test_a_batch_of_alerts_reads_the_rotation_once_and_the_next_batch_reads_it_again(
    oncall, monkeypatch
):
    service, team = wiring.alerts(), wiring.team()
    reads: list[str] = []
    for name in ("_load_rotation", "_load_policy"):
        load = getattr(team, name)
        monkeypatch.setattr(team, name, lambda load=load, name=name: reads.append(name) or load())
    # GIVEN a triage batch with three negative posts on Monday
    with service.batch():
        for n in ("1", "2", "3"):
            service.alert_for(negative(n), at("2026-11-23T10:00"))
    # THEN ann got the three pages, and the rotation and policy were read once each
    assert len(oncall["ann"].messages()) == 3
    assert sorted(reads) == ["_load_policy", "_load_rotation"]
    # WHEN bob takes over (another process, the `oncall` CLI) before the next batch
    wiring.team().add_override(
        Override("bob", at("2026-11-23T00:00"), at("2026-11-24T00:00"), replaces="ann")
    )
    with service.batch():
        service.alert_for(negative("4"), at("2026-11-23T10:01"))
    # THEN the next batch sees it; an alert outside a batch reads afresh as before
    assert len(oncall["bob"].messages()) == 1
    assert reads.count("_load_rotation") == 2
    service.alert_for(negative("5"), at("2026-11-23T10:02"))
    assert reads.count("_load_rotation") == 3


def test_unacknowledged_alert_escalates_to_backup_then_lead_and_stops_on_ack(client, oncall):
    service = wiring.alerts()
    # GIVEN a high-priority alert at 10:00 (high: escalate after 5 minutes)
    alert = service.alert_for(negative("1", priority=85), at("2026-11-23T10:00"))
    assert alert.rules["escalate_after_minutes"] == 5
    assert alert.rules["chain"] == ["ann", "bob", "lea"]
    service.every_minute(at("2026-11-23T10:04"))
    assert len(oncall["ann"].messages()) == 1 and oncall["bob"].messages() == []

    # WHEN nobody acknowledges: bob at 10:05, lea at 10:10
    assert service.every_minute(at("2026-11-23T10:05")).escalated == [alert.id]
    to_bob = oncall["bob"].messages()
    assert len(to_bob) == 1
    assert to_bob[0]["Message"].startswith("ESCALATED (step 2): not acknowledged by ann")
    service.every_minute(at("2026-11-23T10:09"))
    assert oncall["lea"].messages() == []
    service.every_minute(at("2026-11-23T10:10"))
    to_lea = oncall["lea"].messages()
    assert len(to_lea) == 1

    # THEN lea acknowledges with her own link, and nobody is paged again: lea alone hears
    # of it once more, a reminder when it is still open at the high band's 15-minute target
    response = tap(client, link(to_lea[0]), at("2026-11-23T10:11"))
    assert response.status_code == 200 and b"Acknowledged" in response.body
    for minute in range(15, 60, 5):
        service.every_minute(at(f"2026-11-23T10:{minute:02d}"))
    assert [oncall[m].messages() for m in ("ann", "bob")] == [[], []]
    (reminder,) = oncall["lea"].messages()
    assert reminder["MessageAttributes"]["kind"]["Value"] == "reminder"

    stored = service.get(alert.id)
    assert stored.state == "acknowledged" and stored.acknowledged_by == "lea"
    assert stored.escalation_level == 2 and stored.escalated_at == iso(at("2026-11-23T10:10"))
    assert [(p["recipient"], p["at"]) for p in stored.pages] == [
        ("ann", "2026-11-23T09:00:00Z"),
        ("bob", "2026-11-23T09:05:00Z"),
        ("lea", "2026-11-23T09:10:00Z"),
    ]
    assert stored.acknowledged_at == "2026-11-23T09:11:00Z"


def test_ann_can_still_acknowledge_after_escalation_with_her_own_link(client, oncall):
    service = wiring.alerts()
    alert = service.alert_for(negative("1", priority=85), at("2026-11-23T10:00"))
    first = oncall["ann"].messages()[0]
    service.every_minute(at("2026-11-23T10:05"))
    assert tap(client, link(first), at("2026-11-23T10:06")).status_code == 200
    assert service.get(alert.id).acknowledged_by == "ann"
    service.every_minute(at("2026-11-23T10:10"))
    assert oncall["lea"].messages() == []


def test_escalation_repeats_the_chain_at_most_k_times_then_stops(oncall):
    service = wiring.alerts()
    # normal priority: 10 minutes a step; the chain ann, bob, lea is paged twice (K = 1)
    alert = service.alert_for(negative("1", priority=45), at("2026-11-23T10:00"))
    exhausted = []
    for minute in range(1, 121):
        tick = service.every_minute(at("2026-11-23T10:00") + timedelta(minutes=minute))
        exhausted += tick.exhausted
    counts = {m: len(oncall[m].messages()) for m in ("ann", "bob", "lea")}
    assert counts == {"ann": 2, "bob": 2, "lea": 2}
    assert exhausted == [alert.id]
    stored = service.get(alert.id)
    assert stored.exhausted_at == iso(at("2026-11-23T11:00"))
    assert [p["at"][11:16] for p in stored.pages] == [
        "09:00",
        "09:10",
        "09:20",
        "09:30",
        "09:40",
        "09:50",
    ]


def test_the_rules_in_force_when_the_alert_was_created_still_apply(oncall):
    service = wiring.alerts()
    alert = service.alert_for(negative("1", priority=85), at("2026-11-23T10:00"))
    # WHEN the policy changes to 1 minute and a lead change after the alert was made
    wiring.team().set_policy(Policy(escalate_after={"high": 1, "normal": 1, "low": 1}))
    service.every_minute(at("2026-11-23T10:02"))
    # THEN the alert still waits its 5 minutes
    assert oncall["bob"].messages() == []
    service.every_minute(at("2026-11-23T10:05"))
    assert len(oncall["bob"].messages()) == 1
    assert service.get(alert.id).rules["escalate_after_minutes"] == 5


# ---------------------------------------------------------------- outbox


def test_sns_failure_is_resent_once_by_the_minute_job_and_never_twice(oncall, monkeypatch):
    service = wiring.alerts()
    notifier = wiring.notifier()
    monkeypatch.setattr(notifier, "_sns", FlakySNS(notifier._sns, failures=1))
    mention = negative("1")
    # GIVEN SNS refuses the first publish: the alert is stored, not sent
    alert = service.alert_for(mention, at("2026-11-23T10:00:00"))
    assert alert.state == "pending" and alert.attempts == 1
    assert oncall["ann"].messages() == []
    # WHEN the job runs (too early for a resend at 10:00:20, due at 10:01)
    assert service.every_minute(at("2026-11-23T10:00:20")).resent == []
    assert service.every_minute(at("2026-11-23T10:01:00")).resent == [alert.id]
    # THEN ann has the alert exactly once, whatever runs or retries after
    service.every_minute(at("2026-11-23T10:02:00"))
    assert service.alert_for(mention, at("2026-11-23T10:02:30")) is None
    assert len(oncall["ann"].messages()) == 1
    stored = service.get(alert.id)
    assert stored.state == "sent" and stored.attempts == 2
    assert stored.created_at == "2026-11-23T09:00:00Z" and stored.sent_at == "2026-11-23T09:01:00Z"


def test_a_failed_escalation_page_is_resent_without_skipping_a_level(oncall, monkeypatch):
    service = wiring.alerts()
    alert = service.alert_for(negative("1", priority=85), at("2026-11-23T10:00"))
    notifier = wiring.notifier()
    monkeypatch.setattr(notifier, "_sns", FlakySNS(notifier._sns, failures=1))
    tick = service.every_minute(at("2026-11-23T10:05"))
    assert tick.failed == [alert.id] and oncall["bob"].messages() == []
    service.every_minute(at("2026-11-23T10:06"))
    assert len(oncall["bob"].messages()) == 1 and oncall["lea"].messages() == []
    assert service.get(alert.id).escalation_level == 1


class FlakyDynamo:
    """The DynamoDB client, refusing the first `failures` updates of alert items."""

    def __init__(self, real: Any, failures: int) -> None:
        self.real = real
        self.failures = failures

    def update_item(self, **kwargs: Any) -> Any:
        if self.failures and kwargs["Key"]["pk"]["S"].startswith("alert#"):
            self.failures -= 1
            error = {"Error": {"Code": "InternalServerError", "Message": "injected"}}
            raise ClientError(error, "UpdateItem")
        return self.real.update_item(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_a_page_sns_took_but_dynamodb_did_not_record_is_sent_at_least_once(oncall, monkeypatch):
    service = wiring.alerts()
    state = wiring.state()
    # every in-place retry of the record fails (one failure is absorbed by the retry)
    monkeypatch.setattr(state, "_db", FlakyDynamo(state._db, failures=RECORD_ATTEMPTS))
    # GIVEN SNS accepts the page and the record of it fails: triage does not fail
    alert = service.alert_for(negative("1"), at("2026-11-23T10:00"))
    assert alert is not None and len(oncall["ann"].messages()) == 1
    # THEN the outbox still holds the page: the job sends it again, once, and records it
    service.every_minute(at("2026-11-23T10:01"))
    service.every_minute(at("2026-11-23T10:02"))
    assert len(oncall["ann"].messages()) == 1
    stored = service.get(alert.id)
    assert stored.state == "sent" and stored.pending_page is None


def test_one_alert_the_state_table_refuses_does_not_stop_the_job_for_the_others(
    oncall, monkeypatch
):
    service = wiring.alerts()
    first = service.alert_for(negative("1", priority=85), at("2026-11-23T10:00"))
    second = service.alert_for(negative("2", priority=85), at("2026-11-23T10:00"))
    state = wiring.state()
    monkeypatch.setattr(state, "_db", FlakyDynamo(state._db, failures=1))
    tick = service.every_minute(at("2026-11-23T10:05"))
    assert len(tick.failed) == 1 and len(tick.escalated) == 1
    later = service.every_minute(at("2026-11-23T10:06"))
    assert sorted(tick.escalated + later.escalated) == sorted([first.id, second.id])
    assert len(oncall["bob"].messages()) == 2


# ---------------------------------------------------------------- links


def test_a_signed_link_sent_before_the_case_desk_opens_a_case_page_for_its_person(client, oncall):
    service = wiring.alerts()
    service.alert_for(negative("1"), at("2026-11-23T10:00"))
    oncall["ann"].messages()
    key = wiring.signing_secrets().require("ack_signing_key")
    when = at("2026-11-23T10:03")
    anns = links.make_token(key, "alert:x:1", "ann", when.timestamp())
    with time_machine.travel(when, tick=False):
        # GIVEN ann's acknowledge link from yesterday's e-mail WHEN she opens it
        moved = client.http.get(f"/alerts/alert:x:1/ack?token={anns}")
        # THEN she lands on a case page of her own (the link opened changes nothing)
        assert moved.status_code == 303
        page = moved.headers["Location"].removeprefix(BASE)
        assert page.startswith("/c/") and client.http.get(page).status_code == 200
        # a forged one, or one for bob (never paged for it), is refused
        forged = client.http.get(f"/alerts/alert:x:1/ack?token={anns[:-4]}AAAA")
        bobs = links.make_token(key, "alert:x:1", "bob", when.timestamp())
        foreign = client.http.get(f"/alerts/alert:x:1/ack?token={bobs}")
    assert forged.status_code == 403 and foreign.status_code == 403
    assert b"sent to someone else" in foreign.body
    assert service.get("alert:x:1").state == "sent"
    assert tap(client, page, when).status_code == 200
    assert service.get("alert:x:1").acknowledged_by == "ann"


def test_resolving_from_the_case_page_closes_the_alert_with_outcome_note_and_times(client, oncall):
    service = wiring.alerts()
    service.alert_for(negative("1"), at("2026-11-23T10:00"))
    case = link(oncall["ann"].messages()[0])
    response = tap(
        client,
        case,
        at("2026-11-23T10:20"),
        do="resolve",
        outcome="solved",
        note="Called her back, refund done",
    )
    assert response.status_code == 200
    assert b"Resolved" in response.body and b"refund done" in response.body
    assert b"text/html" in response.headers["Content-Type"].encode()
    stored = service.get("alert:x:1")
    assert stored.state == "resolved" and stored.resolved_by == "ann"
    assert (stored.outcome, stored.resolution_note) == ("solved", "Called her back, refund done")
    assert stored.acknowledged_at == stored.resolved_at == "2026-11-23T09:20:00Z"
    assert wiring.mentions().get("x:1").status == "resolved"
    again = tap(client, case, at("2026-11-23T10:21"), do="resolve", outcome="solved")
    assert b"Resolved by ann: nothing left to do" in again.body and b'name="csrf"' not in again.body
    # a resolved alert never escalates, and never reminds
    service.every_minute(at("2026-11-23T11:00"))
    assert oncall["bob"].messages() == [] and oncall["ann"].messages() == []


def test_resolving_keeps_the_outcome_and_the_lesson_and_tells_the_listeners(oncall):
    service = wiring.alerts()
    seen = []
    service.events.subscribe(lambda event: seen.append(event.alert))
    service.alert_for(negative("1"), at("2026-11-23T10:00"))
    token = links.make_token(
        wiring.signing_secrets().require("ack_signing_key"),
        "alert:x:1",
        "ann",
        at("2026-11-23T10:00").timestamp(),
        action="resolve",
    )
    # an outcome we do not know is refused, and nothing changes
    with pytest.raises(MalformedPayload):
        service.resolve("alert:x:1", token, at("2026-11-23T10:05"), outcome="happy")
    assert service.get("alert:x:1").state == "sent"
    done = service.resolve(
        "alert:x:1",
        token,
        at("2026-11-23T10:20"),
        outcome="turned_positive",
        lesson="  The  outage page was\nout of date ",
        lesson_theme="network",
    )
    stored = service.get("alert:x:1")
    assert done.changed and stored.outcome == "turned_positive"
    assert (stored.lesson, stored.lesson_theme) == ("The outage page was out of date", "network")
    assert seen[-1].outcome == "turned_positive" and seen[-1].lesson_theme == "network"


# ---------------------------------------------------------------- storms


def test_a_storm_of_50_medium_negatives_gives_five_pages_and_one_grouped_spike_message(
    client, oncall
):
    service = wiring.alerts()
    start = at("2026-11-23T10:00")
    # GIVEN 50 negative posts of the medium band within 50 seconds
    results = [
        service.alert_for(negative(str(n), priority=50), start + timedelta(seconds=n))
        for n in range(50)
    ]
    assert [r.state for r in results].count("sent") == 5
    assert [r.state for r in results].count("held") == 45
    # WHEN the every-minute job runs
    tick = service.every_minute(at("2026-11-23T10:01"))
    # THEN ann got 6 messages in all: five single pages and one grouped spike alert
    received = oncall["ann"].messages()
    assert len(received) == 6
    assert len(tick.grouped) == 1
    grouped = received[-1]["Message"]
    assert grouped.startswith("Spike: 45 negative posts")
    assert "50 negative mentions in 15 min (baseline 0.0 per window)" in grouped
    assert grouped.count("https://x.com/boze_klant/status/") == 3  # three examples
    assert oncall["bob"].messages() == []
    # the medium band is e-mailed, never texted, grouped or not
    assert {r["MessageAttributes"]["channels"]["Value"] for r in received} == {'["email"]'}

    # AND one tap acknowledges all 45 posts in it
    assert tap(client, link(received[-1]), at("2026-11-23T10:03")).status_code == 200
    group = service.get(tick.grouped[0])
    assert group.kind == "spike" and group.count == 45 and group.state == "acknowledged"
    members = [service.get(member) for member in group.members]
    assert {m.state for m in members} == {"acknowledged"}
    assert {m.group_id for m in members} == {group.id}
    assert wiring.mentions().get("x:49").status == "acknowledged"

    # AND a storm that goes on is one grouped message every 5 minutes, not ten pages
    for n in range(50, 60):
        service.alert_for(
            negative(str(n), priority=50), at("2026-11-23T10:03") + timedelta(seconds=n - 50)
        )
    for minute in range(4, 6):
        service.every_minute(at(f"2026-11-23T10:{minute:02d}"))
    assert oncall["ann"].messages() == []
    service.every_minute(at("2026-11-23T10:06"))
    later = oncall["ann"].messages()
    assert len(later) == 1 and later[0]["Message"].startswith("Grouped: 10 negative posts")
    assert "more than 5 alerts for ann in 10 min" in later[0]["Message"]


def test_in_a_storm_the_high_band_pages_at_once_and_only_the_rest_is_grouped(oncall):
    service = wiring.alerts()
    start = at("2026-11-23T10:00")
    # GIVEN a storm: ten medium posts, then the "…Cancelling." post of priority 83
    for n in range(10):
        service.alert_for(negative(str(n), priority=50), start + timedelta(seconds=n))
    urgent = service.alert_for(negative("urgent", priority=83), start + timedelta(seconds=30))
    # THEN the urgent one is paged at once, by SMS and e-mail, never held for the group
    assert urgent.state == "sent" and urgent.held_reason is None
    received = oncall["ann"].messages()
    assert [m["Message"].count("#urgent") for m in received][-1] == 1
    assert received[-1]["MessageAttributes"]["channels"]["Value"] == '["sms", "email"]'
    assert [a.state for a in service.held()].count("held") == 5


def test_closing_a_grouped_alert_tells_the_digest_about_every_post_in_it(client, oncall):
    service = wiring.alerts()
    for n in range(8):
        moment = at("2026-11-23T10:00") + timedelta(seconds=n)
        service.alert_for(negative(str(n), priority=50), moment)
    (group_id,) = service.every_minute(at("2026-11-23T10:01")).grouped
    seen = []
    service.events.subscribe(lambda event: seen.append(event.alert))
    envelope = oncall["ann"].messages()[-1]
    assert tap(client, link(envelope), at("2026-11-23T10:04")).status_code == 200
    members = [a for a in seen if a.id != group_id]
    assert sorted(a.id for a in members) == sorted(service.get(group_id).members)
    assert {(a.state, a.acknowledged_by, a.acknowledged_at) for a in members} == {
        ("acknowledged", "ann", "2026-11-23T09:04:00Z")
    }
    # and the digest's own tally counted them (wired in chalicelib/wiring.py)
    assert wiring.tally().sync(members[0]) == []


def test_the_low_band_lands_on_the_board_and_is_never_paged(oncall):
    service = wiring.alerts()
    low = service.alert_for(negative("1", priority=30), at("2026-11-23T10:00"))
    assert (low.state, low.channels, low.pending_page) == ("board", (), None)
    for minute in range(1, 40):
        service.every_minute(at("2026-11-23T10:00") + timedelta(minutes=minute))
    assert [oncall[m].messages() for m in ("ann", "bob", "lea")] == [[], [], []]
    assert [a.id for a in service.cases.waiting()] == [low.id]


def test_low_priority_waits_for_the_end_of_quiet_hours_and_high_priority_pages_at_once(
    oncall, monkeypatch
):
    # GIVEN a team that has the low band e-mailed rather than on the board only
    monkeypatch.setenv("ALERT_ROUTING", "high=sms+email,medium=email,low=email")
    wiring.reset()
    service = wiring.alerts()
    night = at("2026-11-24T02:00")
    low_one = service.alert_for(negative("1", priority=30), night)
    low_two = service.alert_for(negative("2", priority=32), night + timedelta(minutes=20))
    high = service.alert_for(negative("3", priority=85), night + timedelta(minutes=30))
    assert (low_one.state, low_two.state, high.state) == ("held", "held", "sent")
    assert low_one.release_at == iso(at("2026-11-24T07:00"))
    received = oncall["ann"].messages()
    assert len(received) == 1 and "#3" in received[0]["Message"]

    service.every_minute(at("2026-11-24T06:59"))
    assert oncall["ann"].messages() == []
    service.every_minute(at("2026-11-24T07:00"))
    morning = oncall["ann"].messages()
    assert len(morning) == 1
    assert morning[0]["Message"].startswith("Grouped: 2 negative posts")
    assert "low priority held in quiet hours (22:00-07:00)" in morning[0]["Message"]
