"""DynamoDB calls as the store makes them: errors translated, pages followed.

Shared by `table.py` (the state table) and `mentions.py` (the mentions table).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import ConditionFailed, StoreError, TransactionCancelled
from .codec import from_item, to_attr, to_item
from .keys import Key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

BATCH_GET_LIMIT = 100
BATCH_GET_ATTEMPTS = 5
GSI = "gsi1"


# What is worth another try a moment later: throttling, and transactions that lost a race
# (DynamoDB cancels one of two overlapping transactions with TransactionConflict; botocore
# does not retry that). Each try waits a random time up to an exponentially growing cap
# ("full jitter"), so the Lambdas that collided do not collide again.
RETRY_CODES = frozenset(
    {
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "TransactionConflictException",
        "TransactionInProgressException",
        "InternalServerError",
    }
)
RETRY_REASONS = frozenset(
    {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}
)
RETRY_ATTEMPTS = 5
BACKOFF_BASE = 0.05  # seconds
BACKOFF_CAP = 1.0


def retryable(error: StoreError) -> bool:
    """A failure that another try, a moment later, may not meet."""
    if isinstance(error, TransactionCancelled):
        others = [r for r in error.reasons if r not in ("None", "ConditionalCheckFailed")]
        return bool(others) and all(r in RETRY_REASONS for r in others)
    return error.code in RETRY_CODES


def backoff(attempt: int, rng: random.Random | None = None) -> float:
    """Seconds to wait before try `attempt + 1`: full jitter, capped."""
    cap = min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt)
    return (rng or random).uniform(0, cap)


def call[T](operation: Callable[..., T], what: str, **kwargs: Any) -> T:
    """Run one DynamoDB call; every botocore failure becomes a `StoreError`.

    A failed condition is `ConditionFailed`; a cancelled transaction is
    `TransactionCancelled` with DynamoDB's cancellation reason codes.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return operation(**kwargs)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "Error")
        if code == "ConditionalCheckFailedException":
            raise ConditionFailed(f"{what}: condition not met") from error
        if code == "TransactionCanceledException":
            reasons = [
                r.get("Code") or "None" for r in error.response.get("CancellationReasons") or []
            ]
            raise TransactionCancelled(f"{what}: {code}", reasons) from error
        raise StoreError(f"{what}: {code}", code=code) from error
    except BotoCoreError as error:
        raise StoreError(f"{what}: {type(error).__name__}", code=type(error).__name__) from error


def add_expression(
    counts: Mapping[str, int], prefix: str = "c"
) -> tuple[str, dict[str, str], dict[str, Any]]:
    """`ADD #c0 :c0, …` with its names and values, for counters."""
    names = {f"#{prefix}{i}": key for i, key in enumerate(counts)}
    values = {f":{prefix}{i}": to_attr(int(n)) for i, n in enumerate(counts.values())}
    expression = "ADD " + ", ".join(f"#{prefix}{i} :{prefix}{i}" for i in range(len(names)))
    return expression, names, values


def count_expression(
    counts: Mapping[str, int], set_once: Mapping[str, Any] | None
) -> tuple[str, dict[str, str], dict[str, Any]]:
    """`ADD` the counters, and `SET` each of `set_once` only if the item lacks it."""
    expression, names, values = add_expression(counts)
    sets = []
    for i, (attribute, value) in enumerate((set_once or {}).items()):
        names[f"#o{i}"] = attribute
        values[f":o{i}"] = to_attr(value)
        sets.append(f"#o{i} = if_not_exists(#o{i}, :o{i})")
    if sets:
        expression += " SET " + ", ".join(sets)
    return expression, names, values


def flag_update(
    table: str, key: Key, flags: Sequence[str], extra: Mapping[str, Any]
) -> dict[str, Any]:
    """A transaction's Update item that sets `flags` (and `extra`) on the item at `key`,
    on the condition that it carries none of the flags yet."""
    flag_names = {f"#f{i}": flag for i, flag in enumerate(flags)}
    extra_names = {f"#x{i}": name for i, name in enumerate(extra)}
    values: dict[str, Any] = {":t": to_attr(True)}
    values.update({f":x{i}": to_attr(v) for i, v in enumerate(extra.values())})
    sets = [f"{n} = :t" for n in flag_names] + [f"{n} = :x{i}" for i, n in enumerate(extra_names)]
    return {
        "Update": {
            "TableName": table,
            "Key": to_item({"pk": key.pk, "sk": key.sk}),
            "UpdateExpression": "SET " + ", ".join(sets),
            "ConditionExpression": " AND ".join(f"attribute_not_exists({n})" for n in flag_names),
            "ExpressionAttributeNames": {**flag_names, **extra_names},
            "ExpressionAttributeValues": values,
        }
    }


def add_update(table: str, key: Key, counts: Mapping[str, int]) -> dict[str, Any]:
    """A transaction's Update item that adds `counts` to the item at `key`."""
    expression, names, values = add_expression(counts)
    return {
        "Update": {
            "TableName": table,
            "Key": to_item({"pk": key.pk, "sk": key.sk}),
            "UpdateExpression": expression,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def pages(operation: Callable[..., Any], what: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every item of a Query or Scan, across pages, as plain dicts."""
    while True:
        page = call(operation, what, **kwargs)
        for item in page.get("Items", []):
            yield from_item(item)
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def batch_get(
    client: DynamoDBClient, table: str, keys: Sequence[dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    """BatchGetItem (consistent), 100 keys a request, unprocessed keys asked again."""
    unique = list({repr(sorted(k.items())): k for k in keys}.values())
    for start in range(0, len(unique), BATCH_GET_LIMIT):
        pending: list[dict[str, Any]] = list(unique[start : start + BATCH_GET_LIMIT])
        for _attempt in range(BATCH_GET_ATTEMPTS):
            response = call(
                client.batch_get_item,
                f"batch get {table}",
                RequestItems={table: {"Keys": pending, "ConsistentRead": True}},
            )
            for item in response.get("Responses", {}).get(table, []):
                yield from_item(item)
            unprocessed = response.get("UnprocessedKeys", {}).get(table)
            pending = list(unprocessed["Keys"]) if unprocessed else []
            if not pending:
                break
        else:
            raise StoreError(f"{len(pending)} key(s) stayed unprocessed by BatchGetItem")
