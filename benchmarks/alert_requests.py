"""AWS requests an alert costs, through the path production runs, on moto.

    .venv/bin/python benchmarks/alert_requests.py [--events 300]

The chaos replay's harness with no injected faults and no duplicates: signed webhook
posts (40 % negative), the triage handler as Lambda's poller feeds it, one manager on
duty, the every-minute job. Every request our code makes is counted by the same hook and
attribution as `requests_budget.py`, and its write units by `write_units.WriteMeter`;
printed per alert: what storing, paging and tallying an alert asks of AWS (the `alerts`
and `digest_lists` buckets, the every-minute job's runs included): requests, of which
DynamoDB reads, and write units. `monthly_cost.py` prices these. Not a test: a figure to
compare.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ALERT_BUCKETS = ("alerts", "digest_lists")
READS = ("DynamoDB.GetItem", "DynamoDB.BatchGetItem", "DynamoDB.Query")


def measure(events: int) -> dict[str, object]:
    import boto3

    from benchmarks.requests_budget import RequestCounter, _bucket
    from benchmarks.write_units import WriteMeter
    from devstack import chaos, moto_stack

    counter = RequestCounter()
    meter = WriteMeter(_bucket)
    options = chaos.ReplayOptions(events=events, duplicate_rate=0.0, fault_rate=0.0)
    with moto_stack.local_stack("dev") as env, moto_stack.environment(env):
        hooks = boto3.DEFAULT_SESSION.events  # type: ignore[union-attr]
        hooks.register("before-call.*.*", counter)
        hooks.register("before-call.dynamodb.*", meter.before)
        hooks.register("after-call.dynamodb.*", meter.after)
        result = chaos.replay(options)
    alerts = int(result["alerts"])
    by_bucket: Counter[str] = Counter()
    for (bucket, _operation), n in counter.calls.items():
        by_bucket[bucket] += n
    per_alert = sum(by_bucket[b] for b in ALERT_BUCKETS)
    reads = sum(n for (b, op), n in counter.calls.items() if b in ALERT_BUCKETS and op in READS)
    units = sum(n for (b, _op), n in meter.units.items() if b in ALERT_BUCKETS)
    return {
        "events": events,
        "alerts": alerts,
        "pages": result["pages"],
        "requests_per_alert": round(per_alert / max(1, alerts), 1),
        "dynamodb_reads_per_alert": round(reads / max(1, alerts), 1),
        "write_units_per_alert": round(units / max(1, alerts), 1),
        "requests": sum(by_bucket.values()),
        "by_bucket": dict(by_bucket.most_common()),
        "alert_operations": {
            f"{bucket} {operation}": n
            for (bucket, operation), n in counter.calls.most_common()
            if bucket in ALERT_BUCKETS
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300)
    args = parser.parse_args(argv)
    os.environ.setdefault("LOG_LEVEL", "CRITICAL")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    figures = measure(args.events)
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
