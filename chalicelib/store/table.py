"""The state table on DynamoDB: small documents under (pk, sk), and every call made on it.

`Table` is the DynamoDB implementation, `memory.MemoryTable` the in-memory one; both
satisfy `state.StateTable` and pass the same contract tests (tests/unit/store). Keys come from
`keys.py`. Every botocore failure leaves this package as a `StoreError`; a condition that
does not hold is an answer (`False`), not an error.

The calls themselves, the expression builders and the paging loops are in `dynamo.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import ConditionFailed, TransactionCancelled
from .codec import from_item, to_attr, to_item
from .dynamo import GSI, add_update, batch_get, call, count_expression, flag_update, pages
from .keys import Key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


def _key_item(key: Key) -> dict[str, Any]:
    return to_item({"pk": key.pk, "sk": key.sk})


def _strip(data: dict[str, Any]) -> dict[str, Any]:
    data.pop("pk", None)
    data.pop("sk", None)
    return data


# ------------------------------------------------------------------ DynamoDB


class Table:
    """The state table on DynamoDB (`StateTable`)."""

    def __init__(self, client: DynamoDBClient, name: str) -> None:
        self._db = client
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    def get(self, key: Key) -> dict[str, Any] | None:
        response = call(
            self._db.get_item,
            f"get {key.pk}/{key.sk}",
            TableName=self._name,
            Key=_key_item(key),
            ConsistentRead=True,
        )
        item = response.get("Item")
        return _strip(from_item(item)) if item else None

    def get_many(self, keys: Iterable[Key]) -> dict[Key, dict[str, Any]]:
        """The items among `keys` that exist (BatchGetItem, consistent)."""
        found: dict[Key, dict[str, Any]] = {}
        for data in batch_get(self._db, self._name, [_key_item(k) for k in keys]):
            found[Key(data.pop("pk"), data.pop("sk"))] = data
        return found

    def put(self, key: Key, data: Mapping[str, Any]) -> None:
        item = to_item({**data, "pk": key.pk, "sk": key.sk})
        call(self._db.put_item, f"put {key.pk}/{key.sk}", TableName=self._name, Item=item)

    def put_new(self, key: Key, data: Mapping[str, Any]) -> bool:
        """Put only if `key` does not exist yet; False when it did."""
        try:
            call(
                self._db.put_item,
                f"put_new {key.pk}/{key.sk}",
                TableName=self._name,
                Item=to_item({**data, "pk": key.pk, "sk": key.sk}),
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ConditionFailed:
            return False
        return True

    def update(
        self,
        key: Key,
        changes: Mapping[str, Any],
        *,
        expect: Mapping[str, Any] | None = None,
        remove: Sequence[str] = (),
    ) -> bool:
        """Set `changes` (None removes) on an existing item, only when `expect` holds
        (an expected None: the attribute is absent).

        Returns False when the item is missing or the expectation did not hold.
        """
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        sets, removes = [], []
        removed = [*remove, *(k for k, v in changes.items() if v is None)]
        for i, (name, value) in enumerate((k, v) for k, v in changes.items() if v is not None):
            names[f"#s{i}"] = name
            values[f":s{i}"] = to_attr(value)
            sets.append(f"#s{i} = :s{i}")
        for i, name in enumerate(removed):
            names[f"#r{i}"] = name
            removes.append(f"#r{i}")
        conditions = ["attribute_exists(pk)"]
        for i, (name, value) in enumerate((expect or {}).items()):
            names[f"#e{i}"] = name
            if value is None:  # None is never stored (`codec.to_item`): expect it absent
                conditions.append(f"attribute_not_exists(#e{i})")
                continue
            values[f":e{i}"] = to_attr(value)
            conditions.append(f"#e{i} = :e{i}")
        expression = " ".join(
            part
            for part in (
                "SET " + ", ".join(sets) if sets else "",
                "REMOVE " + ", ".join(removes) if removes else "",
            )
            if part
        )
        if not expression:
            raise ValueError("update: nothing to set or remove")
        kwargs: dict[str, Any] = {
            "TableName": self._name,
            "Key": _key_item(key),
            "UpdateExpression": expression,
            "ConditionExpression": " AND ".join(conditions),
        }
        if names:
            kwargs["ExpressionAttributeNames"] = names
        if values:
            kwargs["ExpressionAttributeValues"] = values
        try:
            call(self._db.update_item, f"update {key.pk}/{key.sk}", **kwargs)
        except ConditionFailed:
            return False
        return True

    def add(
        self, key: Key, counts: Mapping[str, int], *, set_once: Mapping[str, Any] | None = None
    ) -> dict[str, int]:
        """Atomically add to counters (creating the item); returns the new values.

        `set_once` attributes are set only where the item has none yet (`if_not_exists`):
        when it is created, say, its expiry or the moment of its first count.
        """
        new = self._count("add", key, counts, set_once)
        return {k: int(new[k]) for k in counts if k in new}

    def add_up_to(
        self,
        key: Key,
        name: str,
        limit: int,
        *,
        also: Mapping[str, int] | None = None,
        set_once: Mapping[str, Any] | None = None,
    ) -> int | None:
        """Add one to the counter `name`, and `also` to other counters, while `name` is
        below `limit` (creating the item, with `set_once` as in `add`): its new value, or
        None, with nothing changed, at the limit. One conditional request: no read before,
        no count to take back."""
        if limit <= 0:
            return None
        counts = {name: 1, **{k: v for k, v in (also or {}).items() if k != name}}
        try:
            new = self._count("add_up_to", key, counts, set_once, below=limit)
        except ConditionFailed:
            return None
        return int(new.get(name, 1))

    def _count(
        self,
        what: str,
        key: Key,
        counts: Mapping[str, int],
        set_once: Mapping[str, Any] | None,
        *,
        below: int | None = None,
    ) -> dict[str, Any]:
        """`add`'s and `add_up_to`'s UpdateItem (`below`: while counter #c0 is under it)."""
        expression, names, values = count_expression(counts, set_once)
        condition = {}
        if below is not None:
            values[":limit"] = to_attr(int(below))
            condition["ConditionExpression"] = "attribute_not_exists(#c0) OR #c0 < :limit"
        response = call(
            self._db.update_item,
            f"{what} {key.pk}/{key.sk}",
            TableName=self._name,
            Key=_key_item(key),
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="UPDATED_NEW",
            **condition,
        )
        return from_item(response.get("Attributes", {}))  # (moto: the whole item, if new)

    def add_once(
        self,
        marker: Key,
        flags: Sequence[str],
        target: Key,
        counts: Mapping[str, int],
        *,
        extra: Mapping[str, Any] | None = None,
        also: Mapping[Key, Mapping[str, int]] | None = None,
    ) -> bool:
        """Add `counts` to `target` unless `marker` already carries one of `flags`.

        The flags (and `extra` attributes) are set on `marker`, created if absent, in the
        same transaction: a second call changes nothing and returns False. `also` adds to
        further items (other than `target` and `marker`) in that one transaction.
        """
        mark = flag_update(self._name, marker, flags, extra or {})
        try:
            call(
                self._db.transact_write_items,
                f"add_once {target.pk}/{target.sk}",
                TransactItems=[
                    mark,
                    *(
                        add_update(self._name, key, more)
                        for key, more in {target: counts, **(also or {})}.items()
                        if more  # (nothing to add to it this time)
                    ),
                ],
            )
        except TransactionCancelled as error:
            if error.reasons and error.reasons[0] == "ConditionalCheckFailed":
                return False
            raise
        return True

    def query(
        self, pk: str, sk_prefix: str = "", *, newest_first: bool = False, page: int = 0
    ) -> Iterator[dict[str, Any]]:
        """Items under `pk` (with `pk` and `sk`), by sort key (`newest_first`: the last
        first); consistent. `page` items a request (0: DynamoDB's 1 MB): the next page is
        asked for only when the caller reads on, so a caller that stops early reads little."""
        condition = "pk = :pk" + (" AND begins_with(sk, :sk)" if sk_prefix else "")
        values = {":pk": pk, **({":sk": sk_prefix} if sk_prefix else {})}
        yield from pages(
            self._db.query,
            f"query {pk}",
            TableName=self._name,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=to_item(values),
            ConsistentRead=True,
            ScanIndexForward=not newest_first,
            **({"Limit": page} if page else {}),
        )

    def query_index(self, index_pk: str, until: str | None = None) -> Iterator[dict[str, Any]]:
        """Items on the `gsi1` index under `index_pk`, optionally with gsi1sk <= `until`."""
        condition = "gsi1pk = :p" + (" AND gsi1sk <= :u" if until is not None else "")
        values = {":p": index_pk, **({":u": until} if until is not None else {})}
        yield from pages(
            self._db.query,
            f"query {GSI} {index_pk}",
            TableName=self._name,
            IndexName=GSI,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=to_item(values),
        )

    def delete(self, key: Key) -> None:
        call(
            self._db.delete_item,
            f"delete {key.pk}/{key.sk}",
            TableName=self._name,
            Key=_key_item(key),
        )

    def scan(self) -> Iterator[dict[str, Any]]:
        """Every item (with `pk` and `sk`): for rare whole-table work such as erasure."""
        yield from pages(self._db.scan, f"scan {self._name}", TableName=self._name)
