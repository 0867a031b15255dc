"""The mentions table: one item per post, written exactly once with its day's counters.

A mention goes in together with the counters it adds to its (team-local) day — the
stats item and its themes' items in the state table — in one transaction conditional on
`attribute_not_exists(id)`: a post delivered twice is one item and is counted once.
`insert_many` packs up to 100 writes per transaction (the mentions plus one update per
distinct counter item, the counts summed), so 250 new mentions cost a few requests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ConditionFailed, StoreError, TransactionCancelled
from ..model import Mention
from . import keys
from .codec import from_item, to_attr, to_item
from .dynamo import add_update, batch_get, call, pages
from .keys import Key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

TRANSACTION_LIMIT = 100
CONFLICT_ATTEMPTS = 4
# what DynamoDB says of an item it will never take (a number over 38 digits, over 400 KB)
REFUSED = ("ValidationException", "ValidationError")


@dataclass(frozen=True)
class DayCounts:
    """Counters one mention adds to its day: the stats item's, and other counter items'
    (by key, e.g. a theme's) of the same day."""

    day: str
    counts: Mapping[str, int]
    items: Mapping[Key, Mapping[str, int]] = field(default_factory=dict)

    def targets(self) -> set[Key]:
        return {keys.day_stats(self.day), *self.items}


@dataclass
class InsertResult:
    stored: set[str] = field(default_factory=set)
    duplicates: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)


def _merge_counts(counts: Iterable[DayCounts]) -> dict[Key, dict[str, int]]:
    """Every counter item the mentions touch, with their counts summed."""
    merged: dict[Key, dict[str, int]] = {}
    for day_counts in counts:
        for key, values in (
            (keys.day_stats(day_counts.day), day_counts.counts),
            *day_counts.items.items(),
        ):
            sums = merged.setdefault(key, {})
            for name, value in values.items():
                sums[name] = sums.get(name, 0) + value
    return merged


def _transaction_chunks(
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
    """The item for a mention; `day` (the team's local day) keys the day index."""
    data = mention.to_dict()
    data["day"] = day or mention.day
    return to_item(data)


class MentionStore:
    def __init__(self, client: DynamoDBClient, table: str, state_table: str) -> None:
        self._db = client
        self._table = table
        self._state_table = state_table

    def _put(self, item: dict[str, Any]) -> dict[str, Any]:
        """A transaction's Put of a new mention's item (refused if it exists)."""
        return {
            "Put": {
                "TableName": self._table,
                "Item": item,
                "ConditionExpression": "attribute_not_exists(id)",
            }
        }

    def _counter_updates(self, counts: Mapping[Key, Mapping[str, int]]) -> list[dict[str, Any]]:
        return [add_update(self._state_table, key, values) for key, values in counts.items()]

    def insert(self, mention: Mention, day_counts: DayCounts | None = None) -> bool:
        """Store a new mention (and add its day counters) exactly once.

        Returns False, and changes nothing, when the mention is already stored.
        """
        put = self._put(mention_item(mention, day_counts.day if day_counts else None))
        try:
            if day_counts is None:
                call(self._db.put_item, f"put {mention.id}", **put["Put"])
            else:
                updates = self._counter_updates(_merge_counts([day_counts]))
                call(
                    self._db.transact_write_items,
                    f"insert {mention.id}",
                    TransactItems=[put, *updates],
                )
        except ConditionFailed:
            return False
        except TransactionCancelled as error:
            if error.reasons and error.reasons[0] == "ConditionalCheckFailed":
                return False
            raise
        return True

    def existing(self, ids: Iterable[str]) -> dict[str, Mention]:
        """The stored mentions among `ids` (BatchGetItem, 100 keys a request)."""
        found: dict[str, Mention] = {}
        keys_ = [{"id": to_attr(i)} for i in dict.fromkeys(ids)]
        for data in batch_get(self._db, self._table, keys_):
            mention = Mention.from_dict(data)
            found[mention.id] = mention
        return found

    def insert_many(self, entries: Sequence[tuple[Mention, DayCounts]]) -> InsertResult:
        """Store new mentions with their day counters, exactly once, in few requests.

        A mention that exists already cancels its transaction; it is set aside as a
        duplicate and the rest is written again. A transaction that fails for another
        reason marks its mentions `failed`: nothing of it was written, so retrying them
        is safe. One item DynamoDB refuses (an item too large) is written on its own, so
        it fails alone.
        """
        result = InsertResult()
        items: dict[str, dict[str, Any]] = {}
        for mention, counts in entries:
            try:
                items[mention.id] = mention_item(mention, counts.day)
            except StoreError as error:  # a value DynamoDB cannot hold: this one fails alone
                result.failed.add(mention.id)
                result.errors.append(error.code or "Error")
        storable = [entry for entry in entries if entry[0].id in items]
        for chunk in _transaction_chunks(storable):
            self._insert_chunk(list(chunk), items, result)
        return result

    def _insert_chunk(
        self,
        chunk: list[tuple[Mention, DayCounts]],
        encoded: Mapping[str, dict[str, Any]],
        result: InsertResult,
    ) -> None:
        for _attempt in range(CONFLICT_ATTEMPTS):
            if not chunk:
                return
            items = [self._put(encoded[m.id]) for m, _ in chunk]
            items += self._counter_updates(_merge_counts(c for _, c in chunk))
            try:
                call(self._db.transact_write_items, "insert mentions", TransactItems=items)
            except StoreError as error:
                reasons = error.reasons if isinstance(error, TransactionCancelled) else []
                duplicate = {
                    i for i, r in enumerate(reasons[: len(chunk)]) if r == "ConditionalCheckFailed"
                }
                others = [r for r in reasons if r not in ("None", "ConditionalCheckFailed")]
                if not duplicate or others:
                    refused = error.code in REFUSED or any(r in REFUSED for r in reasons)
                    if len(chunk) > 1 and refused:
                        for entry in chunk:  # the refused item must not fail the rest
                            self._insert_chunk([entry], encoded, result)
                        return
                    result.failed.update(m.id for m, _ in chunk)
                    result.errors.append(error.code or "Error")
                    return
                result.duplicates.update(chunk[i][0].id for i in duplicate)
                chunk = [entry for i, entry in enumerate(chunk) if i not in duplicate]
                continue
            result.stored.update(m.id for m, _ in chunk)
            return
        result.failed.update(m.id for m, _ in chunk)
        result.errors.append("TooManyConflicts")

    def get(self, mention_id: str) -> Mention | None:
        response = call(
            self._db.get_item,
            f"get {mention_id}",
            TableName=self._table,
            Key={"id": to_attr(mention_id)},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return Mention.from_dict(from_item(item)) if item else None

    def set_status(self, mention_id: str, status: str) -> None:
        call(
            self._db.update_item,
            f"status {mention_id}",
            TableName=self._table,
            Key={"id": to_attr(mention_id)},
            UpdateExpression="SET #s = :s",
            ConditionExpression="attribute_exists(id)",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": to_attr(status)},
        )

    def by_day(self, day: str) -> Iterator[Mention]:
        """Every mention of the team-local `day`, oldest first, across pages."""
        for data in pages(
            self._db.query,
            f"by_day {day}",
            TableName=self._table,
            IndexName="by_day",
            KeyConditionExpression="#d = :d",
            ExpressionAttributeNames={"#d": "day"},
            ExpressionAttributeValues={":d": to_attr(day)},
        ):
            yield Mention.from_dict(data)

    def scan(self) -> Iterator[Mention]:
        """Every stored mention (whole-table work: erasure, the local chaos replay)."""
        for data in pages(self._db.scan, f"scan {self._table}", TableName=self._table):
            yield Mention.from_dict(data)

    def by_author(self, source: str, author_id: str) -> Iterator[dict[str, Any]]:
        """The raw items of one author's mentions (a scan: for rare erasure requests)."""
        yield from pages(
            self._db.scan,
            f"scan {self._table} for an author",
            TableName=self._table,
            FilterExpression="#src = :s AND #a.#i = :a",
            ExpressionAttributeNames={"#src": "source", "#a": "author", "#i": "id"},
            ExpressionAttributeValues=to_item({":s": source, ":a": author_id}),
        )

    def delete(self, mention_id: str) -> None:
        call(
            self._db.delete_item,
            f"delete {mention_id}",
            TableName=self._table,
            Key={"id": to_attr(mention_id)},
        )
