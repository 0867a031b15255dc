"""A day of pages at any volume: the real alert service, in memory, minute by minute.

The alert service is the one Lambda runs (routing, storm control, the phone budget,
escalation, reminders, handover); only its surroundings are stand-ins, so a day of a
1M-mention month takes minutes, not hours, on moto:

- the state table is `MemoryTable` (held to the same contract as DynamoDB's, tests/unit/
  store), with its two queries indexed here for speed;
- SNS is a recorder that delivers each page as the subscriptions would: a manager's
  phone gets it when its `channels` attribute names "sms", the mailbox when "email";
- the mentions table keeps only what the alert service asks of it (status, get);
- triage is the real `triage.judge` on the synthetic sample day (devstack/sample.py).

The team acknowledges 90 % of what it is paged for after a few minutes (median ~3) and
resolves 80 % of those within about ten more; the rest escalates and reminds.
"""

from __future__ import annotations

import copy
import json
import random
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib import triage
from chalicelib.alerts.paging import sms
from chalicelib.alerts.paging.notify import Notifier
from chalicelib.alerts.record import links
from chalicelib.alerts.roster.rotation import Rotation
from chalicelib.alerts.roster.team import Manager, Team
from chalicelib.alerts.service import AlertService, DeskSettings
from chalicelib.model import Mention, parse_time
from chalicelib.store import Key, MemoryTable
from devstack import sample

KEY = "benchmark-signing-key"
TOPIC = "arn:aws:sns:eu-west-1:123456789012:alerts"


class IndexedTable(MemoryTable):
    """`MemoryTable` whose `query` and `query_index` read an index, not every item."""

    def __init__(self) -> None:
        super().__init__()
        self._by_pk: dict[str, set[Key]] = defaultdict(set)
        self._by_index: dict[str, set[Key]] = defaultdict(set)
        self._index_of: dict[Key, str] = {}

    def _reindex(self, key: Key) -> None:
        key = Key(*key)
        item = self.items.get(key)
        old = self._index_of.pop(key, None)
        if old is not None:
            self._by_index[old].discard(key)
        if item is None:
            self._by_pk[key.pk].discard(key)
            return
        self._by_pk[key.pk].add(key)
        if item.get("gsi1pk") and "gsi1sk" in item:
            self._index_of[key] = str(item["gsi1pk"])
            self._by_index[str(item["gsi1pk"])].add(key)

    def put(self, key: Key, data: Mapping[str, Any]) -> None:
        super().put(key, data)
        self._reindex(key)

    def update(self, key: Key, changes: Mapping[str, Any], **kwargs: Any) -> bool:
        done = super().update(key, changes, **kwargs)
        self._reindex(key)
        return done

    def add(self, key: Key, counts: Mapping[str, int], **kw: Any) -> dict[str, int]:
        done = super().add(key, counts, **kw)
        self._reindex(key)
        return done

    def add_up_to(self, key: Key, name: str, limit: int, **kw: Any) -> int | None:
        done = super().add_up_to(key, name, limit, **kw)
        self._reindex(key)
        return done

    def add_once(
        self, marker: Key, flags: Sequence[str], target: Key, counts: Any, **kw: Any
    ) -> bool:
        done = super().add_once(marker, flags, target, counts, **kw)
        for key in (marker, target, *(kw.get("also") or {})):
            self._reindex(key)
        return done

    def delete(self, key: Key) -> None:
        super().delete(key)
        self._reindex(key)

    def query(
        self, pk: str, sk_prefix: str = "", *, newest_first: bool = False, page: int = 0
    ) -> Iterator[dict[str, Any]]:
        found = sorted(k for k in self._by_pk.get(pk, ()) if k.sk.startswith(sk_prefix))
        for key in reversed(found) if newest_first else found:
            yield {**copy.deepcopy(self.items[key]), "pk": key.pk, "sk": key.sk}

    def query_index(self, index_pk: str, until: str | None = None) -> Iterator[dict[str, Any]]:
        found = [
            (str(self.items[k]["gsi1sk"]), k)
            for k in self._by_index.get(index_pk, ())
            if until is None or str(self.items[k]["gsi1sk"]) <= until
        ]
        for _sort, key in sorted(found):
            yield {**copy.deepcopy(self.items[key]), "pk": key.pk, "sk": key.sk}


class RecordingSNS:
    """SNS as the managers' phones and mailboxes see it."""

    def __init__(self) -> None:
        self.delivered: list[dict[str, Any]] = []

    def publish(self, **kwargs: Any) -> dict[str, str]:
        attributes = kwargs["MessageAttributes"]
        channels = json.loads(attributes["channels"]["StringValue"])
        texts = json.loads(kwargs["Message"])
        for channel in channels:
            body = texts.get(channel, texts["default"])
            measured = sms.measure(body)
            self.delivered.append(
                {
                    "channel": channel,
                    "recipient": attributes["recipient"]["StringValue"],
                    "kind": attributes["kind"]["StringValue"],
                    "subject": kwargs.get("Subject", "") if channel == "email" else "",
                    "body": body,
                    "encoding": measured.encoding,
                    "segments": measured.segments if channel == "sms" else 0,
                    "units": measured.units,
                }
            )
        return {"MessageId": str(len(self.delivered))}


class Mentions:
    """What the alert service asks of the mentions table."""

    def __init__(self) -> None:
        self.by_id: dict[str, Mention] = {}

    def set_status(self, mention_id: str, status: str) -> None:
        if mention_id in self.by_id:
            self.by_id[mention_id] = self.by_id[mention_id].with_(status=status)

    def get(self, mention_id: str) -> Mention | None:
        return self.by_id.get(mention_id)


def memory_service(
    sns: RecordingSNS,
    *,
    on: date,
    handoff: time,
    timezone: str,
    desk: DeskSettings | None = None,
) -> tuple[AlertService, Mentions]:
    """The real alert service on in-memory state: sanne on duty since the day before `on`
    (joris her backup, femke the lead), each with a phone; pages go to `sns`."""
    state = IndexedTable()
    team = Team(state)
    for number, manager in enumerate(("sanne", "joris", "femke"), start=1):
        team.add_manager(Manager(manager, manager.title(), phone=f"+316123400{number:02d}"))
    team.set_rotation(
        Rotation(("sanne", "joris"), start=on - timedelta(days=1), handoff=handoff, lead="femke")
    )
    mentions = Mentions()
    service = AlertService(
        state=state,
        mentions=mentions,  # type: ignore[arg-type]
        notifier=Notifier(sns, TOPIC),  # type: ignore[arg-type]
        team=team,
        signing_key=lambda: KEY,
        base_url="https://webcare.example.com",
        timezone=timezone,
        desk=desk or DeskSettings(),
    )
    return service, mentions


def day(
    posts: int, *, on: date, seed: int = 11, timezone: str = "Europe/Amsterdam"
) -> dict[str, Any]:
    """Pages, SMS and e-mails of one day of `posts` posts."""
    rng = random.Random(seed)
    sns = RecordingSNS()
    service, mentions = memory_service(sns, on=on, handoff=time(9), timezone=timezone)
    start = datetime.combine(on, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)
    by_minute: dict[int, list[Mention]] = defaultdict(list)
    for post in sample.day_of_posts(on, posts, seed=seed, timezone=timezone):
        minute = int((parse_time(post.received_at) - start).total_seconds() // 60) + 1
        by_minute[minute].append(post)
    acts: dict[int, list[tuple[str, str]]] = defaultdict(list)
    alerts = 0
    for minute in range(24 * 60 + 60):
        now = start + timedelta(minutes=minute)
        for post in by_minute.pop(minute, []):
            judged = triage.judge(post, now=now)
            if judged.id in mentions.by_id or not triage.should_alert(judged):
                mentions.by_id.setdefault(judged.id, judged)
                continue
            mentions.by_id[judged.id] = judged
            alert = service.alert_for(judged, now)
            if alert is None:
                continue
            alerts += 1
            if alert.state in ("board", "held") or rng.random() > 0.9:
                continue
            ack = minute + max(1, round(rng.lognormvariate(1.1, 0.6)))
            acts[ack].append((alert.id, "ack"))
            if rng.random() < 0.8:
                acts[ack + max(1, round(rng.lognormvariate(2.1, 0.7)))].append(
                    (alert.id, "resolve")
                )
        for alert_id, action in acts.pop(minute, []):
            current = service.get(alert_id)
            if current is None:
                continue
            who = current.pending_page or current.recipient
            token = links.make_token(KEY, alert_id, who, now.timestamp(), action=action)
            if action == "ack":
                service.acknowledge(alert_id, token, now)
            else:
                service.resolve(alert_id, token, now, outcome="answered")
        service.every_minute(now)
    return {"posts": posts, "alerts": alerts, "delivered": sns.delivered}
