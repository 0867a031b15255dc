"""The dead-letter queue: what is in it, and sending it back — by a schedule, not a person.

Only transient failures end there: a message whose mentions could not be stored or
alerted `maxReceiveCount` times (DynamoDB or SNS down, throttled, a bug). Anything that
can never succeed has been quarantined by triage already (`quarantine.py`).

`auto_redrive` (the `redrive_dead_letters` schedule, every 5 minutes) sends each
dead letter back to the mentions queue, up to `MAX_REDRIVES` times with growing waits
(`BACKOFF`: the outage may last; 51 minutes in all, so a DLQ of any depth is empty
within the hour of the outage's end), counting them in the message attributes SQS keeps
when it dead-letters a message again. A message still failing after that is quarantined
with its reason, for a person. A letter that is not due yet is made visible again at
the end of the run, never hidden until it is due: `dlq list` and `dlq redrive` see every
letter but those a run is reading at that moment (was: hidden for up to an hour, so an
operator saw 100 of 300). A run moves up to `PER_RUN` letters, ten a request. Triage is
idempotent: whatever an earlier attempt stored is absorbed as a duplicate.

Every send happens before its delete: a crash in between leaves a copy in both queues,
never in neither. Reading the queue (`inspect`) keeps every message, and counts on
neither a single receive answering (SQS samples its servers) nor messages staying
hidden: it reads until it has seen as many as the queue holds, or long polls several
times in a row bring nothing new (was: it stopped at the first answer without news).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..intake.queue import decode
from ..logs import get_logger
from ..model import iso, parse_time
from .quarantine import Quarantine

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

log = get_logger("dead_letters")

PEEK_SECONDS = 300  # messages read stay hidden while we read on; released at the end
QUIET_RECEIVES = 3  # receives in a row with nothing new before we believe it is all
# seconds to wait before redrive n+1 (the first goes at once); MAX_REDRIVES = len(BACKOFF)
BACKOFF = (0, 60, 300, 600, 900, 1200)
PER_RUN = 6000  # letters one run reads; 12 runs an hour
ATTEMPTS = 3  # each SQS request of a run
MAX_REDRIVES = len(BACKOFF)
REDRIVES = "redrives"
REDRIVEN_AT = "redriven_at"


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    receive_count: int
    sent_at: str  # epoch milliseconds, as SQS reports it
    reason: str  # the `error` attribute of poison, else "redrive limit"
    mention_ids: tuple[str, ...]
    poison: bool
    redrives: int = 0


def _attribute(message: Mapping[str, Any], name: str) -> str | None:
    value = ((message.get("MessageAttributes") or {}).get(name) or {}).get("StringValue")
    return str(value) if value is not None else None


def describe(message: Mapping[str, Any]) -> DeadLetter:
    attributes = message.get("Attributes") or {}
    error = _attribute(message, "error")
    try:
        ids = tuple(m.id for m in decode(message["Body"]))
        poison = False
    except InputError as exc:
        ids, poison = (), True
        error = error or str(exc)
    return DeadLetter(
        message_id=message["MessageId"],
        receive_count=int(attributes.get("ApproximateReceiveCount", 0)),
        sent_at=str(attributes.get("SentTimestamp", "")),
        reason=error or "redrive limit",
        mention_ids=ids,
        poison=poison,
        redrives=int(_attribute(message, REDRIVES) or 0),
    )


class DeadLetterQueue:
    def __init__(
        self,
        sqs: SQSClient,
        dead_letter_queue_url: str,
        queue_url: str,
        *,
        wait_seconds: int = 1,
        quarantine: Quarantine | None = None,
    ) -> None:
        self._sqs = sqs
        self._dlq = dead_letter_queue_url
        self._queue = queue_url
        self._wait = wait_seconds
        self._quarantine = quarantine

    def _depth(self) -> int:
        attributes = _tried(
            self._sqs.get_queue_attributes,
            QueueUrl=self._dlq,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return sum(int(v) for v in attributes.values())

    def _receive(self, limit: int | None) -> Iterator[MessageTypeDef]:
        expected = self._depth()
        seen: set[str] = set()
        quiet = 0
        patience = QUIET_RECEIVES if expected else 1  # an empty queue: one look is enough
        while (limit is None or len(seen) < limit) and quiet < patience:
            if limit is None and expected and len(seen) >= expected:
                return
            want = 10 if limit is None else min(10, limit - len(seen))
            try:
                got = _tried(
                    self._sqs.receive_message,
                    QueueUrl=self._dlq,
                    MaxNumberOfMessages=want,
                    VisibilityTimeout=PEEK_SECONDS,
                    WaitTimeSeconds=self._wait,
                    AttributeNames=["All"],
                    MessageAttributeNames=["All"],
                )
            except Exception:  # botocore errors of every kind: a quiet answer, read on
                got = {}
            messages = [m for m in got.get("Messages", []) if m["MessageId"] not in seen]
            quiet = 0 if messages else quiet + 1
            for message in messages:
                seen.add(message["MessageId"])
                yield message

    def inspect(self, limit: int | None = None) -> list[DeadLetter]:
        """What is in the queue (up to `limit`); every message stays in it."""
        letters = []
        handles = []
        for message in self._receive(limit):
            letters.append(describe(message))
            handles.append(message["ReceiptHandle"])
        self._release(handles)
        return letters

    def redrive(self, now: datetime, limit: int | None = None) -> dict[str, int]:
        """Send every message back to the mentions queue now (an operator's command);
        one that is not a mentions message is quarantined instead."""
        moved = quarantined = 0
        for message in self._receive(limit):
            letter = describe(message)
            if letter.poison:
                self._to_quarantine(message, letter, letter.reason, now)
                quarantined += 1
                continue
            self._sqs.send_message(QueueUrl=self._queue, MessageBody=message["Body"])
            self._sqs.delete_message(QueueUrl=self._dlq, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
        return {"moved": moved, "quarantined": quarantined}

    def auto_redrive(self, now: datetime, limit: int = PER_RUN) -> dict[str, int]:
        """One run of the schedule: redrive what is due, quarantine what is spent; what
        waits is visible again when the run ends (an operator sees it)."""
        counts = {"arrived": 0, "redriven": 0, "waiting": 0, "quarantined": 0}
        waiting: list[str] = []
        due_now: list[tuple[MessageTypeDef, DeadLetter]] = []
        try:
            for message in self._receive(limit):
                letter = describe(message)
                last = _attribute(message, REDRIVEN_AT)
                if letter.redrives == 0:
                    counts["arrived"] += 1  # first time here: a DLQ arrival (metric)
                if letter.poison or letter.redrives >= MAX_REDRIVES:
                    reason = letter.reason if letter.poison else _spent(letter)
                    try:
                        self._to_quarantine(message, letter, reason, now)
                    except Exception:  # kept for the next run (a quarantine twice is one)
                        log.warning("dead letter not quarantined this run", exc_info=True)
                        waiting.append(message["ReceiptHandle"])
                        continue
                    counts["quarantined"] += 1
                    continue
                wait = BACKOFF[letter.redrives]
                due = parse_time(last).timestamp() + wait if last else now.timestamp()
                if due > now.timestamp():
                    waiting.append(message["ReceiptHandle"])
                    counts["waiting"] += 1
                    continue
                due_now.append((message, letter))
                if len(due_now) == 10:
                    counts["redriven"] += self._send_back(due_now, now, waiting)
                    due_now = []
            counts["redriven"] += self._send_back(due_now, now, waiting)
        finally:
            self._release(waiting)
        if any(counts.values()):
            log.info("dead letters", extra={"fields": counts})
        return counts

    def _send_back(
        self, letters: list[tuple[MessageTypeDef, DeadLetter]], now: datetime, kept: list[str]
    ) -> int:
        """Up to ten letters back to the mentions queue in one request, then out of the
        DLQ; one SQS refused stays (its handle goes to `kept`, released with the waiting)."""
        if not letters:
            return 0
        try:
            answer = _tried(
                self._sqs.send_message_batch,
                QueueUrl=self._queue,
                Entries=[
                    {
                        "Id": str(i),
                        "MessageBody": message["Body"],
                        "MessageAttributes": {
                            REDRIVES: {
                                "DataType": "Number",
                                "StringValue": str(letter.redrives + 1),
                            },
                            REDRIVEN_AT: {"DataType": "String", "StringValue": iso(now)},
                        },
                    }
                    for i, (message, letter) in enumerate(letters)
                ],
            )
        except Exception:  # botocore errors of every kind: all ten stay for the next run
            log.warning("dead letters not sent back this run", exc_info=True)
            kept += [message["ReceiptHandle"] for message, _ in letters]
            return 0
        refused = {int(f["Id"]) for f in answer.get("Failed", [])}
        sent = [m["ReceiptHandle"] for i, (m, _) in enumerate(letters) if i not in refused]
        kept += [m["ReceiptHandle"] for i, (m, _) in enumerate(letters) if i in refused]
        try:  # a delete that fails leaves a copy in both queues: absorbed as a duplicate
            if sent:
                _tried(
                    self._sqs.delete_message_batch,
                    QueueUrl=self._dlq,
                    Entries=[{"Id": str(i), "ReceiptHandle": h} for i, h in enumerate(sent)],
                )
        except Exception:
            log.warning("dead letters sent back, not deleted", exc_info=True)
        return len(sent)

    def _to_quarantine(
        self, message: MessageTypeDef, letter: DeadLetter, reason: str, now: datetime
    ) -> None:
        if self._quarantine is None:
            raise InputError("no quarantine configured: cannot take a message out of the DLQ")
        self._quarantine.put(
            "redrive",
            letter.message_id,
            reason,
            body=message["Body"],
            now=now,
            mention_ids=letter.mention_ids,
        )
        self._sqs.delete_message(QueueUrl=self._dlq, ReceiptHandle=message["ReceiptHandle"])
        log.error(
            "dead letter quarantined",
            extra={"fields": {"message_id": letter.message_id, "reason": reason[:200]}},
        )

    def _release(self, handles: list[str]) -> None:
        """Make read messages visible again at once (not after `PEEK_SECONDS`)."""
        for start in range(0, len(handles), 10):
            try:
                _tried(
                    self._sqs.change_message_visibility_batch,
                    QueueUrl=self._dlq,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": h, "VisibilityTimeout": 0}
                        for i, h in enumerate(handles[start : start + 10])
                    ],
                )
            except Exception:  # visible again after PEEK_SECONDS anyway
                log.warning("dead letters not released", exc_info=True)


def _tried(call: Callable[..., Any], **params: Any) -> Any:
    """An SQS request, asked up to `ATTEMPTS` times: one refused request must not end a
    run (was: at 20 % faults every run died within its first requests, and the harsh
    replay ended with hundreds of letters in the DLQ)."""
    for attempt in range(ATTEMPTS):
        try:
            return call(**params)
        except Exception:  # botocore errors of every kind
            if attempt == ATTEMPTS - 1:
                raise
    return None


def _spent(letter: DeadLetter) -> str:
    return (
        f"still failing after {letter.redrives} automatic redrives "
        f"({letter.receive_count} deliveries in the last round): see the triage logs"
    )
