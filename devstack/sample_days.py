"""Fill a local (moto) stack with sample days, through the real triage path.

Used by `python -m tools digest --local` and the benchmark: posts from
`sample.day_of_posts` go through `pipeline.Triage.handle_batch` in queue-sized
batches (so the counters, lists and alerts are written exactly as in Lambda), and a
simulated webcare team acknowledges and resolves most alerts through
`AlertService.acknowledge` / `resolve` with signed tokens, tallied for the digest.
Never imported by Lambda.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from chalicelib.model import Mention, parse_time
from devstack import sample

BATCH = 250  # what one Lambda invocation gets: 10 messages of 25 mentions


@dataclass
class Seeded:
    mentions: int = 0
    stored: int = 0
    alerts: list[str] = field(default_factory=list)


def set_up_team(day: date) -> None:
    """Two managers on weekly shifts, one of them on duty on `day`."""
    from chalicelib import wiring
    from chalicelib.alerts.roster.rotation import Rotation
    from chalicelib.alerts.roster.team import Manager

    team = wiring.team()
    for manager_id, name in (("sanne", "Sanne"), ("youssef", "Youssef")):
        team.add_manager(Manager(manager_id, name, email=f"{manager_id}@example.com"))
    team.set_rotation(
        Rotation(
            managers=("sanne", "youssef"),
            start=day - timedelta(days=14),
            shift_days=7,
            handoff=time(0, 0),
            timezone=wiring.settings().timezone,
        )
    )


def ingest(mentions: Iterable[Mention], *, triage_factory: Any = None) -> Seeded:
    """Run mentions through triage in batches, each at its own (simulated) time."""
    from chalicelib import intake, wiring
    from chalicelib.consumer.pipeline import Message, Triage

    s = wiring.settings()
    seeded = Seeded()
    ordered = sorted(mentions, key=lambda m: m.created_at)
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start : start + BATCH]
        at = parse_time(batch[-1].created_at) + timedelta(minutes=2)
        triage = (triage_factory or Triage)(
            mentions=wiring.mentions(),
            alerts=wiring.alerts(),
            retention=timedelta(days=s.retention_days),
            timezone=s.timezone,
            clock=functools.partial(_fixed, at),
            recorder=wiring.recorder(),
        )
        messages = [
            Message(f"m{start}-{i}", intake.encode(batch[i : i + 25]))
            for i in range(0, len(batch), 25)
        ]
        outcome = triage.handle_batch(messages)
        seeded.mentions += len(batch)
        seeded.stored += outcome.stored
        seeded.alerts += outcome.alerts
    return seeded


def _fixed(moment: datetime) -> datetime:
    return moment


def respond(alert_ids: Iterable[str], *, seed: int = 3, ack_share: float = 0.9) -> int:
    """The team at work: acknowledge most alerts within minutes, resolve most of those."""
    from chalicelib import wiring
    from chalicelib.alerts.record import links

    rng = random.Random(seed)
    key = wiring.signing_secrets().require("ack_signing_key")
    service = wiring.alerts()
    handled = 0
    for alert_id in alert_ids:
        alert = service.get(alert_id)
        if alert is None or rng.random() > ack_share:
            continue
        created = parse_time(alert.created_at)
        recipient = alert.recipient
        acked_at = created + timedelta(seconds=rng.lognormvariate(6.4, 0.8))
        token = links.make_token(key, alert_id, recipient, created.timestamp())
        service.acknowledge(alert_id, token, acked_at)
        if rng.random() < 0.75:
            resolved_at = acked_at + timedelta(seconds=rng.lognormvariate(8.2, 0.9))
            token = links.make_token(
                key, alert_id, recipient, resolved_at.timestamp() - 60, action="resolve"
            )
            service.resolve(alert_id, token, resolved_at)
        handled += 1  # the digest's tally heard of each change (alerts.events)
    return handled


def seed_week(day: date, count: int, *, brand: str, respond_share: float = 0.9) -> Seeded:
    """The day, the day before and the same weekday a week before (for comparisons)."""
    from chalicelib import wiring

    timezone = wiring.settings().timezone
    set_up_team(day)
    total = Seeded()
    for offset, share, outage in ((7, 0.85, None), (1, 0.93, None), (0, 1.0, 19)):
        when = day - timedelta(days=offset)
        posts = sample.day_of_posts(
            when, int(count * share), brand=brand, timezone=timezone, outage_hour=outage
        )
        seeded = ingest(posts)
        respond(seeded.alerts, ack_share=respond_share)
        total.mentions += seeded.mentions
        total.stored += seeded.stored
        total.alerts += seeded.alerts
    return total
