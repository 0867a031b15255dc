"""Triage of queued mentions: judge, store exactly once, count, alert.

A Lambda invocation gets up to 10 SQS messages of up to 25 mentions each. They are
handled together, so 250 mentions cost a couple of DynamoDB requests, not 500:

1. decode every message (one that is not a mentions message is poison: dead-letter it);
2. judge every mention (pure, no I/O);
3. one BatchGetItem per 100 ids finds those already stored (duplicates);
4. the new ones go in with their day counters in conditional transactions
   (`MentionStore.insert_many`): stored and counted exactly once;
5. each stored negative mention above the threshold gets its alert (outbox, keyed by
   the mention id). A duplicate whose stored mention is still `new` is checked again:
   the earlier attempt may have died between storing and alerting.

A message succeeds when all its mentions are stored (or were already) and alerted;
otherwise it fails alone and is redelivered, which the steps above make harmless.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .. import triage
from ..alerts.service import AlertService
from ..digest import ingest as digest_ingest
from ..digest.ingest import DayRecorder
from ..errors import InputError
from ..intake.queue import decode
from ..logs import get_logger
from ..model import Mention
from ..store import MentionStore

log = get_logger("pipeline")


@dataclass(frozen=True)
class Message:
    message_id: str
    body: str


@dataclass
class BatchOutcome:
    stored: int = 0
    duplicates: int = 0
    negative: int = 0
    alerts: list[str] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)  # message ids to redeliver
    poison: dict[str, str] = field(default_factory=dict)  # message id -> reason


class Triage:
    def __init__(
        self,
        *,
        mentions: MentionStore,
        alerts: AlertService,
        retention: timedelta,
        timezone: str,
        clock: Callable[[], datetime],
        recorder: DayRecorder | None = None,
    ) -> None:
        self._recorder = recorder
        self._mentions = mentions
        self._alerts = alerts
        self._retention = retention
        self._timezone = timezone
        self._clock = clock

    def handle_batch(self, messages: Sequence[Message]) -> BatchOutcome:
        now = self._clock()
        outcome = BatchOutcome()
        judged: dict[str, Mention] = {}
        owners: dict[str, set[str]] = {}
        for message in messages:
            try:
                mentions = decode(message.body)
            except InputError as error:
                outcome.poison[message.message_id] = str(error)
                continue
            for mention in mentions:
                owners.setdefault(mention.id, set()).add(message.message_id)
                if mention.id not in judged:
                    judged[mention.id] = self._judge(mention, now)

        stored_before = self._mentions.existing(judged)
        new = [m for i, m in judged.items() if i not in stored_before]
        # the digest's counters go in each mention's own transaction (digest/ingest.py)
        result = self._mentions.insert_many(
            [(m, digest_ingest.day_counts(m, self._timezone)) for m in new]
        )
        for mention_id in result.failed:
            outcome.failed |= owners[mention_id]
        if result.errors:
            log.warning(
                "some mentions not stored; their messages will be retried",
                extra={
                    "fields": {"failed": len(result.failed), "errors": sorted(set(result.errors))}
                },
            )
        outcome.stored = len(result.stored)
        outcome.duplicates = len(judged) - len(new) + len(result.duplicates)

        self._record_days(
            [judged[i] for i in sorted(result.stored | result.duplicates)]
            + list(stored_before.values()),
            owners,
            outcome,
        )
        to_alert = [judged[i] for i in sorted(result.stored)]
        to_alert += [m for m in stored_before.values() if m.status == "new"]
        for mention in to_alert:
            if mention.is_negative and mention.id in result.stored:
                outcome.negative += 1
            if not triage.should_alert(mention):
                continue
            try:
                alert = self._alerts.alert_for(mention, now)
            except Exception:
                log.exception(
                    "alert failed; the message will be retried",
                    extra={"fields": {"mention_id": mention.id}},
                )
                outcome.failed |= owners[mention.id]
                continue
            if alert is not None:
                outcome.alerts.append(alert.id)  # the digest's tally hears of it (alerts.events)
        log.info(
            "batch triaged",
            extra={
                "fields": {
                    "messages": len(messages),
                    "mentions": len(judged),
                    "stored": outcome.stored,
                    "duplicates": outcome.duplicates,
                    "alerts": len(outcome.alerts),
                    "failed_messages": len(outcome.failed),
                    "poison": len(outcome.poison),
                }
            },
        )
        return outcome

    def _record_days(
        self, mentions: list[Mention], owners: dict[str, set[str]], outcome: BatchOutcome
    ) -> None:
        """The digest's day lists; idempotent, so duplicates are offered again."""
        if self._recorder is None:
            return
        try:
            self._recorder.after_insert_many(mentions)
        except Exception:
            log.exception(
                "day lists not updated; the messages will be retried",
                extra={"fields": {"mentions": len(mentions)}},
            )
            for mention in mentions:
                outcome.failed |= owners.get(mention.id, set())

    def _judge(self, mention: Mention, now: datetime) -> Mention:
        judged = triage.judge(mention, now=now)
        return judged.with_(expires_at=int((now + self._retention).timestamp()))
