"""Benchmark (not a test): the digest of a synthetic 100k-mention day, on moto.

    .venv/bin/python -m benchmarks.digest_bench [--posts 100000] [--no-mentions-table]

1. Builds three days (the day, the day before, the same weekday a week before) of
   `--posts` synthetic posts each (chalicelib/digest/sample.py). Every post is judged by
   the real triage (`triage.judge`) and goes through the same aggregate functions the
   pipeline calls: `ingest.day_counts` (the counters of the mention's transaction, with
   the minus->plus trail), `DayRecorder.after_insert` (the bounded lists, turnarounds),
   `AlertTally.sync` with the case log (alert outcomes; 90 % of alerts acknowledged, 75 %
   of those resolved with an outcome, a third of them with a lesson). They run against an
   in-memory copy of the state table: moto's TransactWriteItems deep-copies whole
   tables per item, which makes 300k transactions quadratic. Exactly-once is what the
   tests check; this measures the reading side.
2. Loads the resulting items (and, unless `--no-mentions-table`, the 100k mention items
   of the day) into moto's tables, deployed from infra/template.yaml.
3. Runs the digest as the hourly schedule does (claim, read, render, send with SES),
   counting every DynamoDB request the digest makes with a botocore hook. The first
   digest fills the 28-day trend item from the days' stats (one read per day it has not
   seen); `steady` is the same digest read again, as every later morning reads it.

Read units: moto reports a fixed ConsumedCapacity, so they are computed from the
items each response returns, with DynamoDB's rules: item size = attribute names +
values (numbers ~1 byte per 2 digits + 1, maps/lists 3 bytes + 1 per element);
GetItem = ceil(size / 4 KB) strongly consistent, at least 1 (a missing item costs 1
too); Query = ceil(sum of sizes / 4 KB), halved when eventually consistent (GSIs).
Memory: tracemalloc's peak while the digest runs (what the Lambda would hold), and the
whole process's max RSS (which includes moto and every item it stores).

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.store import MemoryTable

BENCH_DAY = date(2026, 11, 22)
OUTCOMES = ("answered", "solved", "turned_positive", "handed_over", "no_action")
LESSONS = tuple(f"Lesson {i}: tell the team that owns this before customers ask" for i in range(40))


# ------------------------------------------------------------------ item sizes, read units


def attr_size(value: Mapping[str, Any]) -> int:
    ((kind, data),) = value.items()
    if kind == "S":
        return len(data.encode())
    if kind == "N":
        digits = len(str(Decimal(data)).replace("-", "").replace(".", "").lstrip("0")) or 1
        return min(21, math.ceil(digits / 2) + 1)
    if kind == "B":
        return len(data)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + attr_size(v) for v in data)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + attr_size(v) for k, v in data.items())
    if kind in ("SS", "NS", "BS"):
        return sum(len(str(v).encode()) for v in data)
    raise ValueError(kind)


def item_size(item: Mapping[str, Any]) -> int:
    return sum(len(name.encode()) + attr_size(value) for name, value in item.items())


class ReadMeter:
    """Counts DynamoDB requests and computes their read units from the returned items."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.units: Counter[str] = Counter()
        self.items = 0
        self.bytes = 0

    def __call__(self, *, http_response: Any, parsed: Mapping[str, Any], model: Any, **_: Any):
        del http_response
        op = model.name
        self.requests[op] += 1
        if op == "GetItem":
            size = item_size(parsed.get("Item") or {})
            self.units[op] += max(1, math.ceil(size / 4096))
            self.items += 1 if parsed.get("Item") else 0
            self.bytes += size
        elif op == "Query":
            sizes = [item_size(i) for i in parsed.get("Items", [])]
            consistent = self._last_consistent
            units = max(1, math.ceil(sum(sizes) / 4096))
            self.units[op] += units if consistent else units / 2
            self.items += len(sizes)
            self.bytes += sum(sizes)
        elif op == "BatchGetItem":
            for items in parsed.get("Responses", {}).values():
                for i in items:
                    size = item_size(i)
                    self.units[op] += max(1, math.ceil(size / 4096))
                    self.items += 1
                    self.bytes += size

    _last_consistent = True

    def before(self, *, params: Mapping[str, Any], model: Any, **_: Any) -> None:
        if model.name == "Query":
            self._last_consistent = bool(params.get("ConsistentRead")) and not params.get(
                "IndexName"
            )

    def total(self) -> float:
        return float(sum(self.units.values()))


# ------------------------------------------------------------------ building the days


def build_day(
    day: date,
    posts: int,
    state: MemoryTable,
    *,
    timezone: str,
    outage: int | None,
    keep: list[Any] | None,
) -> dict[str, int]:
    from chalicelib import triage
    from chalicelib.digest.ingest import DayRecorder, day_counts
    from chalicelib.digest.outcomes import CaseLog
    from chalicelib.digest.tally import AlertTally
    from chalicelib.digest.toplists import TopLists
    from chalicelib.digest.turnaround import Turnarounds
    from chalicelib.model import Alert, alert_id_for, iso, parse_time
    from chalicelib.store import keys
    from devstack import sample

    lists = TopLists(state)
    turnarounds = Turnarounds(state, lists, timezone=timezone)
    cases = CaseLog(state, lists, timezone=timezone, turnarounds=turnarounds)
    tally = AlertTally(state, lists, mentions=None, timezone=timezone, cases=cases)  # type: ignore[arg-type]
    recorder = DayRecorder(state, lists, timezone, turnarounds=turnarounds)
    seen: set[str] = set()
    counts = Counter()
    rng = random.Random(f"acks-{day}")
    for post in sample.day_of_posts(day, posts, timezone=timezone, outage_hour=outage):
        at = parse_time(post.received_at)
        judged = triage.judge(post, now=at)
        counts["delivered"] += 1
        if judged.id in seen:  # duplicate: the transaction is refused, the lists re-offered
            counts["duplicates"] += 1
            recorder.after_insert(judged, new=False)
            continue
        seen.add(judged.id)
        dc = day_counts(judged, timezone)
        state.add(keys.day_stats(dc.day), dc.counts)
        for key, c in dc.items.items():
            state.add(key, c)
        counts["stored"] += 1
        if keep is not None:
            keep.append(judged)
        recorder.after_insert(judged, new=True)
        if not triage.should_alert(judged):
            continue
        created = at + timedelta(seconds=20)
        alert = Alert(
            id=alert_id_for(judged.id),
            kind="mention",
            recipient="sanne",
            created_at=iso(created),
            subject=f"Negative post on {judged.source} by @{judged.author.handle}",
            body=(f"{judged.text}\n\n" + "Reach, priority, reasons and links. " * 20)[:1200],
            sms=judged.text[:150],
            mention_id=judged.id,
            priority=judged.priority,
        )
        state.put(keys.alert(alert.id), alert.to_dict())
        tally.sync(alert, judged)
        counts["alerts"] += 1
        if rng.random() < 0.9:
            acked = created + timedelta(seconds=rng.lognormvariate(6.4, 0.8))
            alert = alert.with_(
                state="acknowledged", acknowledged_at=iso(acked), acknowledged_by="sanne"
            )
            if rng.random() < 0.75:
                resolved = acked + timedelta(seconds=rng.lognormvariate(8.2, 0.9))
                outcome = rng.choice(OUTCOMES)
                lesson = rng.choice(LESSONS) if rng.random() < 0.33 else None
                alert = alert.with_(
                    state="resolved",
                    resolved_at=iso(resolved),
                    outcome=outcome,
                    resolution_note="Called back, fixed it together.",
                    lesson=lesson,
                    lesson_theme=rng.choice(("network", "billing", "app")) if lesson else None,
                )
            state.update(keys.alert(alert.id), alert.to_dict())
            tally.sync(alert, judged)
    return dict(counts)


def load(client: Any, table: str, items: Iterable[Mapping[str, Any]]) -> int:
    batch: list[dict[str, Any]] = []
    n = 0
    for item in items:
        batch.append({"PutRequest": {"Item": item}})
        if len(batch) == 25:
            n += _write(client, table, batch)
            batch = []
    if batch:
        n += _write(client, table, batch)
    return n


def _write(client: Any, table: str, batch: list[dict[str, Any]]) -> int:
    pending = {table: batch}
    while pending:
        pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    return len(batch)


# ------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000, help="posts per day")
    parser.add_argument("--no-mentions-table", action="store_true")
    args = parser.parse_args(argv)

    os.environ["LOG_LEVEL"] = "ERROR"
    from chalicelib import aws, logs, wiring
    from chalicelib.store import MemoryTable, keys, to_item
    from chalicelib.store.mentions import mention_item
    from devstack import moto_stack
    from devstack.sample import moment_in

    logs.configure("ERROR")
    started = time.time()
    with moto_stack.local_stack("dev") as env:
        os.environ.update(env)
        wiring.reset()
        settings = wiring.settings()
        tz = settings.timezone
        state = MemoryTable()
        mentions: list[Any] = []
        built = {}
        for offset, outage in ((7, None), (1, None), (0, 19)):
            day = BENCH_DAY - timedelta(days=offset)
            keep = mentions if offset == 0 else None
            built[day.isoformat()] = build_day(
                day, args.posts, state, timezone=tz, outage=outage, keep=keep
            )
        build_seconds = time.time() - started

        db = aws.dynamodb()
        state_items = [
            to_item({**data, "pk": key.pk, "sk": key.sk}) for key, data in state.items.items()
        ]
        load(db, settings.state_table, state_items)
        mention_items = [mention_item(m, BENCH_DAY.isoformat()) for m in mentions]
        day_bytes = sum(item_size(i) for i in mention_items)
        if not args.no_mentions_table:
            load(db, settings.mentions_table, mention_items)
        del mention_items, mentions
        load_seconds = time.time() - started - build_seconds

        meter = ReadMeter()
        db.meta.events.register("before-call.dynamodb.*", meter.before)
        db.meta.events.register("after-call.dynamodb.*", meter)
        service = wiring.digest()
        morning = moment_in(BENCH_DAY + timedelta(days=1), settings.digest_local_hour).replace(
            minute=5
        )
        tracemalloc.start()
        t0 = time.perf_counter()
        result = service.run(morning)
        digest_seconds = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db.meta.events.unregister("before-call.dynamodb.*", meter.before)
        db.meta.events.unregister("after-call.dynamodb.*", meter)
        steady = ReadMeter()
        db.meta.events.register("before-call.dynamodb.*", steady.before)
        db.meta.events.register("after-call.dynamodb.*", steady)
        service.preview(BENCH_DAY)  # what every later morning reads: the trend item is there

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    day_stats = state.items[keys.day_stats(BENCH_DAY.isoformat())]
    report = {
        "date": "2026-11-23",
        "day": BENCH_DAY.isoformat(),
        "mentions_on_the_day": day_stats["total"],
        "built": built,
        "state_items": len(state.items),
        "digest": {
            "sent": result.sent,
            "subject": result.subject,
            "read_units": meter.total(),
            "read_units_steady": steady.total(),
            "requests_steady": dict(steady.requests),
            "read_units_by_operation": dict(meter.units),
            "requests": dict(meter.requests),
            "items_read": meter.items,
            "kb_read": round(meter.bytes / 1024, 1),
            "peak_traced_mb": round(peak / 2**20, 2),
            "seconds_on_moto": round(digest_seconds, 2),
        },
        "goal": {"read_units": 100, "memory_mb": 256},
        "reading_the_day_instead": {
            "mention_items_kb": round(day_bytes / 1024),
            "read_units_eventually_consistent_query": math.ceil(day_bytes / 4096 / 2),
        },
        "process_max_rss_mb_incl_moto_and_data": round(rss),
        "seconds": {"build": round(build_seconds), "load": round(load_seconds)},
        "mentions_table_loaded": not args.no_mentions_table,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    ok = meter.total() <= 100 and peak <= 256 * 2**20 and result.sent
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
