"""DynamoDB read units one digest consumes for a 100k-mention day, on moto.

The day is built as 100,000 mentions would leave it, without pushing 100,000 mentions
through moto (its transactions copy every table, so that would take hours):

* the judged mentions cycle through the benchmark corpus (labelled real posts when
  ../shared/realdata is there), with distinct ids, authors, reach and times over the day;
* their counters are summed with the digest's own `ingest.day_counts` and written as the
  items the per-mention transactions add up to (`day#<day>/stats`, `theme#...`); the
  previous day and the same day last week get the same stats (a digest compares them);
* the bounded lists get what `DayRecorder` would leave: per shard, the best `cap`
  candidates are offered through the real `TopLists.offer` (the rest would lose anyway);
  the ten best negatives get real alerts (`AlertService.alert_for` + the tally), and the
  open cases, the day's turnarounds, stories and lessons are filled to their caps, and the
  trend item to its 28 days, as a busy day that follows four weeks of others leaves them.

Then the digest fires once, through the app's `daily_digest` handler (claim, read,
render, SES), and every DynamoDB read is charged as DynamoDB charges it, from the items
actually returned: GetItem/BatchGetItem ceil(size / 4 KB) per key (a missing item still
costs 1), Query/Scan ceil(total size / 4 KB) per page; eventually consistent reads half.
Item sizes follow DynamoDB's rules (names + values, 3 bytes per map or list, 1 per
element); within a few bytes, which only matters at 4 KB boundaries.
"""

from __future__ import annotations

import base64
import math
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
DAY_MENTIONS = 100_000
UNIT = 4096


# ------------------------------------------------------------------ read units


def attribute_size(value: dict[str, Any]) -> int:
    ((kind, data),) = value.items()
    if kind == "S":
        return len(data.encode())
    if kind == "N":
        digits = len(data.lstrip("-").replace(".", "").strip("0")) or 1
        return (digits + 1) // 2 + 1
    if kind == "B":
        return len(base64.b64decode(data)) if isinstance(data, str) else len(data)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + attribute_size(v) + 1 for k, v in data.items())
    if kind == "L":
        return 3 + sum(attribute_size(v) + 1 for v in data)
    if kind in ("SS", "NS", "BS"):
        return sum(len(str(v).encode()) for v in data)
    raise ValueError(f"unknown DynamoDB type {kind}")


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


def _units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / UNIT))
    return units if consistent else units / 2


class ReadMeter:
    """botocore hooks: remember each DynamoDB request's parameters, charge its reads."""

    def __init__(self) -> None:
        self.units: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        self.items = 0
        self.largest_item = 0

    def register(self, events: Any) -> None:
        events.register("before-parameter-build.dynamodb.*", self._remember)
        events.register("after-call.dynamodb.*", self._charge)

    def unregister(self, events: Any) -> None:
        events.unregister("before-parameter-build.dynamodb.*", self._remember)
        events.unregister("after-call.dynamodb.*", self._charge)

    @staticmethod
    def _remember(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["bench_params"] = dict(params)

    def _charge(
        self, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any
    ) -> None:
        params = context.get("bench_params", {})
        operation = model.name
        if operation == "GetItem":
            self._items([parsed.get("Item")], bool(params.get("ConsistentRead")), operation)
        elif operation == "BatchGetItem":
            for table, request in params.get("RequestItems", {}).items():
                found = parsed.get("Responses", {}).get(table, [])
                unprocessed = parsed.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
                missing = len(request.get("Keys", [])) - len(found) - len(unprocessed)
                items = [*found, *([None] * max(missing, 0))]
                self._items(items, bool(request.get("ConsistentRead")), operation)
        elif operation in ("Query", "Scan"):
            sizes = [item_size(i) for i in parsed.get("Items", [])]
            self._note(sizes)
            consistent = bool(params.get("ConsistentRead"))
            self.units[operation] += _units(sum(sizes), consistent)
            self.requests[operation] += 1
        elif operation == "TransactGetItems":
            items = [r.get("Item") for r in parsed.get("Responses", [])]
            self._items(items, True, operation, factor=2)

    def _items(
        self, items: list[Any], consistent: bool, operation: str, *, factor: int = 1
    ) -> None:
        sizes = [item_size(i) if i else 0 for i in items]
        self._note(sizes)
        self.units[operation] += factor * sum(_units(s, consistent) for s in sizes)
        self.requests[operation] += 1

    def _note(self, sizes: list[int]) -> None:
        self.items += sum(1 for s in sizes if s)
        self.largest_item = max([self.largest_item, *sizes])

    def total(self) -> float:
        return sum(self.units.values())


# ------------------------------------------------------------------ the day


def judged_corpus(texts: list[str], now: datetime) -> list[Any]:
    from chalicelib import triage
    from chalicelib.model import Author, Mention, iso

    out = []
    for i, text in enumerate(texts):
        mention = Mention(
            source="x",
            native_id=f"c{i}",
            url=f"https://example.com/c{i}",
            author=Author(id=str(i), handle=f"user{i}", followers=i * 37 % 50_000),
            text=text,
            created_at=iso(now),
            received_at=iso(now),
        )
        out.append(triage.judge(mention, now=now))
    return out


def day_of_mentions(corpus: list[Any], day_start: datetime, count: int) -> Iterator[Any]:
    """`count` distinct mentions spread over the day that starts at `day_start` (local)."""
    from chalicelib.model import Author, Engagement, iso

    sources = ("x", "reddit", "generic", "feeds")
    step = 86_000 / count
    for i in range(count):
        base = corpus[i % len(corpus)]
        at = iso((day_start + timedelta(seconds=i * step)).astimezone(ZoneInfo("UTC")))
        yield base.with_(
            source=sources[i % len(sources)],
            native_id=f"day-{i}",
            url=f"https://example.com/p/{i}",
            author=Author(
                id=str(i % 30_000),
                handle=f"user{i % 30_000}",
                name=f"User {i % 30_000}",
                followers=(i * 7919) % 250_000,
            ),
            engagement=Engagement(likes=i % 50, replies=i % 9, reposts=i % 5),
            created_at=at,
            received_at=at,
        )


def _best_per_shard(
    spec: Any, candidates: dict[str, tuple[tuple[float, ...], Any]]
) -> list[tuple[str, tuple[float, ...], Any]]:
    from chalicelib.digest.toplists import TopLists

    shards: dict[int, list[tuple[tuple[float, ...], str, Any]]] = defaultdict(list)
    for key, (rank, payload) in candidates.items():
        shards[TopLists.shard(spec, key)].append((rank, key, payload))
    best = []
    for entries in shards.values():
        entries.sort(reverse=True)
        best += [(key, rank, payload) for rank, key, payload in entries[: spec.cap]]
    return best


def seed_day(day: str, mentions: Iterator[Any], timezone: str, now: datetime) -> dict[str, int]:
    """Leave the state table as triage would after storing `mentions` on `day`."""
    from chalicelib import wiring
    from chalicelib.digest import aggregates, ingest, outcomes, trends
    from chalicelib.store import keys

    state = wiring.state()
    lists = wiring.day_lists()
    stats_key = keys.day_stats(day)
    items: dict[keys.Key, Counter[str]] = defaultdict(Counter)
    negatives: dict[str, tuple[tuple[float, ...], Any]] = {}
    ambassadors: dict[str, tuple[tuple[float, ...], Any]] = {}
    negative_mentions: dict[str, Any] = {}
    themes: Counter[str] = Counter()
    count = 0
    for mention in mentions:
        count += 1
        counts = ingest.day_counts(mention, timezone)
        items[stats_key].update(counts.counts)
        for key, extra in counts.items.items():
            items[key].update(extra)
        label = aggregates.label_of(mention)
        themes.update(aggregates.counted_themes(mention))
        if label == "negative":
            rank = (float(mention.priority), float(mention.author.followers or 0))
            key = mention.id
            if key not in negatives or negatives[key][0] < rank:
                negatives[key] = (rank, mention)
        elif label == "positive":
            author = f"{mention.source}:{mention.author.id}"
            rank = (float(mention.author.followers or 0), float(ingest.engagement(mention)))
            if author not in ambassadors or ambassadors[author][0] < rank:
                ambassadors[author] = (rank, mention)
    for key, counters in items.items():
        state.put(key, dict(counters))
    stats = dict(items[stats_key])
    for back in (1, 7):
        earlier = (datetime.fromisoformat(day) - timedelta(days=back)).date().isoformat()
        state.put(keys.day_stats(earlier), stats)

    for key, rank, mention in _best_per_shard(ingest.NEGATIVES, negatives):
        lists.offer(day, ingest.NEGATIVES, key, rank, ingest.post_summary(mention))
        negative_mentions[key] = mention
    for key, rank, mention in _best_per_shard(ingest.AMBASSADORS, ambassadors):
        lists.offer(day, ingest.AMBASSADORS, key, rank, ingest.post_summary(mention))
    lists.count_many(day, ingest.THEMES, themes)  # the day's tally, as batches add to it

    # alerts: the best negatives are alerted for real; the open list fills as on a busy day
    by_rank = sorted(negatives.values(), key=lambda entry: entry[0], reverse=True)
    alerted = 0
    for _rank, mention in by_rank[:10]:
        wiring.mentions().insert(mention)  # an alert marks its stored mention
        if wiring.alerts().alert_for(mention, now) is not None:  # tallied (alerts.events)
            alerted += 1
    spec = outcomes.OPEN_CASES
    for rank, mention in by_rank[10 : 10 + spec.cap * spec.shards]:
        summary = {**ingest.post_summary(mention), "alert_id": f"alert:{mention.id}"}
        lists.offer("", spec, mention.id, rank, {**summary, "text": summary["text"][:100]})
    _fill_loop_lists(day, [m for _rank, m in by_rank], lists)
    date_ = datetime.fromisoformat(day).date()
    trends.TrendStore(state).days(
        date_, {}, lambda d: trends.figures(d, stats, {t: 50 for t in list(themes)[:12]})
    )
    return {
        "mentions": count,
        "counter_items": len(items),
        "negatives": len(negatives),
        "ambassador_candidates": len(ambassadors),
        "themes": len(themes),
        "real_alerts": alerted,
    }


def _fill_loop_lists(day: str, negatives: list[Any], lists: Any) -> None:
    """A busy day's turnarounds, stories and lessons: every list at its cap."""
    from chalicelib.digest import ingest, outcomes, trail, turnaround

    for i, mention in enumerate(negatives[: turnaround.TURNED.cap]):
        before = {**ingest.post_summary(mention), "author": trail.author_key(mention)}
        payload = {"before": before, "after": ingest.post_summary(mention), "via": "post"}
        lists.offer(day, turnaround.TURNED, trail.author_key(mention), (float(i), 1.0), payload)
    for i, mention in enumerate(negatives[: outcomes.STORIES.cap]):
        story = {
            "post": ingest.post_summary(mention),
            "outcome": "solved",
            "note": "Called back, technician booked for Friday morning" * 2,
            "lesson": "Post outage updates on the status page every 30 minutes" * 3,
            "alert_id": f"alert:{mention.id}",
            "by": "sanne",
            "ack_seconds": 240.0,
            "took_seconds": 5400.0,
        }
        lists.offer(day, outcomes.STORIES, mention.id, (2.0, float(i)), story)
    for i, mention in enumerate(negatives[: outcomes.LESSONS.cap]):
        lesson = {
            "lesson": f"Lesson {i}: " + "tell planning when arrival windows are missed " * 6,
            "theme": "network",
            "post": {**ingest.post_summary(mention), "alert_id": f"alert:{mention.id}"},
        }
        lists.offer(day, outcomes.LESSONS, f"network|{i}", (float(i),), lesson)


# ------------------------------------------------------------------ measurement


def measure(texts: list[str], *, mentions: int = DAY_MENTIONS) -> dict[str, Any]:
    import boto3

    from chalicelib import wiring
    from devstack import moto_stack

    with (
        warnings.catch_warnings(),
        moto_stack.local_stack("dev") as env,
        moto_stack.environment(env),
    ):
        warnings.simplefilter("ignore")
        wiring.reset()
        settings = wiring.settings()
        zone = ZoneInfo(settings.timezone)
        today = datetime.now(zone).date()
        day = today - timedelta(days=1)
        day_start = datetime(day.year, day.month, day.day, tzinfo=zone)
        seeded_at = day_start + timedelta(hours=23)
        corpus = judged_corpus(texts, seeded_at)
        seeded = seed_day(
            day.isoformat(),
            day_of_mentions(corpus, day_start, mentions),
            settings.timezone,
            seeded_at,
        )

        meter = ReadMeter()
        meter.register(boto3.DEFAULT_SESSION.events)
        wiring.reset()  # new clients carry the meter's hooks
        try:
            sent = _fire_digest(today, settings.digest_local_hour, zone)
        finally:
            meter.unregister(boto3.DEFAULT_SESSION.events)
            wiring.reset()
    return {
        "value": meter.total(),
        "by_operation": dict(meter.units),
        "requests": dict(meter.requests),
        "items_read": meter.items,
        "largest_item_bytes": meter.largest_item,
        "emails_sent": sent,
        "day": seeded,
    }


def _fire_digest(today: Any, hour: int, zone: ZoneInfo) -> int:
    """The hourly schedule fires at the digest hour: the app's `daily_digest` handler."""
    from chalice.test import Client

    import app
    from chalicelib.model import iso

    fire = datetime(today.year, today.month, today.day, hour, 5, tzinfo=zone)
    with Client(app.app, stage_name="local", project_dir=str(ROOT)) as client:
        event = client.events.generate_cw_event("aws.events", "Scheduled Event", {}, [])
        event["time"] = iso(fire.astimezone(ZoneInfo("UTC")))
        client.lambda_.invoke("daily_digest", event)
    return len(_sent_messages())


def _sent_messages() -> list[Any]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    from devstack.moto_stack import REGION

    return list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)
