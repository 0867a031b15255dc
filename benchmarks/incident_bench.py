"""Issue 27, an outage is one incident: messages per person, before and after grouping.

    .venv/bin/python benchmarks/incident_bench.py [--json] [--burst 200] [--posts 1000]

Both runs use the real alert service (routing, storm control, the SMS budget, escalation,
reminders, incidents) in memory, minute by minute (benchmarks/sms_sim.py's stand-ins for
DynamoDB and SNS), with triage's real `judge`. "before" is the same code with grouping
off (`INCIDENT_KINDS=""`), which pages exactly as the service did before incidents.

- **the demo morning**: demo/posts.jsonl, all arriving at minute 0 as in `make demo`
  (sanne on duty, joris her backup, femke the lead); SMS and e-mails to each person in the
  first 10 minutes, (a) when nobody acknowledges, (b) when sanne acknowledges every SMS
  page she got at minute 3 (an incident from the incident page: all its posts at once);
- **a replay**: `--posts` posts of the synthetic sample day with a `--burst`-post outage
  in Amersfoort from 14:00 to 14:30 local; the team acknowledges 90 % of what it is paged
  for after a few minutes (an incident as a whole). SMS per person per hour (the busiest
  hour, and the burst's), and minutes from the first outage post to the first page.

Not a test: the counts are deterministic (seeded), nothing here reads the clock.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.sms_sim import Mentions, RecordingSNS, memory_service  # noqa: E402
from chalicelib import triage  # noqa: E402
from chalicelib.alerts.service import AlertService, DeskSettings  # noqa: E402
from chalicelib.model import Alert, Author, Mention, parse_time  # noqa: E402
from devstack import sample  # noqa: E402

ZONE = "Europe/Amsterdam"
MANAGERS = ("sanne", "joris", "femke")
BURST_TEXTS = (
    "Storing in Amersfoort, al {n} minuten geen internet. @Voltera wanneer is dit opgelost?",
    "Weer een storing bij Voltera in Amersfoort. Thuiswerken lukt zo niet #storing",
    "Voltera internet down in Amersfoort again, outage for the whole street",
    "Geen internet in Amersfoort, storing bij Voltera? Niemand neemt op.",
)


class TimedSNS(RecordingSNS):
    """A recorder that notes the simulated minute of each message."""

    def __init__(self) -> None:
        super().__init__()
        self.now = datetime(1970, 1, 1, tzinfo=UTC)

    def publish(self, **kwargs: Any) -> dict[str, str]:
        before = len(self.delivered)
        answer = super().publish(**kwargs)
        alert_id = kwargs["MessageAttributes"].get("alert_id", {}).get("StringValue", "")
        for record in self.delivered[before:]:
            record["at"] = self.now
            record["alert_id"] = alert_id
        return answer


def service_for(on: date, kinds: tuple[str, ...]) -> tuple[AlertService, TimedSNS, Mentions]:
    sns = TimedSNS()
    service, mentions = memory_service(
        sns, on=on, handoff=time(0), timezone=ZONE, desk=DeskSettings(incident_kinds=kinds)
    )
    return service, sns, mentions


def acknowledge(service: AlertService, alert_id: str, who: str, now: datetime) -> None:
    """What the page's link leads to: the case, or the incident with all its posts."""
    alert = service.get(alert_id)
    if alert is None:
        return
    if alert.incident_id:
        alert = service.get(alert.incident_id) or alert
    if alert.kind == "incident":
        service.desk.incidents.acknowledge_all(alert, who, now)
    else:
        service.desk.acks.acknowledge_as(alert, who, now)


def demo_morning(kinds: tuple[str, ...], *, ack_at: int | None) -> dict[str, Any]:
    start = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo(ZONE)).astimezone(UTC)
    service, sns, mentions = service_for(start.date(), kinds)
    sns.now = start
    for line in (ROOT / "demo" / "posts.jsonl").read_text().splitlines():
        raw = json.loads(line)
        created = start - timedelta(minutes=raw["minutes_ago"])
        author = raw["author"]
        post = Mention(
            source=raw["source"],
            native_id=raw["id"],
            url=f"https://example.com/{raw['id']}",
            author=Author(author["id"], author["handle"], author["name"], author["followers"]),
            text=raw["text"],
            created_at=created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            received_at=start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            lang=raw.get("lang"),
        )
        judged = triage.judge(post, now=start)
        if judged.id in mentions.by_id or not triage.should_alert(judged):
            continue
        mentions.by_id[judged.id] = judged
        service.alert_for(judged, start)
    for minute in range(1, 11):
        now = start + timedelta(minutes=minute)
        sns.now = now
        if minute == ack_at:
            for record in list(sns.delivered):
                if record["recipient"] == "sanne" and record["channel"] == "sms":
                    acknowledge(service, record["alert_id"], "sanne", now)
        service.every_minute(now)
    per_person: dict[str, dict[str, int]] = {m: {"sms": 0, "email": 0} for m in MANAGERS}
    outage_sms = 0
    for record in sns.delivered:
        per_person[record["recipient"]][record["channel"]] += 1
        if record["channel"] == "sms" and record["recipient"] == "sanne":
            outage_sms += int(_about_outage(service, record["alert_id"]))
    others = [r for r in sns.delivered if r["recipient"] != "sanne"]
    return {
        "per_person": per_person,
        "outage_sms_to_sanne": outage_sms,
        "outage_messages_to_others": sum(_about_outage(service, r["alert_id"]) for r in others),
        "messages_to_others": len(others),
    }


def _about_outage(service: AlertService, alert_id: str) -> bool:
    alert = service.get(alert_id)
    if alert is None:
        return False
    if alert.kind == "incident":
        return True
    reasons = [str(r) for r in alert.card.get("reasons") or []]
    return any("outage" in r for r in reasons)


def _carries(service: AlertService, alert_id: str, posts: set[str]) -> bool:
    """A message about one of `posts`, or about an incident holding one of them."""
    if alert_id in posts:
        return True
    alert = service.get(alert_id) if alert_id.startswith("alert:incident:") else None
    return alert is not None and bool(posts & set(alert.members))


def burst_posts(on: date, count: int, seed: int = 5) -> list[Mention]:
    rng = random.Random(seed)
    begin = datetime.combine(on, time(14), tzinfo=ZoneInfo(ZONE)).astimezone(UTC)
    out = []
    for n in range(count):
        at = begin + timedelta(seconds=rng.uniform(0, 30 * 60))
        stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
        followers = int(rng.lognormvariate(5.5, 1.6))
        out.append(
            Mention(
                source="x",
                native_id=f"burst{n}",
                url=f"https://x.com/u{n}/status/burst{n}",
                author=Author(f"b{n}", f"amersfoorter{n}", f"Klant {n}", followers),
                text=rng.choice(BURST_TEXTS).format(n=rng.randint(10, 90)),
                created_at=stamp,
                received_at=stamp,
                lang=None,
            )
        )
    return out


def replay(kinds: tuple[str, ...], *, posts: int, burst: int, seed: int = 11) -> dict[str, Any]:
    on = date(2026, 11, 24)
    service, sns, mentions = service_for(on, kinds)
    rng = random.Random(seed)
    start = datetime.combine(on, time(0), tzinfo=ZoneInfo(ZONE)).astimezone(UTC)
    by_minute: dict[int, list[Mention]] = defaultdict(list)
    day = list(sample.day_of_posts(on, posts, seed=seed, timezone=ZONE, outage_hour=None))
    outage = burst_posts(on, burst)
    for post in [*day, *outage]:
        minute = int((parse_time(post.received_at) - start).total_seconds() // 60) + 1
        by_minute[minute].append(post)
    burst_ids = {f"alert:{p.id}" for p in outage}
    first_burst = min(parse_time(p.received_at) for p in outage)
    acts: dict[int, list[str]] = defaultdict(list)
    for minute in range(24 * 60 + 60):
        now = start + timedelta(minutes=minute)
        sns.now = now
        for post in by_minute.pop(minute, []):
            judged = triage.judge(post, now=now)
            if judged.id in mentions.by_id or not triage.should_alert(judged):
                mentions.by_id.setdefault(judged.id, judged)
                continue
            mentions.by_id[judged.id] = judged
            alert: Alert | None = service.alert_for(judged, now)
            if alert is None or alert.state in ("board", "held") or rng.random() > 0.9:
                continue
            acts[minute + max(1, round(rng.lognormvariate(1.1, 0.6)))].append(alert.id)
        for alert_id in acts.pop(minute, []):
            acknowledge(service, alert_id, "sanne", now)
        service.every_minute(now)
    hours: Counter[tuple[str, int]] = Counter()
    for record in sns.delivered:
        if record["channel"] == "sms":
            hours[(record["recipient"], record["at"].astimezone(ZoneInfo(ZONE)).hour)] += 1
    burst_hour = 14
    first_page = min(
        (
            r["at"]
            for r in sns.delivered
            if r["at"] >= first_burst and _carries(service, r["alert_id"], burst_ids)
        ),
        default=None,
    )
    return {
        "sms_max_per_person_hour": max(hours.values(), default=0),
        "sms_in_burst_hour": {m: hours[(m, burst_hour)] for m in MANAGERS},
        "sms_total": sum(hours.values()),
        "emails_total": sum(1 for r in sns.delivered if r["channel"] == "email"),
        "minutes_first_outage_post_to_page": (
            round((first_page - first_burst).total_seconds() / 60, 1) if first_page else None
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON line")
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--posts", type=int, default=1000)
    args = parser.parse_args(argv)
    figures: dict[str, Any] = {}
    for name, kinds in (("before", ()), ("after", ("outage",))):
        figures[name] = {
            "demo_nobody_acks": demo_morning(kinds, ack_at=None),
            "demo_sanne_acks_at_3": demo_morning(kinds, ack_at=3),
            "replay": replay(kinds, posts=args.posts, burst=args.burst),
        }
    if args.json:
        print(json.dumps(figures))
    else:
        print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
