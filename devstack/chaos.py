"""Fault injection for boto3 clients, and the chaos replay (`python -m tools replay`).

`Faults` makes AWS calls fail the way AWS does, through botocore's event hooks, so the
code under test runs unchanged:

* ``before-call.<service>.<Operation>``: raise the service's own `ClientError`
  (throttling, 5xx, a cancelled transaction with its `CancellationReasons`);
* ``after-call``: turn a BatchGetItem answer into `UnprocessedKeys`;
* ``before-parameter-build`` + ``after-call``: SendMessageBatch with some entries
  not sent and reported in `Failed` (what SQS answers on a partial failure).

An injected error happens after botocore's own retries (the hook sits above them): it
stands for a fault that outlasted them. Rules are explicit (`fail`: "the next n calls
of X") or random (`chaos`: each faultable call fails with a seeded probability).

The replay drives the local pipeline (moto, `devstack.moto_stack`) the way production
traffic would: signed webhooks (a sender retries on 5xx), a few poison messages, the
triage handler fed by `moto_stack.drain_queue` until the queue is empty (failed records
come back until the redrive policy moves them to the dead-letter queue), then the
every-minute alerts job. It prints one JSON line: accepted, stored, in_dlq,
duplicate_mentions, duplicate_alerts, lost, and the detail behind them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.exceptions import ClientError

# service -> operation -> (error code, HTTP status) injected by `chaos`
CHAOS_OPERATIONS: dict[str, dict[str, tuple[str, int]]] = {
    "dynamodb": {
        "TransactWriteItems": ("TransactionCanceledException", 400),
        "BatchGetItem": ("ProvisionedThroughputExceededException", 400),
        "GetItem": ("ThrottlingException", 400),
        "PutItem": ("InternalServerError", 500),
        "UpdateItem": ("ProvisionedThroughputExceededException", 400),
        "Query": ("InternalServerError", 500),
    },
    "sns": {"Publish": ("InternalError", 500)},
    "sqs": {
        "SendMessageBatch": ("ServiceUnavailable", 503),
        "SendMessage": ("ServiceUnavailable", 503),
        "DeleteMessageBatch": ("InternalError", 500),
    },
}


def client_error(
    client: Any, operation: str, code: str, status: int = 400, **extra: Any
) -> Exception:
    """The exception `client` raises for `code`: its modelled class when it has one."""
    response: dict[str, Any] = {
        "Error": {"Code": code, "Message": f"injected fault: {code}"},
        "ResponseMetadata": {"HTTPStatusCode": status, "RetryAttempts": 0},
        **extra,
    }
    try:
        error_class = client.exceptions.from_code(code)
    except AttributeError:
        error_class = ClientError
    error: Exception = error_class(response, operation)
    return error


def cancelled_transaction(
    client: Any, params: dict[str, Any], reason: str = "ThrottlingError"
) -> Exception:
    """TransactWriteItems cancelled for `reason` on its first item (as DynamoDB reports it)."""
    count = len(params.get("TransactItems", []))
    reasons = [{"Code": reason}] + [{"Code": "None"}] * (count - 1)
    return client_error(
        client,
        "TransactWriteItems",
        "TransactionCanceledException",
        400,
        CancellationReasons=reasons,
    )


Predicate = Callable[[dict[str, Any]], bool]


@dataclass
class Rule:
    service: str
    operation: str
    times: int  # calls still to fail; < 0: every call
    make: Callable[[Any, dict[str, Any]], Exception]
    when: Predicate | None = None


@dataclass
class Faults:
    """Error injection on boto3 clients. Attach clients, then add rules or chaos."""

    rng: random.Random = field(default_factory=lambda: random.Random(0))
    rate: float = 0.0
    enabled: bool = True
    rules: list[Rule] = field(default_factory=list)
    injected: Counter[str] = field(default_factory=Counter)
    unprocessed_batches: int = 0  # BatchGetItem answers to turn into UnprocessedKeys
    partial_sends: int = 0  # SendMessageBatch calls to answer with one entry Failed
    _attached: list[tuple[Any, str, Callable[..., Any]]] = field(default_factory=list)

    # ------------------------------------------------------------ wiring

    def attach(self, client: Any) -> Any:
        service = client.meta.service_model.service_name
        hooks = [
            (f"before-call.{_event_name(client)}", self._hook_before_call(client, service)),
            (f"after-call.{_event_name(client)}", self._hook_after_call(service)),
            (f"before-parameter-build.{_event_name(client)}", self._hook_parameters(service)),
        ]
        for event, handler in hooks:
            client.meta.events.register(event, handler)
            self._attached.append((client, event, handler))
        return client

    def detach(self) -> None:
        for client, event, handler in self._attached:
            client.meta.events.unregister(event, handler)
        self._attached.clear()

    # ------------------------------------------------------------ rules

    def fail(
        self,
        service: str,
        operation: str,
        *,
        times: int = 1,
        code: str = "InternalError",
        status: int = 500,
        when: Predicate | None = None,
    ) -> Faults:
        """The next `times` calls of `operation` (matching `when`) raise `code`."""

        def make(client: Any, params: dict[str, Any]) -> Exception:
            if operation == "TransactWriteItems" and code == "TransactionCanceledException":
                return cancelled_transaction(client, params)
            return client_error(client, operation, code, status)

        self.rules.append(Rule(service, operation, times, make, when))
        return self

    def chaos(self, rate: float, rng: random.Random) -> Faults:
        """Each call of an operation in `CHAOS_OPERATIONS` fails with probability `rate`."""
        self.rate = rate
        self.rng = rng
        return self

    @contextmanager
    def paused(self) -> Iterator[None]:
        enabled, self.enabled = self.enabled, False
        try:
            yield
        finally:
            self.enabled = enabled

    # ------------------------------------------------------------ hooks

    def _hook_before_call(self, client: Any, service: str) -> Callable[..., Any]:
        def before_call(model: Any, params: Any, context: Any = None, **_: Any) -> Any:
            answer = (context or {}).pop("chaos_answer", None)
            if answer is not None:
                return AWSResponse("https://injected", 200, HTTPHeaders(), None), answer
            if not self.enabled:
                return None
            operation = model.name
            api_params = _api_params(params)
            for rule in self.rules:
                if rule.service != service or rule.operation != operation or rule.times == 0:
                    continue
                if rule.when is not None and not rule.when(api_params):
                    continue
                if rule.times > 0:
                    rule.times -= 1
                self.injected[f"{service}.{operation}"] += 1
                raise rule.make(client, api_params)
            known = CHAOS_OPERATIONS.get(service, {}).get(operation)
            if known and self.rate and self.rng.random() < self.rate:
                code, status = known
                self.injected[f"{service}.{operation}"] += 1
                if code == "TransactionCanceledException":
                    raise cancelled_transaction(client, api_params)
                raise client_error(client, operation, code, status)
            return None

        return before_call

    def _hook_parameters(self, service: str) -> Callable[..., None]:
        def before_parameter_build(
            params: dict[str, Any], model: Any, context: Any, **_: Any
        ) -> None:
            if not (self.enabled and service == "sqs" and model.name == "SendMessageBatch"):
                return
            entries = params.get("Entries") or []
            if self.partial_sends <= 0 or not entries:
                return
            self.partial_sends -= 1
            self.injected["sqs.SendMessageBatch.partial"] += 1
            context["chaos_dropped"] = [entries[-1]["Id"]]
            if len(entries) > 1:
                params["Entries"] = entries[:-1]
            else:  # nothing left to send: answer without calling SQS (see before_call)
                context["chaos_answer"] = {"Successful": [], "Failed": []}

        return before_parameter_build

    def _hook_after_call(self, service: str) -> Callable[..., None]:
        def after_call(parsed: dict[str, Any], model: Any, context: Any, **_: Any) -> None:
            dropped = (context or {}).pop("chaos_dropped", None)
            if dropped:
                parsed.setdefault("Failed", []).extend(
                    {"Id": i, "SenderFault": False, "Code": "InternalError"} for i in dropped
                )
            if (
                self.enabled
                and service == "dynamodb"
                and model.name == "BatchGetItem"
                and self.unprocessed_batches > 0
            ):
                self.unprocessed_batches -= 1
                self.injected["dynamodb.BatchGetItem.unprocessed"] += 1
                _answer_unprocessed(parsed, context)

        return after_call


def _event_name(client: Any) -> str:
    return str(client.meta.service_model.service_id.hyphenize())


def _api_params(params: Any) -> dict[str, Any]:
    """`before-call` hands over the serialised request; give predicates the API parameters."""
    body = params.get("body") if isinstance(params, dict) else None
    if isinstance(body, dict):
        return body
    if isinstance(body, bytes | str) and body:
        try:
            data = json.loads(body)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
    return {}


def _answer_unprocessed(parsed: dict[str, Any], context: Any) -> None:
    """Move every item found back into UnprocessedKeys (DynamoDB under pressure)."""
    for table, items in (parsed.get("Responses") or {}).items():
        if not items:
            continue
        keys = parsed.setdefault("UnprocessedKeys", {}).setdefault(table, {"Keys": []})
        keys["Keys"].extend({"id": item["id"]} for item in items if "id" in item)
        parsed["Responses"][table] = []


# ====================================================================== the replay

NEGATIVE = [
    "Worst service ever, three days without internet and nobody helps. I am furious!",
    "Already two weeks waiting for my refund, terrible customer service. Cancelling today.",
    "Your app crashed again and I was charged twice. Absolutely unacceptable.",
    "Slechtste klantenservice ooit, al drie dagen geen internet en niemand helpt. Ik ben woedend!",
    "Al twee weken wachten op mijn terugbetaling, echt schandalig. Ik zeg mijn abonnement op.",
    "De storing duurt nu al de hele dag en de helpdesk neemt niet op. Belachelijk!",
]
NEUTRAL = [
    "Does anyone know when the new pricing starts?",
    "Weet iemand hoe laat de winkel in Utrecht opengaat?",
    "Switched my plan this morning, let's see how it goes.",
    "Vandaag mijn nieuwe modem opgehaald.",
]
POSITIVE = [
    "Great help from the support team today, thanks a lot!",
    "Super snelle hulp van de webcare, echt top! Dank jullie wel.",
    "Love the new app, works perfectly.",
    "Wat een fijne service, binnen een uur opgelost. Bedankt!",
]


@dataclass(frozen=True)
class ReplayOptions:
    events: int = 1000
    duplicate_rate: float = 0.3
    shuffle: bool = True
    fault_rate: float = 0.05
    poison_rate: float = 0.002
    seed: int = 7
    drain_every: int = 100
    sender_retries: int = 10


def build_posts(options: ReplayOptions, now: datetime, rng: random.Random) -> list[dict[str, Any]]:
    """The deliveries: unique posts plus re-sent copies of some, in order or shuffled."""
    unique = max(1, round(options.events * (1 - options.duplicate_rate)))
    posts = []
    for n in range(unique):
        kind = rng.choices(("neg", "neu", "pos"), weights=(4, 3, 3))[0]
        text = rng.choice({"neg": NEGATIVE, "neu": NEUTRAL, "pos": POSITIVE}[kind])
        author = rng.randrange(500)
        posts.append(
            {
                "id": f"chaos-{n}",
                "text": f"{text} #{n}",
                "url": f"https://forum.example.com/t/chaos-{n}",
                "created_at": (now - timedelta(minutes=rng.randrange(1, 300))).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),
                "author": {
                    "id": f"u{author}",
                    "handle": f"user{author}",
                    "name": f"User {author}",
                    "followers": rng.choice((12, 150, 2_000, 25_000, 120_000)),
                },
            }
        )
    deliveries = posts + [rng.choice(posts) for _ in range(options.events - unique)]
    if options.shuffle:
        rng.shuffle(deliveries)
    return deliveries


def replay(options: ReplayOptions) -> dict[str, Any]:
    """Run the replay on moto (the caller has entered `moto_stack.local_stack`)."""
    from devstack import moto_stack

    with moto_stack.at_scale():
        return _replay(options)


def _replay(options: ReplayOptions) -> dict[str, Any]:
    import boto3
    from chalice.test import Client

    from chalicelib import aws, wiring
    from chalicelib.alerts.roster.policy import Policy
    from chalicelib.alerts.roster.rotation import Rotation
    from chalicelib.alerts.roster.team import Manager
    from chalicelib.sources.signing import hex_signature
    from devstack import moto_stack

    started = time.monotonic()
    rng = random.Random(options.seed)
    wiring.reset()
    import app as app_module

    settings = wiring.settings()
    infra_sqs = boto3.client("sqs")  # Lambda's event source and the test harness: no faults
    inbox_url = _subscribe_manager(infra_sqs, wiring, Manager, Rotation, Policy, settings)
    secret = wiring.secrets().require("generic_webhook_secret")

    faults = Faults().chaos(options.fault_rate, random.Random(options.seed + 1))
    for service in ("dynamodb", "sns", "sqs"):
        faults.attach(getattr(aws, service)())

    now = datetime.now(UTC)
    deliveries = build_posts(options, now, rng)
    accepted: set[str] = set()
    rejected: Counter[str] = Counter()
    refused = 0
    poison_sent = 0
    figures: Counter[str] = Counter()
    with Client(app_module.app, stage_name="local", project_dir=str(moto_stack.ROOT)) as client:

        def drain() -> None:
            counts = moto_stack.drain_queue(
                client.lambda_.invoke, infra_sqs, settings.queue_url, max_rounds=10**6
            )
            figures.update(counts)

        for n, post in enumerate(deliveries, start=1):
            body = json.dumps(post).encode()
            headers = {
                "Content-Type": "application/json",
                "X-Signature-256": hex_signature(secret, body),
            }
            for _attempt in range(options.sender_retries):
                response = client.http.post("/webhooks/generic", headers=headers, body=body)
                if response.status_code == 202:
                    accepted.add(f"generic:{post['id']}")
                    break
                if 400 <= response.status_code < 500:  # refused with a reason: not retried
                    reason = json.loads(response.body).get("error", "")
                    rejected[reason.split(":")[-1].split(" is ")[0].strip()[:40]] += 1
                    break
                figures[f"webhook_{response.status_code}"] += 1
            else:
                refused += 1
            if rng.random() < options.poison_rate:
                infra_sqs.send_message(
                    QueueUrl=settings.queue_url, MessageBody=_poison(rng, now, poison_sent)
                )
                poison_sent += 1
            if n % options.drain_every == 0:
                drain()
            if n % 500 == 0:
                elapsed = time.monotonic() - started
                print(f"replay: {n} deliveries, {elapsed:.0f} s", file=sys.stderr, flush=True)
        drain()
        minute_jobs(client, figures)
        pages: Counter[str] = Counter()
        result = measure(settings, accepted, _read_pages(infra_sqs, inbox_url, pages))

        # recovery without a person: the redrive schedule runs (the faults go on), its
        # back-off waits pass, triage drains what it sent back, the minute job pages
        from chalicelib.consumer import dead_letters

        at = datetime.now(UTC)

        def dead_letters_left() -> int:
            # hidden ones too: a letter a faulted run read stays hidden for PEEK_SECONDS of
            # real time, minutes of the replay's simulated hours (was: visible only, so the
            # recovery could stop with letters left; issue 25)
            attributes = infra_sqs.get_queue_attributes(
                QueueUrl=settings.dead_letter_queue_url,
                AttributeNames=[
                    "ApproximateNumberOfMessages",
                    "ApproximateNumberOfMessagesNotVisible",
                ],
            )["Attributes"]
            return sum(int(value) for value in attributes.values())

        # the back-off's steps, then (as the schedule goes on running) up to three more
        # hours while the dead-letter queue still holds something
        waits = [*dead_letters.BACKOFF, 3600, 3600, 3600, 3600]
        for step, wait in enumerate(waits):
            if step > len(dead_letters.BACKOFF) and not dead_letters_left():
                break
            at += timedelta(seconds=wait + 60)
            event = client.events.generate_cw_event("aws.events", "Scheduled Event", {}, [])
            event["time"] = at.strftime("%Y-%m-%dT%H:%M:%SZ")
            try:
                client.lambda_.invoke("redrive_dead_letters", event)
            except Exception:  # a faulted run: the next one picks it up
                figures["redrive_job_failed"] += 1
            drain()
            minute_jobs(client, figures, rounds=2)  # each run reads every open case
            figures["recovery_steps"] += 1
        faults.enabled = False  # (only so that the last pages are read back)
        minute_jobs(client, figures)
        after = measure(settings, accepted, _read_pages(infra_sqs, inbox_url, pages))
    faults.detach()
    result.update(
        events=options.events,
        refused_by_webhook=refused,
        poison_sent=poison_sent,
        faults_injected=sum(faults.injected.values()),
        fault_detail=dict(sorted(faults.injected.items())),
        triage_batches=figures["batches"],
        failed_batches=figures["failed_batches"],
        recovery_steps=figures["recovery_steps"],
        webhook_503=figures["webhook_503"],
        rejected_with_reason=dict(sorted(rejected.items())),
        after_recovery=_headline(after),
        seed=options.seed,
        seconds=round(time.monotonic() - started, 1),
    )
    return result


HEADLINE = (
    "stored",
    "in_dlq",
    "quarantined",
    "duplicate_mentions",
    "duplicate_alerts",
    "lost",
    "alerts",
    "pages",
    "incident_messages",
    "alerts_missing",
    "alerts_unpaged",
    "alerts_on_board",
    "dlq_messages",
    "poison_quarantined",
    "quarantined_other",
)


def _headline(result: dict[str, Any]) -> dict[str, Any]:
    return {key: result[key] for key in HEADLINE}


def minute_jobs(client: Any, figures: Counter[str], rounds: int = 5) -> None:
    """The every-minute job, a few runs: resend pages SNS refused (no escalation is due)."""
    for minute in range(1, rounds + 1):
        event = client.events.generate_cw_event("aws.events", "Scheduled Event", {}, [])
        event["time"] = (datetime.now(UTC) + timedelta(minutes=minute)).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        try:
            client.lambda_.invoke("alerts_every_minute", event)
        except Exception:  # a faulted run: the next run picks its work up
            figures["alerts_job_failed"] += 1


def _read_pages(sqs: Any, inbox_url: str, pages: Counter[str]) -> Counter[str]:
    """Add the pages waiting in the manager's inbox to `pages` (by alert id)."""
    for body in _drain_bodies(sqs, inbox_url):
        attributes = json.loads(body).get("MessageAttributes", {})
        pages[attributes.get("alert_id", {}).get("Value", "?")] += 1
    return pages


def _subscribe_manager(
    sqs: Any, wiring: Any, manager: Any, rotation: Any, policy: Any, settings: Any
) -> str:
    """One manager always on duty, no storm grouping, no quiet hours, no escalation during the
    replay: every alert is paged exactly once to her inbox (an SQS queue on the topic)."""
    team = wiring.team()
    team.add_manager(manager("ann", "Ann", email="ann@example.com"))
    today = datetime.now(settings.tz).date()
    team.set_rotation(rotation(managers=("ann",), start=today - timedelta(days=1), shift_days=7))
    never = 10**6
    team.set_policy(
        policy(
            escalate_after={"high": never, "normal": never, "low": never},
            storm_max=never,
            quiet_start=None,
            quiet_end=None,
        )
    )
    url = sqs.create_queue(QueueName="chaos-inbox-ann")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    wiring.notifier().subscribe("ann", "sqs", arn)
    return str(url)


def _poison(rng: random.Random, now: datetime, n: int) -> str:
    """A message no retry can help: not JSON, an unknown version, a mention without its
    fields, or (as a version without input limits would have queued) a post of 9999."""
    from chalicelib.intake import encode
    from chalicelib.model import Author, Mention

    dated_9999 = Mention(
        source="generic",
        native_id=f"poison-{n}",
        url="https://forum.example.com/poison",
        author=Author("p", "p"),
        text="Worst service ever, nobody helps!",
        created_at="9999-12-31T23:30:00Z",
        received_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    return rng.choice(
        (
            "not json at all",
            json.dumps({"v": 99, "mentions": []}),
            json.dumps({"v": 1, "mentions": [{"source": "x"}]}),
            encode([dated_9999]),
        )
    )


def measure(settings: Any, accepted: set[str], pages: Counter[str]) -> dict[str, Any]:
    """Count what ended where, with clients that carry no faults."""
    import boto3

    from chalicelib import triage
    from chalicelib.consumer.dead_letters import DeadLetterQueue
    from chalicelib.store import MentionStore, Table, keys

    db = boto3.client("dynamodb")
    sqs = boto3.client("sqs")
    store = MentionStore(db, settings.mentions_table, settings.state_table)
    mentions = {m.id: m for m in store.scan()}
    counted = 0
    alert_items: dict[str, dict[str, Any]] = {}
    for item in Table(db, settings.state_table).scan():
        key = keys.Key(item["pk"], item["sk"])
        if keys.is_day_stats(key):
            counted += int(item.get("total", 0))
        elif keys.is_alert(key) and item.get("mention_id"):
            alert_items[item["id"]] = item

    letters = DeadLetterQueue(
        sqs, settings.dead_letter_queue_url, settings.queue_url, wait_seconds=0
    ).inspect()
    in_dlq = {i for letter in letters for i in letter.mention_ids}
    poison_in_dlq = sum(1 for letter in letters if letter.poison)
    from chalicelib.consumer.quarantine import Quarantine

    kept = list(Quarantine(Table(db, settings.state_table), timedelta(days=1)).items())
    quarantined = {i for item in kept for i in item.mention_ids}
    poison_quarantined = sum(
        1 for item in kept if not item.mention_ids[:1] or "poison-" in item.ref
    )

    stored = set(mentions)
    should_alert = {i for i, m in mentions.items() if triage.should_alert(m)}
    # low-band alerts go to the shift board by routing (`low=board`), not to a phone
    on_board = {i for i, a in alert_items.items() if a.get("state") == "board"}
    unpaged = sorted(
        i
        for i, a in alert_items.items()
        if i not in pages and not a.get("group_id") and i not in on_board
    )
    lost = accepted - stored - in_dlq - quarantined
    # a case is paged once; an incident (not a post's alert) may also send its follow-up
    # or escalation, by how much time the replay took: counted apart
    case_pages = {i: n for i, n in pages.items() if i in alert_items}
    return {
        "accepted": len(accepted),
        "stored": len(stored & accepted),
        "in_dlq": len((accepted & in_dlq) - stored),
        "quarantined": len((accepted & quarantined) - stored),
        "poison_quarantined": poison_quarantined,
        "quarantined_other": len(kept) - poison_quarantined,
        "duplicate_mentions": max(0, counted - len(stored)),
        "duplicate_alerts": sum(n - 1 for n in case_pages.values() if n > 1),
        "lost": len(lost),
        "counted": counted,
        "poison_in_dlq": poison_in_dlq,
        "alerts": len(alert_items),
        "alerts_expected": len(should_alert),
        "alerts_missing": len(should_alert - {a["mention_id"] for a in alert_items.values()}),
        "alerts_unpaged": len(unpaged),
        "alerts_on_board": len(on_board),
        "pages": sum(case_pages.values()),
        "incident_messages": sum(pages.values()) - sum(case_pages.values()),
        "dlq_messages": len(letters),
        "lost_ids": sorted(lost)[:10],
        "duplicate_alert_ids": sorted(i for i, n in case_pages.items() if n > 1)[:10],
    }


def _drain_bodies(sqs: Any, url: str) -> Iterator[str]:
    """Every message body on the queue, each once (kept invisible while we read)."""
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600)
        messages = got.get("Messages", [])
        if not messages:
            return
        for message in messages:
            yield message["Body"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools replay",
        description="Chaos replay: the local pipeline on moto with injected AWS faults.",
    )
    defaults = ReplayOptions()
    parser.add_argument("--events", type=int, default=defaults.events, help="webhook deliveries")
    parser.add_argument("--duplicate-rate", type=float, default=defaults.duplicate_rate)
    parser.add_argument("--shuffle", action="store_true", help="deliver in random order")
    parser.add_argument("--fault-rate", type=float, default=defaults.fault_rate)
    parser.add_argument("--poison-rate", type=float, default=defaults.poison_rate)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    args = parser.parse_args(argv)
    if not 0 <= args.duplicate_rate < 1 or not 0 <= args.fault_rate < 1 or args.events < 1:
        parser.error("rates are in [0, 1) and --events is at least 1")
    options = ReplayOptions(
        events=args.events,
        duplicate_rate=args.duplicate_rate,
        shuffle=args.shuffle,
        fault_rate=args.fault_rate,
        poison_rate=args.poison_rate,
        seed=args.seed,
    )
    os.environ.setdefault("LOG_LEVEL", "CRITICAL")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")  # stdout: the result only
    from devstack import moto_stack

    with moto_stack.local_stack("dev") as env, moto_stack.environment(env):
        result = replay(options)
    print(json.dumps(result, separators=(", ", ": ")))
    after = result["after_recovery"]
    return 0 if after["lost"] == 0 and after["duplicate_mentions"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
