"""AWS API requests to take 1,000 new mentions from intake to stored, on moto.

Every request a boto3 client makes is counted by a botocore `before-call` hook registered
on the default session before the app builds its clients, and attributed to the code
that made it by walking the Python stack (the innermost `chalicelib` concern wins):

* `intake`        — `Intake.enqueue` (SendMessageBatch), as a poller or a webhook calls it;
* `dedup`/`store` — `MentionStore.existing` (BatchGetItem) / `insert_many`
                    (TransactWriteItems: mentions + summed day counters);
* `queue`         — `batch.process` (DeleteMessageBatch on partial failure, DLQ sends);
* `digest_lists`  — what triage records for the digest beyond the counters (top lists);
* `setup`         — once per container: queue URLs, account id, secrets;
* `alerts`        — storing and paging alerts for negative mentions (not intake-to-stored:
                    reported beside the figure, per alert);
* `event_source`  — what Lambda's SQS event source does (ReceiveMessage and
                    DeleteMessageBatch, played here by `chalicelib.moto_stack.drain_queue`): not
                    our code's requests, though SQS bills them; reported beside the figure.

The figure is the sum of everything except `alerts` and `event_source`. The triage
handler runs as Lambda runs it: `chalice.test.Client().lambda_.invoke` with real-shaped
SQS events of up to 10 messages.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# The innermost `chalicelib` (or `devstack`) frame that names a concern decides the bucket.
_MODULES = {
    "devstack.moto_stack": "event_source",
    "chalicelib.alerts": "alerts",
    "chalicelib.digest": "digest_lists",
    "chalicelib.intake": "intake",
    "chalicelib.consumer.batch": "queue",
    "chalicelib.wiring": "setup",
    "chalicelib.secrets": "setup",
}
_STORE_FUNCTIONS = {
    "existing": "dedup",
    "lookup": "dedup",
    "insert_many": "store",
    "_insert_chunk": "store",
    "edit": "store",
}
EXCLUDED = ("alerts", "event_source")
# In the stage config only names; the app looks these up once per container (`setup`).
RESOLVED_AT_START = ("MENTIONS_QUEUE_URL", "DEAD_LETTER_QUEUE_URL", "ALERTS_TOPIC_ARN")


def _bucket(frame: Any) -> str:
    outermost = "benchmark"
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name.startswith(("chalicelib", "devstack")):
            outermost = name
            if name.startswith("chalicelib.store") and frame.f_code.co_name in _STORE_FUNCTIONS:
                return _STORE_FUNCTIONS[frame.f_code.co_name]
            for prefix, bucket in _MODULES.items():
                if name == prefix or name.startswith(prefix + "."):
                    return bucket
        frame = frame.f_back
    return f"other:{outermost}"


class RequestCounter:
    """Counts API calls per (bucket, Service.Operation)."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self.paused = False

    def __call__(self, model: Any = None, **_kwargs: Any) -> None:
        if self.paused:
            return
        operation = f"{model.service_model.service_id}.{model.name}" if model else "?"
        self.calls[(_bucket(sys._getframe(1)), operation)] += 1

    def breakdown(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for (bucket, operation), n in sorted(self.calls.items()):
            out.setdefault(bucket, {})[operation] = n
        return out

    def total(self, *, exclude: tuple[str, ...] = EXCLUDED) -> int:
        return sum(n for (bucket, _), n in self.calls.items() if bucket not in exclude)

    def bucket_total(self, bucket: str) -> int:
        return sum(n for (b, _), n in self.calls.items() if b == bucket)


def sample_mentions(texts: list[str], count: int, *, now: Any) -> list[Any]:
    """`count` distinct new mentions of one day, cycling through `texts`."""
    from chalicelib.model import Author, Engagement, Mention, iso

    sources = ("x", "reddit", "generic")
    out = []
    for i in range(count):
        at = iso(now - timedelta(seconds=20 * (i + 1)))
        out.append(
            Mention(
                source=sources[i % len(sources)],
                native_id=f"bench-{i}",
                url=f"https://example.com/{i}",
                author=Author(id=str(i % 400), handle=f"user{i % 400}", followers=i * 37 % 50_000),
                text=texts[i % len(texts)],
                created_at=at,
                received_at=at,
                engagement=Engagement(likes=i % 7, replies=i % 3),
            )
        )
    return out


class HeldAlerts:
    """Stands in for `AlertService` when alerting is out of the measurement: remembers
    which mentions would have been alerted, makes no request."""

    replies = None  # no replies: the brand's own posts answer nothing here

    def __init__(self) -> None:
        self.mentions: list[str] = []

    def alert_for(self, mention: Any, now: Any) -> None:
        self.mentions.append(mention.id)

    @contextmanager
    def batch(self) -> Iterator[None]:
        yield


@contextmanager
def _alerting(real: bool) -> Iterator[HeldAlerts | None]:
    from chalicelib import wiring

    if real:
        yield None
        return
    held = HeldAlerts()
    original = wiring.alerts

    @cache  # like the factory it replaces: `wiring.reset()` clears it
    def held_alerts() -> HeldAlerts:
        return held

    wiring.alerts = held_alerts  # type: ignore[assignment]  # triage() asks for it by name
    try:
        yield held
    finally:
        wiring.alerts = original  # type: ignore[assignment]


def measure(
    texts: list[str], *, mentions: int = 1000, poll_size: int = 100, real_alerts: bool = False
) -> dict[str, Any]:
    """Queue `mentions` new mentions in poll-sized `Intake.enqueue` calls, let the triage
    handler consume the queue, and count the requests.

    With `real_alerts=False` the alert service is a stand-in: alerting is not part of
    intake-to-stored, and on moto it is slow.
    """
    from benchmarks.write_units import WriteMeter
    from devstack import moto_stack

    counter = RequestCounter()
    meter = WriteMeter(_bucket)
    with moto_stack.local_stack("dev") as env:
        # as deployed: the stage config names queues and topic; URLs are looked up
        app_env = {k: v for k, v in env.items() if k not in RESOLVED_AT_START}
        with moto_stack.environment(app_env), _alerting(real_alerts) as held:
            result = _run(texts, env, counter, meter, mentions=mentions, poll_size=poll_size)
    alerts = counter.bucket_total("alerts")
    return {
        "requests": counter.total(),
        "per_1000": round(counter.total() * 1000 / mentions, 1),
        # the same without the digest's top-list upkeep: queueing, dedup, storing alone
        "core_per_1000": round(
            counter.total(exclude=(*EXCLUDED, "digest_lists")) * 1000 / mentions, 1
        ),
        "mentions": mentions,
        "poll_size": poll_size,
        **result,
        "alert_requests": alerts,
        "alerts_held": len(held.mentions) if held is not None else None,
        "event_source_requests": counter.bucket_total("event_source"),
        "breakdown": counter.breakdown(),
        # DynamoDB write units, billed as on-demand (transactions twice, the index's copy)
        "write_units_per_1000": round(meter.total(exclude=EXCLUDED) * 1000 / mentions, 1),
        "write_units_breakdown": meter.breakdown(),
    }


def _run(
    texts: list[str],
    env: dict[str, str],
    counter: RequestCounter,
    meter: Any,
    *,
    mentions: int,
    poll_size: int,
) -> dict[str, int]:
    import boto3

    from chalicelib import wiring

    wiring.reset()
    events = boto3.DEFAULT_SESSION.events  # the clients the app builds from now on copy it
    events.register("before-call.*.*", counter)
    events.register("before-call.dynamodb.*", meter.before)
    events.register("after-call.dynamodb.*", meter.after)
    try:
        return _drive(texts, env, counter, meter, mentions=mentions, poll_size=poll_size)
    finally:
        events.unregister("before-call.*.*", counter)
        events.unregister("before-call.dynamodb.*", meter.before)
        events.unregister("after-call.dynamodb.*", meter.after)
        wiring.reset()


def _drive(
    texts: list[str],
    env: dict[str, str],
    counter: RequestCounter,
    meter: Any,
    *,
    mentions: int,
    poll_size: int,
) -> dict[str, int]:
    from chalice.test import Client

    import app  # after the environment: the queue name is read at import
    from chalicelib import wiring
    from chalicelib.model import utc_now
    from devstack import moto_stack

    batch = sample_mentions(texts, mentions, now=utc_now())
    intake = wiring.intake()
    for start in range(0, len(batch), poll_size):
        intake.enqueue(batch[start : start + poll_size])
    with Client(app.app, stage_name="local", project_dir=str(ROOT)) as client:
        drained = moto_stack.drain_queue(
            client.lambda_.invoke, wiring.aws.sqs(), env["MENTIONS_QUEUE_URL"]
        )
        counter.paused = meter.paused = True  # what follows is the benchmark checking
        stored = _count_stored(wiring.aws.dynamodb(), env["MENTIONS_TABLE"])
        webhook = _webhook_intake(client, texts, env, counter, posts=mentions)
    return {
        "stored": stored,
        "messages": drained["messages"],
        "invocations": drained["batches"],
        "failed_invocations": drained["failed_batches"],
        "webhook_intake": webhook,
    }


def _webhook_intake(
    client: Any, texts: list[str], env: dict[str, str], counter: RequestCounter, *, posts: int
) -> dict[str, int]:
    """The other way in: `posts` new posts to POST /webhooks/generic, 100 a request (its
    maximum), each request signed. Only the intake side is counted (the secret is read
    once per container; each request queues its posts in one SendMessageBatch)."""
    import json

    import boto3

    from chalicelib.sources.signing import hex_signature

    secrets = boto3.client("secretsmanager", region_name=env.get("AWS_REGION"))
    secret = json.loads(secrets.get_secret_value(SecretId=env["SECRETS_ID"])["SecretString"])[
        "generic_webhook_secret"
    ]
    before = Counter(counter.calls)
    counter.paused = False
    accepted = 0
    for start in range(0, posts, 100):
        body = json.dumps(
            [
                {
                    "id": f"hook-{i}",
                    "text": texts[i % len(texts)],
                    "url": f"https://example.com/hook/{i}",
                    "created_at": "2026-11-22T08:15:00Z",
                    "author": {"id": str(i % 400), "handle": f"user{i % 400}"},
                }
                for i in range(start, min(start + 100, posts))
            ]
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Signature-256": hex_signature(secret, body),
        }
        response = client.http.post("/webhooks/generic", headers=headers, body=body)
        accepted += len(json.loads(response.body).get("ids", []))
    counter.paused = True
    calls = counter.calls - before
    counter.calls = before  # reported on its own, not in the poll-path figure
    return {
        "posts": posts,
        "accepted": accepted,
        "requests": sum(calls.values()),
        **{f"{bucket}:{operation}": n for (bucket, operation), n in sorted(calls.items())},
    }


def _count_stored(dynamodb: Any, table: str) -> int:
    total = 0
    kwargs: dict[str, Any] = {"TableName": table, "Select": "COUNT"}
    while True:
        page = dynamodb.scan(**kwargs)
        total += page["Count"]
        if "LastEvaluatedKey" not in page:
            return total
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
