"""Writing mentions: each new post once, with its day's counters, in few transactions.

A mention goes in together with the counters it adds to its (team-local) day in one
transaction conditional on `attribute_not_exists(id)`: a post delivered twice is one item
and is counted once. Up to 100 writes go in one transaction: the mentions plus one update
per distinct counter item, the counts summed.

The day's mention counters are spread over `keys.STATS_SHARDS` items; each transaction
adds to one of them, drawn at random (again on each retry), so overlapping transactions
of parallel Lambdas rarely touch the same item. A transaction that lost a race
(TransactionConflict) or was throttled is tried again after a jittered wait.

An edited post (`edit`) replaces its item, conditional on the version read, and moves its
counters from what the old version counted to what the new one counts.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import StoreError, TransactionCancelled
from ..model import Mention
from . import keys
from .codec import to_attr, to_item
from .dynamo import RETRY_ATTEMPTS, add_update, backoff, call, retryable
from .keys import Key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

TRANSACTION_LIMIT = 100
# what DynamoDB says of an item it will never take (a number over 38 digits, over 400 KB)
REFUSED = ("ValidationException", "ValidationError")


@dataclass(frozen=True)
class DayCounts:
    """Counters one mention adds to its day: the stats' (spread over shards), and other
    counter items' (by key, e.g. a theme's) of the same day."""

    day: str
    counts: Mapping[str, int]
    items: Mapping[Key, Mapping[str, int]] = field(default_factory=dict)

    def targets(self) -> set[Key]:
        return {keys.day_stats(self.day), *self.items}


@dataclass
class InsertResult:
    stored: set[str] = field(default_factory=set)
    duplicates: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)  # worth retrying: nothing of them written
    refused: dict[str, str] = field(default_factory=dict)  # id -> why DynamoDB never takes it
    errors: list[str] = field(default_factory=list)


def merge_counts(counts: Iterable[DayCounts], sign: int = 1) -> dict[Key, dict[str, int]]:
    """Every counter item the mentions touch, with their counts summed (times `sign`)."""
    merged: dict[Key, dict[str, int]] = {}
    for day_counts in counts:
        for key, values in (
            (keys.day_stats(day_counts.day), day_counts.counts),
            *day_counts.items.items(),
        ):
            sums = merged.setdefault(key, {})
            for name, value in values.items():
                sums[name] = sums.get(name, 0) + sign * value
    return merged


def is_edit(stored: Mention, incoming: Mention) -> bool:
    """A later version of a stored post with another text or other stars (Meta's "edited",
    a re-sent generic post, a review its author changed). An older copy arriving late (a
    retry, a redrive) keeps the time it was first received, so it is a duplicate; within
    one second, the later one wins."""
    changed = incoming.text != stored.text or incoming.rating != stored.rating
    return changed and incoming.received_at >= stored.received_at


def difference(new: DayCounts, old: DayCounts) -> dict[Key, dict[str, int]]:
    """What to add so that the counters count `new` instead of `old` (zeros left out)."""
    merged = merge_counts([new])
    for key, values in merge_counts([old], -1).items():
        sums = merged.setdefault(key, {})
        for name, value in values.items():
            sums[name] = sums.get(name, 0) + value
    return {k: {n: v for n, v in c.items() if v} for k, c in merged.items() if any(c.values())}


def chunks(
    entries: Sequence[tuple[Mention, DayCounts]],
) -> Iterator[list[tuple[Mention, DayCounts]]]:
    """Split so that mentions + one update per distinct counter item fit a transaction."""
    chunk: list[tuple[Mention, DayCounts]] = []
    targets: set[Key] = set()
    for entry in entries:
        new_targets = targets | entry[1].targets()
        if chunk and len(chunk) + 1 + len(new_targets) > TRANSACTION_LIMIT:
            yield chunk
            chunk, new_targets = [], entry[1].targets()
        chunk.append(entry)
        targets = new_targets
    if chunk:
        yield chunk


def mention_item(mention: Mention, day: str | None = None) -> dict[str, Any]:
    """The item for a mention; `day` (the team's local day) is kept for `by_day`."""
    data = mention.to_dict()
    data["day"] = day or mention.day
    return to_item(data)


class Writer:
    """The transactions of `MentionStore.insert_many` and `MentionStore.edit`."""

    def __init__(
        self,
        client: DynamoDBClient,
        table: str,
        state_table: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._db = client
        self._table = table
        self._state_table = state_table
        self._sleep = sleep
        self._rng = rng or random.Random()

    def counter_updates(self, counts: Mapping[Key, Mapping[str, int]]) -> list[dict[str, Any]]:
        """Update items for `counts`; the day's stats go to one shard, drawn now."""
        shard = self._rng.randrange(keys.STATS_SHARDS)
        spread: dict[Key, dict[str, int]] = {}
        for key, values in counts.items():
            if keys.is_day_stats(key):
                key = keys.day_stats_shard(keys.day_of(key), shard)
            target = spread.setdefault(key, {})
            for name, value in values.items():
                target[name] = target.get(name, 0) + value
        return [add_update(self._state_table, k, v) for k, v in spread.items() if v]

    def insert_many(self, entries: Sequence[tuple[Mention, DayCounts]]) -> InsertResult:
        result = InsertResult()
        items: dict[str, dict[str, Any]] = {}
        for mention, counts in entries:
            try:
                items[mention.id] = mention_item(mention, counts.day)
            except StoreError as error:  # a value DynamoDB cannot hold: this one alone
                result.refused[mention.id] = error.code or "ValidationException"
                result.errors.append(error.code or "Error")
        storable = [entry for entry in entries if entry[0].id in items]
        for chunk in chunks(storable):
            self._insert_chunk(list(chunk), items, result)
        return result

    def _put(self, item: dict[str, Any]) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self._table,
                "Item": item,
                "ConditionExpression": "attribute_not_exists(id)",
            }
        }

    def _insert_chunk(
        self,
        chunk: list[tuple[Mention, DayCounts]],
        encoded: Mapping[str, dict[str, Any]],
        result: InsertResult,
    ) -> None:
        attempt = 0
        while chunk:
            items = [self._put(encoded[m.id]) for m, _ in chunk]
            items += self.counter_updates(merge_counts(c for _, c in chunk))
            try:
                call(self._db.transact_write_items, "insert mentions", TransactItems=items)
            except StoreError as error:
                reasons = error.reasons if isinstance(error, TransactionCancelled) else []
                duplicate = {
                    i for i, r in enumerate(reasons[: len(chunk)]) if r == "ConditionalCheckFailed"
                }
                if duplicate:  # already stored: set aside, write the rest again
                    result.duplicates.update(chunk[i][0].id for i in duplicate)
                    chunk = [entry for i, entry in enumerate(chunk) if i not in duplicate]
                    continue
                if retryable(error) and attempt + 1 < RETRY_ATTEMPTS:
                    self._sleep(backoff(attempt, self._rng))
                    attempt += 1
                    continue
                if len(chunk) > 1 and not retryable(error):  # one item's trouble: each alone
                    for entry in chunk:
                        self._insert_chunk([entry], encoded, result)
                    return
                refused = error.code in REFUSED or any(r in REFUSED for r in reasons)
                if refused:
                    result.refused[chunk[0][0].id] = error.code or "ValidationException"
                else:
                    result.failed.update(m.id for m, _ in chunk)
                result.errors.append(error.code or "Error")
                return
            result.stored.update(m.id for m, _ in chunk)
            return

    def edit(
        self, old: Mention, new: Mention, day: str, delta: Mapping[Key, Mapping[str, int]]
    ) -> bool:
        """Replace `old`'s item by `new` and move the counters by `delta`, if nobody
        changed the item since it was read; False when somebody did (or it is gone)."""
        put = {
            "Put": {
                "TableName": self._table,
                "Item": mention_item(new, day),
                "ConditionExpression": "received_at = :r AND attribute_not_exists(erased)",
                "ExpressionAttributeValues": {":r": to_attr(old.received_at)},
            }
        }
        for attempt in range(RETRY_ATTEMPTS):
            items = [put, *self.counter_updates(delta)]
            try:
                call(self._db.transact_write_items, f"edit {new.id}", TransactItems=items)
            except TransactionCancelled as error:
                if error.reasons and error.reasons[0] == "ConditionalCheckFailed":
                    return False
                if not retryable(error) or attempt + 1 == RETRY_ATTEMPTS:
                    raise
                self._sleep(backoff(attempt, self._rng))
            else:
                return True
        return False  # pragma: no cover - the loop returns or raises
