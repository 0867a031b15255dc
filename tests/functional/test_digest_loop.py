"""Closing the loop on moto: outcomes and lessons from `AlertService.resolve` reach the
next digest and the weekly mail once (also after a failed send); minus -> plus through
the real triage path across midnight; "why the spike" names the themes that rose."""

from __future__ import annotations

import email
from datetime import date, datetime, timedelta
from email.message import Message
from itertools import count
from zoneinfo import ZoneInfo

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib import wiring
from chalicelib.alerts.record import links
from chalicelib.errors import DeliveryError
from chalicelib.model import Author, Mention, iso
from chalicelib.store import keys
from devstack import moto_stack, sample_days

TZ = ZoneInfo("Europe/Amsterdam")
MONDAY = date(2026, 11, 23)  # the suite's day
_ids = count()


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def post(when: str, text: str, *, author: str, followers: int = 2400, lang: str = "nl") -> Mention:
    at = local(when)
    n = next(_ids)
    return Mention(
        source="x",
        native_id=f"loop{n}",
        url=f"https://x.example/{author}/{n}",
        author=Author(author, f"klant_{author}", f"Klant {author}", followers),
        text=text,
        created_at=iso(at),
        received_at=iso(at + timedelta(seconds=30)),
        lang=lang,
    )


COMPLAINT = "Al drie dagen storing bij Voltera, geen internet en niemand belt terug. Slecht!"
BILLING = "Voltera heeft mijn voorschot verhoogd zonder uitleg. Belachelijk, ik ga opzeggen."
PRAISE = "Monteur van Voltera was er binnen een uur, alles werkt weer. Top service, dank!"


def mails(to: str | None = None) -> list[Message]:
    sent = ses_backends[DEFAULT_ACCOUNT_ID][moto_stack.REGION].sent_messages
    return [
        email.message_from_string(m.raw_data) for m in sent if to is None or to in m.destinations
    ]


def text_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode("utf-8")
    raise AssertionError("no text part")


def act(alert_id: str, at: datetime, **resolution: str) -> None:
    """What a manager does on the case page: acknowledge, then resolve with an outcome."""
    service = wiring.alerts()
    alert = service.get(alert_id)
    assert alert is not None
    key = wiring.signing_secrets().require("ack_signing_key")
    acked = at - timedelta(minutes=20)
    token = links.make_token(key, alert_id, alert.recipient, acked.timestamp() - 60)
    service.acknowledge(alert_id, token, acked)
    if resolution:
        token = links.make_token(
            key, alert_id, alert.recipient, at.timestamp() - 60, action="resolve"
        )
        service.resolve(alert_id, token, at, **resolution)


@pytest.fixture
def cases(stack, team) -> dict[str, str]:
    """Monday morning: a network complaint (solved, with a lesson), a billing one (handed
    over, with a lesson) and one still being worked on."""
    posts = [
        post("2026-11-23T08:10", COMPLAINT, author="1"),
        post("2026-11-23T08:20", BILLING, author="2"),
        post("2026-11-23T08:30", COMPLAINT + " Nog steeds!", author="3"),
    ]
    seeded = sample_days.ingest(posts)
    network, billing, open_ = (f"alert:{p.id}" for p in posts)
    assert {network, billing, open_} == set(seeded.alerts)
    act(
        network,
        local("2026-11-23T09:30"),
        outcome="solved",
        note="Called back, technician booked",
        lesson="Post outage updates on the status page every 30 minutes",
        lesson_theme="Network",
    )
    act(
        billing,
        local("2026-11-23T09:45"),
        outcome="handed_over",
        note="Handed to billing",
        lesson="Explain an advance-payment change before the invoice",
        lesson_theme="#billing",
    )
    act(open_, local("2026-11-23T09:50"))  # acknowledged, not resolved
    return {"network": network, "billing": billing, "open": open_}


def test_a_new_case_is_counted_alerted_and_open_in_one_transaction_with_no_read_back(
    stack, team, monkeypatch
):
    state = wiring.state()
    marked: list[tuple[keys.Key, tuple[str, ...]]] = []
    read_back: list[str] = []
    add_once, get_many = state.add_once, state.get_many

    def spy_add_once(marker, flags, *args, **kwargs):
        marked.append((marker, tuple(flags)))
        return add_once(marker, flags, *args, **kwargs)

    def spy_get_many(wanted):
        wanted = list(wanted)
        read_back.extend(k.pk for k in wanted if k.sk == "tally")  # (keys.alert_tally)
        return get_many(wanted)

    monkeypatch.setattr(state, "add_once", spy_add_once)
    monkeypatch.setattr(state, "get_many", spy_get_many)
    # WHEN a complaint is triaged and pages
    posted = post("2026-11-23T08:10", COMPLAINT, author="1")
    (alert_id,) = sample_days.ingest([posted]).alerts
    # THEN the tally counted it alerted and the case open in one transaction, reading nothing
    tally_marks = [m for m in marked if m[0] == keys.alert_tally(alert_id)]
    assert [flags for _, flags in tally_marks] == [("counted#alerted", "counted#case-opened")]
    assert read_back == []
    stats = wiring.state().get(keys.day_stats("2026-11-23"))
    standing = wiring.state().get(keys.standing_counts("cases"))
    assert (stats["alerts#alerted"], standing["opened"]) == (1, 1)
    # AND telling it again, as a retry or the next change would, counts nothing twice
    assert wiring.tally().sync(wiring.alerts().get(alert_id)) == []
    assert wiring.tally().sync(wiring.alerts().get(alert_id), posted, created=True) == []
    assert wiring.state().get(keys.day_stats("2026-11-23"))["alerts#alerted"] == 1
    assert wiring.state().get(keys.standing_counts("cases"))["opened"] == 1


def test_outcomes_and_lessons_from_resolving_reach_the_next_digest_once(cases):
    # WHEN Tuesday's digest (about Monday) goes out, and the schedule fires again
    assert wiring.digest().run(local("2026-11-24T08:05")).sent
    assert not wiring.digest().run(local("2026-11-24T09:05")).sent
    (digest,) = mails("marketing@example.com")
    text = text_of(digest)
    # THEN it tells what the team did, the story with the note, the lessons and their owners
    assert "- 2 cases resolved: 1 solved, 1 handed to a colleague" in text
    assert "- 1 case open now" in text and "@klant_3 on X, acknowledged" in text
    assert '"Called back, technician booked"' in text
    assert "Post outage updates on the status page every 30 minutes" in text
    assert "- network -> network-operations@example.com" in text
    assert "- billing -> finance-team@example.com" in text
    # AND telling the tally again (a retry, a second tap) counts nothing twice
    for alert_id in cases.values():
        wiring.tally().sync(wiring.alerts().get(alert_id))
    stats = wiring.state().get(keys.day_stats("2026-11-23"))
    assert (stats["outcome#solved"], stats["outcome#handed_over"]) == (1, 1)
    assert wiring.state().get(keys.week_lessons("2026-W48"))["lessons#network"] == 1


def test_each_theme_owner_gets_the_weeks_lessons_once(cases):
    # WHEN the weekly job fires through Monday 30 November (local 09:35 is 08:35 UTC)
    service = wiring.lessons()
    assert service.run(local("2026-11-30T08:35")) == {}  # before the lessons hour
    for hour in range(9, 24):
        service.run(local(f"2026-11-30T{hour:02d}:35"))
    # THEN network and billing each got one mail with their lesson, the volume and a post
    (network,) = mails("network-operations@example.com")
    (billing,) = mails("finance-team@example.com")
    assert mails("webcare-lead@example.com") == []  # nobody else had lessons
    body = text_of(network)
    assert "Post outage updates on the status page every 30 minutes (1 case" in body
    assert "1 case with a lesson this week (0 the week before)" in body
    assert "negative posts this week" in body and "@klant_1 on X" in body
    assert "Explain an advance-payment change" in text_of(billing)
    assert "Post outage updates" not in text_of(billing)


def test_a_weekly_mail_that_failed_is_retried_at_the_next_fire_and_sent_once(cases, monkeypatch):
    monkeypatch.setenv("DIGEST_SENDER", "lessons@not-verified.example")
    wiring.reset()
    with pytest.raises(DeliveryError):
        wiring.lessons().run(local("2026-11-30T09:35"))
    claim = wiring.state().get(keys.lessons_claim("2026-W48", "finance-team@example.com"))
    assert claim["state"] == "failed" and mails() == []

    boto3.client("ses").verify_email_identity(EmailAddress="lessons@not-verified.example")
    wiring.lessons().run(local("2026-11-30T10:35"))
    wiring.lessons().run(local("2026-11-30T11:35"))
    assert len(mails("finance-team@example.com")) == 1
    assert len(mails("network-operations@example.com")) == 1


def test_a_complaint_before_midnight_and_praise_after_it_turn_the_customer_around(stack, team):
    # GIVEN a complaint on Sunday evening that paged, and a case resolved Monday morning
    seeded = sample_days.ingest([post("2026-11-22T23:50", COMPLAINT, author="9")])
    (alert_id,) = seeded.alerts
    act(alert_id, local("2026-11-23T08:00"), outcome="solved", note="Technician booked")
    # WHEN the customer praises us after midnight
    sample_days.ingest([post("2026-11-23T09:10", PRAISE, author="9")])
    # THEN Monday's digest counts and tells the turnaround, before and after
    digest = wiring.digest().preview(MONDAY)
    assert "- 1 turned around this day (0 the day before)" in digest.text
    assert "@klant_9 on X, 2.4k followers - complainer -> ambassador" in digest.text
    assert f'before: "{COMPLAINT}"' in digest.text
    assert f'after:  "{PRAISE}"' in digest.text
    assert wiring.state().get(keys.day_stats("2026-11-22")).get("turned", 0) == 0


def test_the_spike_alert_says_which_themes_rose_and_never_names_the_brand(stack, team):
    # GIVEN 30 complaints about waiting in Utrecht within minutes, triaged and alerted in
    # the medium band (the high band is never held back: it pages at once)
    for n in range(30):
        text = f"Slechte service van Voltera in Utrecht, wachttijd te lang #{n}"
        sample_days.ingest([post("2026-11-23T09:58", text, author=str(n), followers=12)])
    # WHEN the every-minute job sends what the storm held back as one spike message
    service = wiring.alerts()
    service.every_minute(local("2026-11-23T10:01"))
    spike = service.get(str((wiring.state().get(keys.LAST_SPIKE) or {}).get("alert_id")))
    # THEN its reason names the themes that rose, with counts, and never our own name
    assert spike is not None and spike.kind == "spike"
    reason = spike.card["reason"]
    # (the topic a team lead names: "wachttijd" and "service" are customer service)
    assert "; rising: customer service 30 (usually 0.0)" in reason
    assert "voltera" not in reason.casefold()
    assert "rising: customer service 30" in spike.body
