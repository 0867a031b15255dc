"""What the pages cost: SMS segments per page, pages per day, SMS per month, time to page.

    .venv/bin/python benchmarks/sms_bench.py [--json] [--replay 1000] [--month 1000000]
                                            [--price 0.07] [--skip-demo] [--skip-month]

Every figure comes from messages as delivered (devstack/phones.py reads what moto's SNS
would hand each subscription: the SMS text to a phone, the e-mail to a mailbox):

- the demo (`make demo`'s morning): SMS segments per page, max and mean;
- a replay of `--replay` posts of the synthetic sample day (devstack/sample.py) through
  the real alert service minute by minute, with the every-minute job and a team that
  acknowledges 90 % of pages after a few minutes and resolves most of those, in memory
  (benchmarks/sms_sim.py); `--replay-on-moto` runs it through triage on moto instead
  (the same figures, ten minutes);
- a day of a `--month`-mention month (month / 30 posts), the same way: pages and SMS per
  day, and the SMS bill per month at `--price` dollars a segment;
- time from a post's arrival to its page: `alert_for` on moto, median of 50, with the
  DynamoDB requests made before the SNS publish.

Not a test: the timings depend on the machine, the counts do not.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# AWS End User Messaging SMS (what SNS bills for SMS), outbound to the Netherlands: about
# $0.07 a message part — the figure issue 13 measured today's bill with. Check the
# pricing page for your country and pass --price.
PRICE_NL = 0.07
EMAIL_PRICE = 2.0 / 100_000  # SNS e-mail notifications: $2.00 per 100,000
TODAY_MONTHLY = 4200  # issue 13: ~1,000 pages a day x 2 segments x $0.07 x 30
DAY = date(2026, 11, 24)  # a Tuesday, no DST change


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def segments(records: list[dict[str, Any]]) -> dict[str, Any]:
    texts = [r for r in records if r["channel"] == "sms"]
    counts = [int(r["segments"]) for r in texts]
    return {
        "sms": len(texts),
        "max_segments": max(counts, default=0),
        "mean_segments": round(statistics.fmean(counts), 3) if counts else 0.0,
        "ucs2": sum(1 for r in texts if r["encoding"] != "GSM-7"),
        "max_units": max((int(r["units"]) for r in texts), default=0),
    }


def demo() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [sys.executable, "-m", "demo", "--quiet", "--out", out],
            cwd=ROOT,
            check=True,
            capture_output=True,
            env={**os.environ, "LOG_LEVEL": "ERROR"},
        )
        from devstack import phones

        return segments(phones.read_jsonl(Path(out) / "pages.jsonl"))


def _team() -> None:
    from chalicelib import wiring
    from chalicelib.alerts.roster.rotation import Rotation
    from chalicelib.alerts.roster.team import Manager

    for number, manager in enumerate(("sanne", "joris", "femke"), start=1):
        phone, mail = f"+316123400{number:02d}", f"{manager}@example.com"
        wiring.team().add_manager(Manager(manager, manager.title(), email=mail, phone=phone))
        wiring.notifier().subscribe(manager, "sms", phone)
        wiring.notifier().subscribe(manager, "email", mail)
    wiring.team().set_rotation(
        Rotation(
            ("sanne", "joris"), start=DAY - timedelta(days=1), handoff=clock_time(9), lead="femke"
        )
    )


def _fixed(moment: datetime) -> datetime:
    return moment


def in_memory(posts: int) -> dict[str, Any]:
    from benchmarks import sms_sim

    result = sms_sim.day(posts, on=DAY)
    return _figures(posts, result["alerts"], result["delivered"])


def _figures(posts: int, alerts: int, records: list[dict[str, Any]]) -> dict[str, Any]:
    kinds = Counter(r["kind"] for r in records if r["channel"] == "email")
    sms_kinds = Counter(r["kind"] for r in records if r["channel"] == "sms")
    return {
        "posts": posts,
        "alerts": alerts,
        "pages": sum(v for k, v in kinds.items() if k in ("mention", "group", "spike")),
        "emails_by_kind": dict(kinds),
        "sms_by_kind": dict(sms_kinds),
        "emails": sum(kinds.values()),
        "sms_by_recipient": dict(Counter(r["recipient"] for r in records if r["channel"] == "sms")),
        **segments(records),
    }


def on_moto(posts: int, *, seed: int = 11) -> dict[str, Any]:
    """A day of `posts` posts on moto, minute by minute: triage, the job, the team at work."""
    import time_machine

    from chalicelib import intake, wiring
    from chalicelib.alerts.record import links
    from chalicelib.consumer.pipeline import Message, Triage
    from chalicelib.model import parse_time
    from devstack import moto_stack, phones, sample

    rng = random.Random(seed)
    with moto_stack.local_stack("dev") as env, moto_stack.environment(env):
        wiring.reset()
        _team()
        s = wiring.settings()
        service = wiring.alerts()
        key = wiring.secrets().require("ack_signing_key")
        by_minute: dict[int, list[Any]] = {}
        start = datetime.combine(DAY, clock_time(0), tzinfo=s.tz).astimezone(UTC)
        for mention in sample.day_of_posts(DAY, posts, seed=seed):
            minute = int((parse_time(mention.created_at) - start).total_seconds() // 60) + 1
            by_minute.setdefault(minute, []).append(mention)
        acts: dict[int, list[tuple[str, str, str]]] = {}
        seen: set[str] = set()
        counts: Counter[str] = Counter()
        with moto_stack.at_scale():
            for minute in range(0, 24 * 60 + 60):
                now = start + timedelta(minutes=minute)
                with time_machine.travel(now, tick=False):
                    batch = by_minute.get(minute, [])
                    if batch:
                        triage = Triage(
                            mentions=wiring.mentions(),
                            alerts=service,
                            retention=timedelta(days=s.retention_days),
                            timezone=s.timezone,
                            clock=functools.partial(_fixed, now),
                            recorder=wiring.recorder(),
                        )
                        messages = [
                            Message(f"m{minute}-{i}", intake.encode(batch[i : i + 25]))
                            for i in range(0, len(batch), 25)
                        ]
                        outcome = triage.handle_batch(messages)
                        counts["alerts"] += len(outcome.alerts)
                        for alert_id in outcome.alerts:
                            if alert_id in seen or rng.random() > 0.9:
                                continue
                            seen.add(alert_id)
                            ack = minute + max(1, round(rng.lognormvariate(1.1, 0.6)))
                            acts.setdefault(ack, []).append((alert_id, "ack", ""))
                            if rng.random() < 0.8:
                                done = ack + max(1, round(rng.lognormvariate(2.1, 0.7)))
                                acts.setdefault(done, []).append((alert_id, "resolve", ""))
                    for alert_id, action, _ in acts.pop(minute, []):
                        alert = service.get(alert_id)
                        if alert is None:
                            continue
                        who = alert.pending_page or alert.recipient
                        token = links.make_token(key, alert_id, who, now.timestamp(), action=action)
                        if action == "ack":
                            service.acknowledge(alert_id, token, now)
                        else:
                            service.resolve(alert_id, token, now, outcome="answered")
                    service.every_minute(now)
        records = [vars(r) for r in phones.delivered(s.alerts_topic_arn)]
    return _figures(posts, counts["alerts"], records)


def latency(samples: int = 50) -> dict[str, Any]:
    """`alert_for` wall time on moto for a high-band post, and the requests before the page."""
    from chalicelib import wiring
    from chalicelib.model import Author, Mention, Sentiment
    from devstack import moto_stack

    with moto_stack.local_stack("dev") as env, moto_stack.environment(env):
        wiring.reset()
        _team()
        service = wiring.alerts()
        calls: list[str] = []
        paged_after: list[int] = []

        def count(event_name: str, **_: Any) -> None:
            calls.append(event_name)

        def mark(**_: Any) -> None:
            paged_after.append(sum(1 for c in calls if c.startswith("before-call.dynamodb")))

        db, sns = wiring.aws.dynamodb(), wiring.aws.sns()
        db.meta.events.register("before-call.dynamodb.*", count)
        sns.meta.events.register("before-call.sns.Publish", mark)
        times = []
        now = datetime.combine(DAY, clock_time(10), tzinfo=UTC)
        for n in range(samples):
            mention = Mention(
                source="x",
                native_id=str(n),
                url=f"https://x.com/a/status/{n}",
                author=Author(str(n), f"author{n}", "A", 15_300),
                text="Worst service ever. Three days without internet. Cancelling!",
                created_at="2026-11-24T09:58:00Z",
                received_at="2026-11-24T09:58:04Z",
                sentiment=Sentiment(-0.9, "negative", "vader-en"),
                priority=85,
            )
            wiring.mentions().insert(mention)
            calls.clear()
            paged_after.clear()
            begun = time.perf_counter()
            service.alert_for(mention, now + timedelta(hours=n))  # an hour apart: no storm
            times.append((time.perf_counter() - begun) * 1000)
        return {
            "alert_for_ms_median": round(statistics.median(times), 1),
            "dynamodb_requests_before_the_publish": paged_after[0] if paged_after else None,
            "samples": samples,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--replay", type=int, default=1000, help="posts in the replay")
    parser.add_argument("--month", type=int, default=1_000_000, help="mentions a month")
    parser.add_argument("--price", type=float, default=PRICE_NL, help="$ per SMS segment")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--skip-month", action="store_true", help="the slow part (minutes)")
    parser.add_argument("--latency-only", action="store_true", help="time to page only")
    parser.add_argument("--replay-on-moto", action="store_true", help="the replay through moto")
    args = parser.parse_args(argv)
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    result: dict[str, Any] = {"price_per_segment": args.price}
    result["latency"] = latency()
    log(f"time to page: {result['latency']}")
    if not args.latency_only:
        if not args.skip_demo:
            result["demo"] = demo()
            log(f"demo: {result['demo']}")
        result["replay"] = on_moto(args.replay) if args.replay_on_moto else in_memory(args.replay)
        log(f"replay of {args.replay}: {result['replay']}")
        if not args.skip_month:
            day = in_memory(args.month // 30)
            segments_a_day = day["sms"] * max(day["mean_segments"], 1.0)
            day["sms_cost_per_month"] = round(segments_a_day * 30 * args.price, 2)
            day["email_cost_per_month"] = round(day["emails"] * 30 * EMAIL_PRICE, 2)
            day["today_sms_cost_per_month"] = TODAY_MONTHLY
            day["goal"] = "<= 500"
            result["month"] = day
            log(f"a day of a {args.month:,}-mention month: {day}")
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
