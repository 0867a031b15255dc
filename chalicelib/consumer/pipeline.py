"""Triage of queued mentions: judge, store exactly once, count, alert — one mention at a
time where it matters, so that one bad post never takes its batch down.

A Lambda invocation gets up to 20 SQS messages of up to 25 mentions each. They are
handled together, so 500 mentions cost a few DynamoDB requests, not 1,000:

1. decode every message; one that is not a mentions message is quarantined (poison);
2. each mention alone: within the input limits (`chalicelib.limits`), judged, its day
   counters computed; one that fails any of it is quarantined with the reason, and the
   rest of its message goes on;
3. one BatchGetItem per 100 ids finds those already stored (duplicates), edited (the
   text changed, a later version) and erased (a tombstone: dropped);
4. the new ones go in with their day counters in conditional transactions
   (`MentionStore.insert_many`): stored and counted exactly once; an edit replaces its
   mention and moves its counters (`MentionStore.edit`);
5. each stored negative mention above the threshold gets its alert (outbox, keyed by the
   mention id) — also a duplicate still `new` (an earlier attempt died between storing
   and alerting) and an edit that turned negative.

A message succeeds when each of its mentions is stored (or was, or is quarantined) and
alerted; a transient failure fails it alone and it is redelivered, which the steps above
make harmless. A failure that can never succeed (DynamoDB refuses the item) quarantines
the mention, never fails its message for ever.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .. import limits, triage
from ..alerts.service import AlertService
from ..digest import aggregates
from ..digest import ingest as digest_ingest
from ..digest.ingest import DayRecorder
from ..errors import InputError, StoreError
from ..intake.queue import decode, encode
from ..logs import get_logger
from ..model import Mention, parse_time
from ..store import DayCounts, MentionStore
from ..store.writes import REFUSED, difference, is_edit
from .quarantine import Quarantine

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
    edited: int = 0
    erased: int = 0  # deliveries of erased posts, dropped
    alerts: list[str] = field(default_factory=list)
    post_to_page: list[float] = field(default_factory=list)  # seconds, for pages sent now
    failed: set[str] = field(default_factory=set)  # message ids to redeliver
    poison: dict[str, str] = field(default_factory=dict)  # message id -> reason (quarantined)
    quarantined: dict[str, str] = field(default_factory=dict)  # mention id -> reason

    def metrics(self) -> tuple[dict[str, float], dict[str, list[float]]]:
        """Counts and samples for `chalicelib.metrics.emit` (the triage function's)."""
        counts = {
            "MentionsStored": self.stored,
            "Duplicates": self.duplicates,
            "Edited": self.edited,
            "Alerts": len(self.alerts),
            "Pages": len(self.post_to_page),
            "Quarantined": len(self.quarantined) + len(self.poison),
            "FailedMessages": len(self.failed),
        }
        return {k: float(v) for k, v in counts.items()}, {"PostToPage": self.post_to_page}


@dataclass
class _Batch:
    judged: dict[str, Mention] = field(default_factory=dict)
    counts: dict[str, DayCounts] = field(default_factory=dict)
    owners: dict[str, set[str]] = field(default_factory=dict)
    bad: dict[str, tuple[Mention, str]] = field(default_factory=dict)

    def fail(self, outcome: BatchOutcome, mention_id: str) -> None:
        outcome.failed |= self.owners.get(mention_id, set())


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
        quarantine: Quarantine | None = None,
    ) -> None:
        self._recorder = recorder
        self._mentions = mentions
        self._alerts = alerts
        self._retention = retention
        self._timezone = timezone
        self._clock = clock
        self._quarantine = quarantine

    def handle_batch(self, messages: Sequence[Message]) -> BatchOutcome:
        now = self._clock()
        outcome = BatchOutcome()
        batch = _Batch()
        for message in messages:
            try:
                decoded = decode(message.body)
            except InputError as error:
                self._quarantine_message(message, str(error), now, outcome)
                continue
            for mention in decoded:
                batch.owners.setdefault(mention.id, set()).add(message.message_id)
                seen = batch.judged.get(mention.id)
                if seen is None or mention.received_at > seen.received_at:
                    self._prepare(mention, now, batch)

        stored_before, erased = self._mentions.lookup(batch.judged)
        outcome.erased = len(erased & batch.judged.keys())
        new = [m for i, m in batch.judged.items() if i not in stored_before and i not in erased]
        result = self._mentions.insert_many([(m, batch.counts[m.id]) for m in new])
        for mention_id in result.failed:
            batch.fail(outcome, mention_id)
        for mention_id, code in result.refused.items():
            batch.bad[mention_id] = (batch.judged[mention_id], f"DynamoDB refused it: {code}")
        if result.failed:
            log.warning(
                "some mentions not stored; their messages will be retried",
                extra={"fields": {"failed": len(result.failed), "errors": sorted(result.errors)}},
            )
        outcome.stored = len(result.stored)
        outcome.duplicates = len(batch.judged) - len(new) + len(result.duplicates)

        edits = self._edit(stored_before, batch, outcome)
        unchanged = [m for i, m in stored_before.items() if i not in {e.id for e in edits}]
        offered = [batch.judged[i] for i in sorted(result.stored | result.duplicates)]
        to_alert = [batch.judged[i] for i in sorted(result.stored)]
        replaced = [stored_before[e.id] for e in edits]
        self._record_days(offered + unchanged + edits, to_alert + edits, replaced, batch, outcome)
        to_alert += [m for m in unchanged + edits if m.status == "new"]
        self._alert(to_alert, result.stored, now, batch, outcome)
        self._quarantine_mentions(batch, now, outcome)
        _log(messages, batch, outcome)
        return outcome

    # ------------------------------------------------------------ steps

    def _prepare(self, mention: Mention, now: datetime, batch: _Batch) -> None:
        """Limits, judgement and day counters of one mention; a failure is its own."""
        batch.judged.pop(mention.id, None)
        try:
            found = limits.problems(mention, now)
            if found:
                raise InputError("; ".join(found[:3]))
            judged = triage.judge(mention, now=now)
            judged = judged.with_(expires_at=int((now + self._retention).timestamp()))
            counts = digest_ingest.day_counts(judged, self._timezone)
        except Exception as error:  # anything one post does to triage stays with that post
            batch.bad[mention.id] = (mention, f"{type(error).__name__}: {error}")
            return
        batch.bad.pop(mention.id, None)
        batch.judged[mention.id] = judged
        batch.counts[mention.id] = counts

    def _edit(
        self, stored: dict[str, Mention], batch: _Batch, outcome: BatchOutcome
    ) -> list[Mention]:
        """Edited posts: replace each mention (judged again), move its counters."""
        edited = []
        for mention_id, old in stored.items():
            incoming = batch.judged.get(mention_id)
            if incoming is None or not is_edit(old, incoming):
                continue
            new = incoming.with_(created_at=old.created_at, status=old.status)
            day = aggregates.local_day(old.created_at, self._timezone)
            delta = difference(
                digest_ingest.day_counts(new, self._timezone),
                digest_ingest.day_counts(old, self._timezone),
            )
            try:
                done = self._mentions.edit(old, new, day, delta)
            except StoreError as error:
                if error.code in REFUSED:
                    batch.bad[mention_id] = (incoming, f"DynamoDB refused the edit: {error.code}")
                else:
                    batch.fail(outcome, mention_id)
                continue
            if not done:  # changed meanwhile: the retry reads it again
                batch.fail(outcome, mention_id)
                continue
            outcome.edited += 1
            edited.append(new)
        return edited

    def _alert(
        self,
        mentions: list[Mention],
        new: set[str],
        now: datetime,
        batch: _Batch,
        outcome: BatchOutcome,
    ) -> None:
        with self._alerts.batch():
            for mention in mentions:
                self._alert_one(mention, new, now, batch, outcome)

    def _alert_one(
        self, mention: Mention, new: set[str], now: datetime, batch: _Batch, outcome: BatchOutcome
    ) -> None:
        if mention.is_negative and mention.id in new:
            outcome.negative += 1
        if not triage.should_alert(mention):
            return
        try:
            alert = self._alerts.alert_for(mention, now)
        except StoreError as error:
            if error.code in REFUSED:  # the alert can never be stored: a person looks
                batch.bad[mention.id] = (mention, f"its alert was refused: {error.code}")
                return
            self._alert_failed(mention, batch, outcome)
            return
        except Exception:
            self._alert_failed(mention, batch, outcome)
            return
        if alert is None:
            return
        outcome.alerts.append(alert.id)  # the digest's tally hears of it (alerts.events)
        if alert.state == "sent" and alert.sent_at:
            waited = parse_time(alert.sent_at) - parse_time(mention.created_at)
            outcome.post_to_page.append(max(0.0, waited.total_seconds()))

    def _alert_failed(self, mention: Mention, batch: _Batch, outcome: BatchOutcome) -> None:
        log.exception(
            "alert failed; the message will be retried",
            extra={"fields": {"mention_id": mention.id}},
        )
        batch.fail(outcome, mention.id)

    def _record_days(
        self,
        mentions: list[Mention],
        counted: list[Mention],
        replaced: list[Mention],
        batch: _Batch,
        outcome: BatchOutcome,
    ) -> None:
        """The digest's day lists (idempotent, so duplicates are offered again) and the
        themes of what was stored now (`counted`, less the edits' `replaced` versions)."""
        if self._recorder is None:
            return
        try:
            self._recorder.after_insert_many(mentions, new=counted, replaced=replaced)
        except Exception:
            log.exception(
                "day lists not updated; the messages will be retried",
                extra={"fields": {"mentions": len(mentions)}},
            )
            for mention in mentions:
                batch.fail(outcome, mention.id)

    def _quarantine_message(
        self, message: Message, reason: str, now: datetime, outcome: BatchOutcome
    ) -> None:
        if self._keep("message", message.message_id, reason, message.body, now, ()):
            outcome.poison[message.message_id] = reason
        else:
            outcome.failed.add(message.message_id)

    def _quarantine_mentions(self, batch: _Batch, now: datetime, outcome: BatchOutcome) -> None:
        for mention_id, (mention, reason) in sorted(batch.bad.items()):
            if self._keep("mention", mention_id, reason, encode([mention]), now, (mention_id,)):
                outcome.quarantined[mention_id] = reason
            else:
                batch.fail(outcome, mention_id)

    def _keep(
        self, kind: str, ref: str, reason: str, body: str, now: datetime, ids: Sequence[str]
    ) -> bool:
        log.error(
            "quarantined: it can never be processed as it is",
            extra={"fields": {"kind": kind, "ref": ref[:120], "reason": reason[:200]}},
        )
        if self._quarantine is None:
            return True
        try:
            self._quarantine.put(kind, ref, reason, body=body, now=now, mention_ids=ids)
        except StoreError:
            log.warning("quarantine not written; retried", extra={"fields": {"ref": ref[:120]}})
            return False
        return True


def _log(messages: Sequence[Message], batch: _Batch, outcome: BatchOutcome) -> None:
    log.info(
        "batch triaged",
        extra={
            "fields": {
                "messages": len(messages),
                "mentions": len(batch.judged) + len(batch.bad),
                "stored": outcome.stored,
                "duplicates": outcome.duplicates,
                "edited": outcome.edited,
                "alerts": len(outcome.alerts),
                "failed_messages": len(outcome.failed),
                "poison": len(outcome.poison),
                "quarantined": len(outcome.quarantined),
            }
        },
    )
