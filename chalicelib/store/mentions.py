"""The mentions table: one item per post, written exactly once with its day's counters.

How the writes go (transactions, sharded day counters, retries): `writes.py`. Reads
skip the tombstones erasure leaves (`erase`): an erased post reads as absent, and
`lookup` tells it apart so triage drops a replay of it instead of storing it again.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import ConditionFailed, TransactionCancelled
from ..model import Mention
from .codec import from_item, to_attr, to_item
from .dynamo import batch_get, call, pages
from .keys import Key
from .writes import DayCounts, InsertResult, Writer, mention_item, merge_counts

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

__all__ = ["DayCounts", "InsertResult", "MentionStore", "mention_item"]

ERASED = "erased"


class MentionStore:
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
        self._writer = Writer(client, table, state_table, sleep=sleep, rng=rng)

    def _put(self, item: dict[str, Any]) -> dict[str, Any]:
        """A transaction's Put of a new mention's item (refused if it exists)."""
        return {
            "Put": {
                "TableName": self._table,
                "Item": item,
                "ConditionExpression": "attribute_not_exists(id)",
            }
        }

    def insert(self, mention: Mention, day_counts: DayCounts | None = None) -> bool:
        """Store a new mention (and add its day counters) exactly once.

        Returns False, and changes nothing, when the mention is already stored.
        """
        put = self._put(mention_item(mention, day_counts.day if day_counts else None))
        try:
            if day_counts is None:
                call(self._db.put_item, f"put {mention.id}", **put["Put"])
            else:
                updates = self._writer.counter_updates(merge_counts([day_counts]))
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
        return self.lookup(ids)[0]

    def lookup(self, ids: Iterable[str]) -> tuple[dict[str, Mention], set[str]]:
        """The stored mentions among `ids`, and the ids that were erased (tombstones)."""
        found: dict[str, Mention] = {}
        erased: set[str] = set()
        keys_ = [{"id": to_attr(i)} for i in dict.fromkeys(ids)]
        for data in batch_get(self._db, self._table, keys_):
            if data.get(ERASED):
                erased.add(str(data["id"]))
                continue
            mention = Mention.from_dict(data)
            found[mention.id] = mention
        return found, erased

    def insert_many(self, entries: Sequence[tuple[Mention, DayCounts]]) -> InsertResult:
        """Store new mentions with their day counters, exactly once, in few requests.

        A mention that exists already is set aside as a duplicate and the rest written
        again; a transaction that fails otherwise marks its mentions `failed` (nothing of
        it was written: retrying them is safe), one DynamoDB refuses for good is
        `refused`, alone. Conflicts and throttling are retried here first.
        """
        return self._writer.insert_many(entries)

    def edit(
        self, old: Mention, new: Mention, day: str, delta: Mapping[Key, Mapping[str, int]]
    ) -> bool:
        """An edited post: `new` replaces `old` (if unchanged since read), its counters
        move by `delta`. False when the stored item is no longer `old`."""
        return self._writer.edit(old, new, day, delta)

    def get(self, mention_id: str) -> Mention | None:
        response = call(
            self._db.get_item,
            f"get {mention_id}",
            TableName=self._table,
            Key={"id": to_attr(mention_id)},
            ConsistentRead=True,
        )
        item = response.get("Item")
        data = from_item(item) if item else None
        return Mention.from_dict(data) if data and not data.get(ERASED) else None

    def set_status(self, mention_id: str, status: str) -> None:
        call(
            self._db.update_item,
            f"status {mention_id}",
            TableName=self._table,
            Key={"id": to_attr(mention_id)},
            UpdateExpression="SET #s = :s",
            ConditionExpression="attribute_exists(id) AND attribute_not_exists(erased)",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": to_attr(status)},
        )

    def by_day(self, day: str) -> Iterator[Mention]:
        """Every mention of the team-local `day` (a filtered scan: for tests and tools;
        nothing in the product reads a day's mentions, so the table keeps no index)."""
        for data in pages(
            self._db.scan,
            f"mentions of {day}",
            TableName=self._table,
            FilterExpression="#d = :d",
            ExpressionAttributeNames={"#d": "day"},
            ExpressionAttributeValues={":d": to_attr(day)},
        ):
            yield Mention.from_dict(data)

    def scan(self) -> Iterator[Mention]:
        """Every stored mention (whole-table work: erasure, the local chaos replay)."""
        for data in pages(self._db.scan, f"scan {self._table}", TableName=self._table):
            if not data.get(ERASED):
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

    def erase(self, mention_id: str, *, until: int) -> None:
        """Replace a mention by a tombstone (its id, nothing of the post) that lasts until
        `until` (epoch seconds, TTL): a replay or a redrive of it is then a duplicate."""
        call(
            self._db.put_item,
            f"erase {mention_id}",
            TableName=self._table,
            Item=to_item({"id": mention_id, ERASED: True, "expires_at": until}),
        )
