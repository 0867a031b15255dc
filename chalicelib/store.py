"""DynamoDB: the only module that speaks to the tables.

Two tables (see infra/template.yaml):

* mentions — one item per `Mention`, key `id`, GSI `by_day` (`day`, `created_at`), TTL.
* state    — everything else under (`pk`, `sk`): cursors, on-call, alerts, day stats,
             with an overloaded GSI `gsi1` (`gsi1pk`, `gsi1sk`) for the few queries needed.

A mention is written together with its day counters in one transaction, conditional on
the mention being new: a post delivered twice is one item and is counted once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

from .errors import StoreError
from .model import Mention

_NUMBER = (int, float, Decimal)


def to_item(data: Mapping[str, Any]) -> dict[str, Any]:
    """Plain dict -> DynamoDB attribute map. None values are dropped."""
    return {key: _to_attr(value) for key, value in data.items() if value is not None}


def _to_attr(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, _NUMBER):
        return {"N": str(Decimal(str(value)))}
    if isinstance(value, Mapping):
        return {"M": to_item(value)}
    if isinstance(value, list | tuple):
        return {"L": [_to_attr(v) for v in value if v is not None]}
    raise TypeError(f"cannot store {type(value).__name__}")


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _from_attr(value) for key, value in item.items()}


def _from_attr(attr: Mapping[str, Any]) -> Any:
    ((kind, value),) = attr.items()
    if kind == "S":
        return value
    if kind == "N":
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "BOOL":
        return value
    if kind == "M":
        return from_item(value)
    if kind == "L":
        return [_from_attr(v) for v in value]
    if kind == "NULL":
        return None
    if kind == "SS":
        return set(value)
    raise TypeError(f"unexpected DynamoDB type {kind}")


def _is_conditional_failure(error: ClientError) -> bool:
    return error.response["Error"]["Code"] == "ConditionalCheckFailedException"


def _is_refused_item(error: ClientError) -> bool:
    """DynamoDB refused the request for what is in it: retrying the same items cannot help."""
    reasons = error.response.get("CancellationReasons") or []
    return error.response["Error"]["Code"] == "ValidationException" or any(
        r.get("Code") == "ValidationError" for r in reasons
    )


@dataclass(frozen=True)
class DayCounts:
    """Counters added for one mention to its day's statistics item (`day`: team-local)."""

    day: str
    counts: Mapping[str, int]
    # more counter items of the same day, by sort key (e.g. the digest's `theme#<name>`)
    items: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def targets(self) -> set[tuple[str, str]]:
        return {(self.day, "stats"), *((self.day, sk) for sk in self.items)}


@dataclass
class InsertResult:
    stored: set[str] = field(default_factory=set)
    duplicates: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)


TRANSACTION_LIMIT = 100


def _merge_counts(counts: Iterable[DayCounts]) -> list[DayCounts]:
    per_day: dict[str, dict[str, int]] = {}
    per_item: dict[str, dict[str, dict[str, int]]] = {}
    for item in counts:
        total = per_day.setdefault(item.day, {})
        for key, value in item.counts.items():
            total[key] = total.get(key, 0) + value
        for sk, extra in item.items.items():
            sums = per_item.setdefault(item.day, {}).setdefault(sk, {})
            for key, value in extra.items():
                sums[key] = sums.get(key, 0) + value
    return [DayCounts(day, totals, per_item.get(day, {})) for day, totals in per_day.items()]


def _transaction_chunks(
    entries: Sequence[tuple[Mention, DayCounts]],
) -> Iterator[list[tuple[Mention, DayCounts]]]:
    """Split so that mentions + one update per distinct counter item fit a transaction."""
    chunk: list[tuple[Mention, DayCounts]] = []
    days: set[tuple[str, str]] = set()
    for entry in entries:
        new_days = days | entry[1].targets()
        if chunk and len(chunk) + 1 + len(new_days) > TRANSACTION_LIMIT:
            yield chunk
            chunk, new_days = [], entry[1].targets()
        chunk.append(entry)
        days = new_days
    if chunk:
        yield chunk


def mention_item(mention: Mention, day: str | None = None) -> dict[str, Any]:
    """The item for a mention; `day` (the team's local day) keys the day index."""
    data = mention.to_dict()
    data["day"] = day or mention.day
    return to_item(data)


class MentionStore:
    def __init__(self, client: Any, table: str, state_table: str) -> None:
        self._db = client
        self._table = table
        self._state_table = state_table

    def insert(self, mention: Mention, day_counts: DayCounts | None = None) -> bool:
        """Store a new mention (and add its day counters) exactly once.

        Returns False, and changes nothing, when the mention is already stored.
        """
        put = {
            "Put": {
                "TableName": self._table,
                "Item": mention_item(mention, day_counts.day if day_counts else None),
                "ConditionExpression": "attribute_not_exists(id)",
            }
        }
        if day_counts is None:
            try:
                self._db.put_item(**put["Put"])
            except ClientError as error:
                if _is_conditional_failure(error):
                    return False
                raise StoreError(f"put {mention.id}: {error}") from error
            return True
        try:
            self._db.transact_write_items(
                TransactItems=[put, *self._counter_updates(day_counts)],
            )
        except ClientError as error:
            reasons = error.response.get("CancellationReasons") or []
            if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                return False
            raise StoreError(f"insert {mention.id}: {error}") from error
        return True

    def existing(self, ids: Iterable[str]) -> dict[str, Mention]:
        """The stored mentions among `ids` (BatchGetItem, 100 keys a request)."""
        found: dict[str, Mention] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 100):
            keys: list[dict[str, Any]] = [{"id": {"S": i}} for i in unique[start : start + 100]]
            for _attempt in range(5):
                response = self._db.batch_get_item(
                    RequestItems={self._table: {"Keys": keys, "ConsistentRead": True}}
                )
                for item in response.get("Responses", {}).get(self._table, []):
                    mention = Mention.from_dict(from_item(item))
                    found[mention.id] = mention
                keys = response.get("UnprocessedKeys", {}).get(self._table, {}).get("Keys", [])
                if not keys:
                    break
            else:
                raise StoreError(f"{len(keys)} key(s) stayed unprocessed by BatchGetItem")
        return found

    def insert_many(self, entries: Sequence[tuple[Mention, DayCounts]]) -> InsertResult:
        """Store new mentions with their day counters, exactly once, in few requests.

        Mentions go in transactions of up to 100 items (the mentions plus one counter
        update per day, the counts summed). A mention that exists already cancels its
        transaction; it is set aside as a duplicate and the rest is written again. A
        transaction that fails for another reason marks its mentions `failed`: nothing
        of it was written, so retrying them is safe.
        """
        result = InsertResult()
        for chunk in _transaction_chunks(entries):
            self._insert_chunk(list(chunk), result)
        return result

    def _insert_chunk(self, chunk: list[tuple[Mention, DayCounts]], result: InsertResult) -> None:
        for _attempt in range(4):
            if not chunk:
                return
            items = [self._put_new(m, counts.day) for m, counts in chunk]
            for merged in _merge_counts(c for _, c in chunk):
                items += self._counter_updates(merged)
            try:
                self._db.transact_write_items(TransactItems=items)
            except ClientError as error:
                reasons = error.response.get("CancellationReasons") or []
                duplicate = {
                    i
                    for i, r in enumerate(reasons[: len(chunk)])
                    if r.get("Code") == "ConditionalCheckFailed"
                }
                others = [
                    r.get("Code")
                    for r in reasons
                    if r.get("Code") not in (None, "None", "ConditionalCheckFailed")
                ]
                if not duplicate or others:
                    if len(chunk) > 1 and _is_refused_item(error):
                        # one item DynamoDB refuses (a number over 38 digits, an item
                        # over 400 KB) must not fail the rest: write each on its own
                        for entry in chunk:
                            self._insert_chunk([entry], result)
                        return
                    result.failed.update(m.id for m, _ in chunk)
                    result.errors.append(error.response["Error"].get("Code", "Error"))
                    return
                result.duplicates.update(chunk[i][0].id for i in duplicate)
                chunk = [entry for i, entry in enumerate(chunk) if i not in duplicate]
                continue
            result.stored.update(m.id for m, _ in chunk)
            return
        result.failed.update(m.id for m, _ in chunk)
        result.errors.append("TooManyConflicts")

    def _put_new(self, mention: Mention, day: str) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self._table,
                "Item": mention_item(mention, day),
                "ConditionExpression": "attribute_not_exists(id)",
            }
        }

    def _counter_updates(self, day_counts: DayCounts) -> list[dict[str, Any]]:
        return [
            self._counter_update(day_counts.day, "stats", day_counts.counts),
            *(self._counter_update(day_counts.day, sk, c) for sk, c in day_counts.items.items()),
        ]

    def _counter_update(self, day: str, sk: str, counts: Mapping[str, int]) -> dict[str, Any]:
        names = {f"#c{i}": key for i, key in enumerate(counts)}
        values = {f":v{i}": {"N": str(n)} for i, n in enumerate(counts.values())}
        adds = ", ".join(f"#c{i} :v{i}" for i in range(len(names)))
        return {
            "Update": {
                "TableName": self._state_table,
                "Key": to_item({"pk": f"day#{day}", "sk": sk}),
                "UpdateExpression": f"ADD {adds}",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }

    def get(self, mention_id: str) -> Mention | None:
        response = self._db.get_item(
            TableName=self._table, Key={"id": {"S": mention_id}}, ConsistentRead=True
        )
        item = response.get("Item")
        return Mention.from_dict(from_item(item)) if item else None

    def set_status(self, mention_id: str, status: str) -> None:
        self._db.update_item(
            TableName=self._table,
            Key={"id": {"S": mention_id}},
            UpdateExpression="SET #s = :s",
            ConditionExpression="attribute_exists(id)",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": {"S": status}},
        )

    def by_day(self, day: str) -> Iterator[Mention]:
        """Every mention created on `day` (UTC), oldest first, across pages."""
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "by_day",
            "KeyConditionExpression": "#d = :d",
            "ExpressionAttributeNames": {"#d": "day"},
            "ExpressionAttributeValues": {":d": {"S": day}},
        }
        while True:
            page = self._db.query(**kwargs)
            for item in page.get("Items", []):
                yield Mention.from_dict(from_item(item))
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


class StateStore:
    """Small documents under (pk, sk) in the state table."""

    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def get(self, pk: str, sk: str) -> dict[str, Any] | None:
        response = self._db.get_item(
            TableName=self._table, Key=to_item({"pk": pk, "sk": sk}), ConsistentRead=True
        )
        item = response.get("Item")
        if not item:
            return None
        data = from_item(item)
        data.pop("pk")
        data.pop("sk")
        return data

    def get_many(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        """The items among `keys` that exist (BatchGetItem, 100 keys a request, consistent)."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 100):
            pending = [to_item({"pk": pk, "sk": sk}) for pk, sk in unique[start : start + 100]]
            for _attempt in range(5):
                response = self._db.batch_get_item(
                    RequestItems={self._table: {"Keys": pending, "ConsistentRead": True}}
                )
                for item in response.get("Responses", {}).get(self._table, []):
                    data = from_item(item)
                    found[(data.pop("pk"), data.pop("sk"))] = data
                pending = response.get("UnprocessedKeys", {}).get(self._table, {}).get("Keys", [])
                if not pending:
                    break
            else:
                raise StoreError(f"{len(pending)} key(s) stayed unprocessed by BatchGetItem")
        return found

    def put(self, pk: str, sk: str, data: Mapping[str, Any]) -> None:
        self._db.put_item(TableName=self._table, Item=to_item({**data, "pk": pk, "sk": sk}))

    def put_new(self, pk: str, sk: str, data: Mapping[str, Any]) -> bool:
        """Put only if (pk, sk) does not exist yet; False when it did."""
        try:
            self._db.put_item(
                TableName=self._table,
                Item=to_item({**data, "pk": pk, "sk": sk}),
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if _is_conditional_failure(error):
                return False
            raise StoreError(f"put_new {pk}/{sk}: {error}") from error
        return True

    def update(
        self,
        pk: str,
        sk: str,
        changes: Mapping[str, Any],
        *,
        expect: Mapping[str, Any] | None = None,
        remove: tuple[str, ...] = (),
    ) -> bool:
        """Set `changes` (and remove attributes); only when `expect` holds, if given.

        Returns False when the expectation did not hold.
        """
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        sets = []
        for i, (key, value) in enumerate(changes.items()):
            if value is None:
                remove = (*remove, key)
                continue
            names[f"#s{i}"] = key
            values[f":s{i}"] = _to_attr(value)
            sets.append(f"#s{i} = :s{i}")
        removes = []
        for i, key in enumerate(remove):
            names[f"#r{i}"] = key
            removes.append(f"#r{i}")
        expression = ""
        if sets:
            expression += "SET " + ", ".join(sets)
        if removes:
            expression += " REMOVE " + ", ".join(removes)
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "Key": to_item({"pk": pk, "sk": sk}),
            "UpdateExpression": expression.strip(),
            "ExpressionAttributeNames": names,
        }
        conditions = ["attribute_exists(pk)"]
        for i, (key, value) in enumerate((expect or {}).items()):
            names[f"#e{i}"] = key
            values[f":e{i}"] = _to_attr(value)
            conditions.append(f"#e{i} = :e{i}")
        kwargs["ConditionExpression"] = " AND ".join(conditions)
        if values:
            kwargs["ExpressionAttributeValues"] = values
        try:
            self._db.update_item(**kwargs)
        except ClientError as error:
            if _is_conditional_failure(error):
                return False
            raise StoreError(f"update {pk}/{sk}: {error}") from error
        return True

    def add(self, pk: str, sk: str, counts: Mapping[str, int]) -> dict[str, int]:
        """Atomically add to counters; returns the new values."""
        names = {f"#c{i}": key for i, key in enumerate(counts)}
        values = {f":v{i}": {"N": str(n)} for i, n in enumerate(counts.values())}
        response = self._db.update_item(
            TableName=self._table,
            Key=to_item({"pk": pk, "sk": sk}),
            UpdateExpression="ADD " + ", ".join(f"#c{i} :v{i}" for i in range(len(names))),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="UPDATED_NEW",
        )
        # moto answers UPDATED_NEW with the whole item when the update creates it
        new = from_item(response["Attributes"])
        return {k: int(new[k]) for k in counts if k in new}

    def add_once(
        self,
        marker: tuple[str, str],
        flags: Sequence[str],
        target: tuple[str, str],
        counts: Mapping[str, int],
    ) -> bool:
        """Add to the counters of `target` unless the item `marker` carries any of `flags`.

        Sets `flags` on `marker` (which must exist) in the same transaction: calling
        again changes nothing and returns False.
        """
        flag_names = {f"#f{i}": flag for i, flag in enumerate(flags)}
        names = {f"#c{i}": key for i, key in enumerate(counts)}
        values = {f":v{i}": {"N": str(n)} for i, n in enumerate(counts.values())}
        try:
            self._db.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": to_item({"pk": marker[0], "sk": marker[1]}),
                            "UpdateExpression": "SET "
                            + ", ".join(f"{name} = :t" for name in flag_names),
                            "ConditionExpression": " AND ".join(
                                [
                                    "attribute_exists(pk)",
                                    *(f"attribute_not_exists({name})" for name in flag_names),
                                ]
                            ),
                            "ExpressionAttributeNames": flag_names,
                            "ExpressionAttributeValues": {":t": {"BOOL": True}},
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": to_item({"pk": target[0], "sk": target[1]}),
                            "UpdateExpression": "ADD "
                            + ", ".join(f"#c{i} :v{i}" for i in range(len(names))),
                            "ExpressionAttributeNames": names,
                            "ExpressionAttributeValues": values,
                        }
                    },
                ]
            )
        except ClientError as error:
            reasons = error.response.get("CancellationReasons") or []
            if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                return False
            raise StoreError(f"add_once {target}: {error}") from error
        return True

    def query_index_between(
        self, gsi1pk: str, start: str, end: str, *, limit: int
    ) -> list[dict[str, Any]]:
        """At most `limit` items on `gsi1` under `gsi1pk` with start <= gsi1sk < end."""
        response = self._db.query(
            TableName=self._table,
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :p AND gsi1sk BETWEEN :s AND :e",
            ExpressionAttributeValues=to_item({":p": gsi1pk, ":s": start, ":e": end}),
            Limit=limit,
        )
        return [from_item(item) for item in response.get("Items", []) if item["gsi1sk"]["S"] < end]

    def query(self, pk: str, sk_prefix: str = "") -> Iterator[dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk"
            + (" AND begins_with(sk, :sk)" if sk_prefix else ""),
            "ExpressionAttributeValues": to_item(
                {":pk": pk, **({":sk": sk_prefix} if sk_prefix else {})}
            ),
            "ConsistentRead": True,
        }
        yield from self._paginate(kwargs)

    def query_index(self, gsi1pk: str, until: str | None = None) -> Iterator[dict[str, Any]]:
        """Items on the `gsi1` index under `gsi1pk`, optionally with gsi1sk <= `until`."""
        condition = "gsi1pk = :p" + (" AND gsi1sk <= :u" if until is not None else "")
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "gsi1",
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": to_item(
                {":p": gsi1pk, **({":u": until} if until is not None else {})}
            ),
        }
        yield from self._paginate(kwargs)

    def _paginate(self, kwargs: dict[str, Any]) -> Iterator[dict[str, Any]]:
        while True:
            page = self._db.query(**kwargs)
            for item in page.get("Items", []):
                yield from_item(item)
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def delete(self, pk: str, sk: str) -> None:
        self._db.delete_item(TableName=self._table, Key=to_item({"pk": pk, "sk": sk}))
