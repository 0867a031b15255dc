"""The daily digest on moto: aggregates kept at ingest, timing, exactly-once sending."""

from __future__ import annotations

import email
import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from email.message import Message
from zoneinfo import ZoneInfo

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib import wiring
from chalicelib.digest import aggregates
from chalicelib.digest.ingest import AMBASSADORS, NEGATIVES, THEMES, engagement
from chalicelib.digest.outcomes import OPEN_CASES
from chalicelib.errors import DeliveryError
from chalicelib.model import Author, Mention, iso
from chalicelib.store import day_counters, keys
from devstack import moto_stack, sample, sample_days
from tests.functional.conftest import drain, post_webhook, press, scheduled

TZ = ZoneInfo("Europe/Amsterdam")
DAY = date(2026, 11, 22)


def sent_emails() -> list:
    return list(ses_backends[DEFAULT_ACCOUNT_ID][moto_stack.REGION].sent_messages)


def parts(raw: str) -> dict[str, str]:
    message = email.message_from_string(raw)
    out = {}
    for part in message.walk():
        if isinstance(part, Message) and part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True)
            out[part.get_content_subtype()] = payload.decode(part.get_content_charset() or "utf-8")
    return out


def local_time(day: date, hour: int, minute: int = 5) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


# ------------------------------------------------------------------ aggregates


def test_day_aggregates_equal_a_recount_of_the_stored_mentions(stack):
    # GIVEN a day of posts with duplicates, triaged through the real pipeline twice over
    # (the second pass is SQS redelivering every message)
    posts = list(sample.day_of_posts(DAY, 120, seed=11, duplicates=0.05))
    first = sample_days.ingest(posts)
    sample_days.ingest(posts)
    stored = list(wiring.mentions().by_day(DAY.isoformat()))
    assert first.stored == len(stored) == len({m.id for m in posts})

    # THEN the counters are a recount of the stored mentions (the rules written out here,
    # not taken from the code under test: a label, the UTC hour, paged at priority 25+,
    # the first five distinct themes of a negative post)
    def label_of(m: Mention) -> str:
        return m.sentiment.label if m.sentiment else "unknown"

    def utc_hour(created_at: str) -> str:
        return datetime.fromisoformat(created_at).astimezone(UTC).strftime("%Y-%m-%dT%H")

    stats = day_counters(wiring.state(), "2026-11-22")
    label = Counter(label_of(m) for m in stored)
    assert stats["total"] == len(stored)
    for name, count in label.items():
        assert stats[f"sentiment#{name}"] == count
    for source, count in Counter(m.source for m in stored).items():
        assert stats[f"source#{source}"] == count
    for (source, name), count in Counter((m.source, label_of(m)) for m in stored).items():
        assert stats[f"source#{source}#{name}"] == count
    for lang, count in Counter(m.lang for m in stored).items():
        assert stats[f"lang#{lang}"] == count
    negatives = [m for m in stored if m.is_negative]
    hours = Counter(utc_hour(m.created_at) for m in negatives)
    assert {k[3:]: v for k, v in stats.items() if k.startswith("hn#")} == dict(hours)
    assert stats["reach#negative"] == sum(m.author.followers for m in negatives)
    assert stats["alerts#alerted"] == sum(m.priority >= 25 for m in negatives)

    # AND the day's theme tally counts each negative post's (first five) themes once
    themes = Counter(t for m in negatives for t in list(dict.fromkeys(m.themes))[:5])

    # AND the bounded lists hold exactly the best of the day
    lists = wiring.day_lists()
    top = sorted(
        negatives, key=lambda m: ((m.priority, float(m.author.followers)), m.id), reverse=True
    )
    assert [e.key for e in lists.read("2026-11-22", NEGATIVES)] == [m.id for m in top[:10]]

    best: dict[str, Mention] = {}
    for m in stored:
        if label_of(m) != "positive":
            continue
        author = f"{m.source}:{m.author.id}"
        rank = (m.author.followers, engagement(m))
        if author not in best or rank > (best[author].author.followers, engagement(best[author])):
            best[author] = m
    expected = sorted(
        best, key=lambda a: ((best[a].author.followers, engagement(best[a])), a), reverse=True
    )
    got = lists.read("2026-11-22", AMBASSADORS)
    assert [e.key for e in got] == expected[:10]
    assert [e.payload["id"] for e in got] == [best[a].id for a in expected[:10]]

    # (the sample's vocabulary fits the tally, so every count is exact: nothing inherited)
    assert len(themes) <= THEMES.cap
    tally = lists.read("2026-11-22", THEMES)
    assert {e.key: e.rank for e in tally} == {t: (float(n), float(n)) for t, n in themes.items()}


# ------------------------------------------------------------------ timing, exactly once


@pytest.mark.parametrize(
    ("dst_day", "hours", "send_at_utc"),
    [
        (date(2026, 3, 29), 23, "2026-03-30T06:05:00Z"),  # clocks went forward on the 29th
        (date(2026, 10, 25), 25, "2026-10-26T07:05:00Z"),  # clocks went back on the 25th
    ],
)
def test_on_dst_change_days_the_digest_covers_the_local_day_and_goes_out_once_at_8(
    client, stack, dst_day, hours, send_at_utc
):
    # GIVEN posts at the very start and end of the local day, and one just outside it
    start = datetime.combine(dst_day, datetime.min.time(), tzinfo=TZ)
    end = datetime.combine(dst_day + timedelta(days=1), datetime.min.time(), tzinfo=TZ)
    assert (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() == hours * 3600
    edges = [start, end - timedelta(minutes=1), end]
    posts = [
        Mention(
            source="x",
            native_id=f"edge{i}",
            url=f"https://x.example/{i}",
            author=Author(id=str(i), handle=f"u{i}", followers=10),
            text="Storing! Al drie dagen geen internet, slechte service",
            created_at=iso(moment),
            received_at=iso(moment),
            lang="nl",
        )
        for i, moment in enumerate(edges)
    ]
    sample_days.ingest(posts)
    assert day_counters(wiring.state(), f"{dst_day}")["total"] == 2
    report_hours = aggregates.day_hours(dst_day, "Europe/Amsterdam")
    assert len(report_hours) == hours

    # WHEN the hourly schedule fires all next day (and twice at the same minute)
    fire = datetime.combine(dst_day + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    for hour in range(24):
        at = fire + timedelta(hours=hour, minutes=5)
        client.lambda_.invoke("daily_digest", scheduled(client, at))
        client.lambda_.invoke("daily_digest", scheduled(client, at))

    # THEN exactly one digest went out, at the first fire at or after 08:00 local
    (sent,) = sent_emails()
    claim = wiring.state().get(keys.digest_claim(f"{dst_day}"))
    assert claim["state"] == "sent" and claim["sent_at"] == send_at_utc
    text = parts(sent.raw_data)["plain"]
    assert "2 posts mentioned Voltera" in text


def test_a_failed_send_is_retried_at_the_next_fire_and_then_sent_once(stack, monkeypatch):
    sample_days.ingest(sample.day_of_posts(DAY, 20, seed=3))
    monkeypatch.setenv("DIGEST_SENDER", "digest@not-verified.example")
    wiring.reset()
    service = wiring.digest()

    # 08:05: SES refuses (unverified sender): the claim is marked failed, the run raises
    with pytest.raises(DeliveryError):
        service.run(local_time(DAY + timedelta(days=1), 8))
    claim = wiring.state().get(keys.digest_claim("2026-11-22"))
    assert claim["state"] == "failed" and claim["attempts"] == 1
    assert sent_emails() == []

    # 09:05: the sender is verified now; the next fire sends it, later fires do nothing
    boto3.client("ses").verify_email_identity(EmailAddress="digest@not-verified.example")
    assert service.run(local_time(DAY + timedelta(days=1), 9)).sent
    assert not service.run(local_time(DAY + timedelta(days=1), 10)).sent
    assert len(sent_emails()) == 1
    assert wiring.state().get(keys.digest_claim("2026-11-22"))["attempts"] == 2


def test_a_digest_that_failed_all_day_goes_out_the_next_morning_with_the_new_one(
    stack, monkeypatch
):
    monkeypatch.setenv("DIGEST_SENDER", "digest@not-verified.example")
    wiring.reset()
    for hour in range(8, 24):
        with pytest.raises(DeliveryError):
            wiring.digest().run(local_time(DAY + timedelta(days=1), hour))
    assert wiring.state().get(keys.digest_claim("2026-11-22"))["attempts"] == 16

    boto3.client("ses").verify_email_identity(EmailAddress="digest@not-verified.example")
    wiring.digest().run(local_time(DAY + timedelta(days=2), 8))
    subjects = sorted(email.message_from_string(m.raw_data)["Subject"] for m in sent_emails())
    assert len(subjects) == 2
    assert "Sun 22 Nov" in subjects[0] + subjects[1] and "Mon 23 Nov" in subjects[0] + subjects[1]


def test_a_digest_being_prepared_is_not_sent_again_by_a_parallel_fire(stack):
    sample_days.ingest(sample.day_of_posts(DAY, 10, seed=4))
    now = local_time(DAY + timedelta(days=1), 8)
    # GIVEN another invocation holds the claim, still reading and rendering (lease running)
    wiring.state().put(
        keys.digest_claim("2026-11-22"),
        {"state": "rendering", "attempts": 1, "lease_until": iso(now + timedelta(minutes=10))},
    )
    assert wiring.digest().run(now).reason == "being prepared"
    # AND when that invocation died before calling SES, the next fire after the lease sends
    assert wiring.digest().run(now + timedelta(hours=1)).sent
    assert len(sent_emails()) == 1


# ------------------------------------------------------------------ end to end


def test_acknowledging_through_the_link_counts_once_with_its_time_to_acknowledge(
    client, stack, team, secret_values
):
    created = datetime.now(UTC) - timedelta(minutes=5)
    body = json.dumps(
        {
            "id": "501",
            "text": "Worst service ever. Three days without internet and I am furious!",
            "author": {"id": "42", "handle": "boze_klant", "followers": 15000},
            "url": "https://forum.example.com/t/501",
            "created_at": iso(created),
        }
    ).encode()
    post_webhook(client, body, secret_values["generic_webhook_secret"])
    drain(client, stack)
    text = team["ann"].messages()[0]["Message"]
    link = next(line.split(": ", 1)[1] for line in text.splitlines() if "/c/" in line)
    path = link.removeprefix("http://localhost:8000")
    assert press(client, path).status_code == 200
    assert press(client, path).status_code == 200  # a second tap

    day = created.astimezone(TZ).date()
    stats = wiring.state().get(keys.day_stats(f"{day}"))
    assert stats["alerts#alerted"] == 1 and stats["alerts#acknowledged"] == 1
    assert sum(v for k, v in stats.items() if k.startswith("tta#")) == 1
    # AND per alert band, within its target (acknowledged 5 minutes after the post)
    band = wiring.alerts().get("alert:generic:501").rules["band"]
    assert sum(v for k, v in stats.items() if k.startswith(f"tta.{band}#")) == 1
    assert stats[f"met.{band}"] == 1
    # AND acknowledged is not done: the case stays open until it is resolved
    (case,) = wiring.day_lists().read("", OPEN_CASES)
    assert case.key == "generic:501"


def test_a_post_with_a_script_tag_reaches_the_digest_escaped(client, stack, secret_values):
    created = datetime.now(UTC) - timedelta(minutes=5)
    body = json.dumps(
        {
            "id": "666",
            "text": "Terrible, furious! <script>alert('x')</script> worst service ever",
            "author": {"id": "7", "handle": "mallory", "followers": 90000},
            "url": "https://forum.example.com/t/666",
            "created_at": iso(created),
        }
    ).encode()
    post_webhook(client, body, secret_values["generic_webhook_secret"])
    drain(client, stack)
    day = created.astimezone(TZ).date()
    client.lambda_.invoke("daily_digest", scheduled(client, local_time(day + timedelta(days=1), 8)))
    (sent,) = sent_emails()
    mail = parts(sent.raw_data)
    assert "<script>" not in mail["html"]
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in mail["html"]
    assert "<script>alert('x')</script>" in mail["plain"]  # plain text needs no escaping
    assert "List-Unsubscribe" in sent.raw_data
