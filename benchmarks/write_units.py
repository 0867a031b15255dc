"""DynamoDB write units, metered as DynamoDB bills them, on moto.

botocore hooks on the app's session see every write request; for each item it writes the
meter reads the item from moto's backend before (`before-call`) and after (`after-call`)
and charges, per DynamoDB's on-demand rules:

* PutItem, UpdateItem, DeleteItem, BatchWriteItem: one unit per started KB of the larger
  of the item before and after (at least one);
* TransactWriteItems: each item twice that ("two underlying writes per item");
* a global secondary index the item is (or was) in: one write of the projected item per
  started KB more (and a delete when its key changes or the item goes);
* a conditional write whose condition failed is charged too (it is a write attempt);
  a cancelled transaction's items are charged as if written (counted under `cancelled`).

Item sizes are moto's (`Item.size()`: attribute names plus values, numbers by digits),
close to DynamoDB's own. Used by `requests_budget.measure` (write units per 1,000 new
mentions).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

INDEXED = "gsi1pk"  # the state table's one index (the mentions table has none)


def _units(size: int) -> int:
    return max(1, math.ceil(size / 1024))


class WriteMeter:
    """Write units per (bucket, operation); `bucket(frame)` attributes them."""

    def __init__(self, bucket: Any) -> None:
        self.units: Counter[tuple[str, str]] = Counter()
        self.paused = False
        self._bucket = bucket
        self._pending: list[tuple[str, dict[str, Any], int, bool, bool]] = []

    # ------------------------------------------------------------ hooks

    def before(self, model: Any = None, params: Any = None, **_: Any) -> None:
        self._pending = []
        if self.paused or model is None or model.service_model.service_name != "dynamodb":
            return
        body = params.get("body") if isinstance(params, dict) else None
        request = _json(body)
        for table, key, transactional in _written(model.name, request):
            size, indexed = _item(table, key)
            self._pending.append((table, key, size, indexed, transactional))

    def after(self, model: Any = None, **_: Any) -> None:
        if self.paused or not self._pending:
            return
        import sys

        bucket = self._bucket(sys._getframe(1))
        for table, key, size_before, indexed_before, transactional in self._pending:
            size_after, indexed_after = _item(table, key)
            units = _units(max(size_before, size_after)) * (2 if transactional else 1)
            if indexed_after:
                units += _units(size_after)  # the index's copy
            elif indexed_before:
                units += 1  # taken out of the index
            self.units[(bucket, model.name)] += units
        self._pending = []

    def total(self, *, exclude: tuple[str, ...] = ()) -> int:
        return sum(n for (bucket, _), n in self.units.items() if bucket not in exclude)

    def breakdown(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for (bucket, operation), n in sorted(self.units.items()):
            out.setdefault(bucket, {})[operation] = n
        return out


def _json(body: Any) -> dict[str, Any]:
    import json

    if isinstance(body, bytes | str) and body:
        try:
            data = json.loads(body)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
    return {}


def _key_of(table: str, item: dict[str, Any]) -> dict[str, Any]:
    names = ("pk", "sk") if "pk" in item else ("id",)
    return {n: item[n] for n in names if n in item}


def _written(operation: str, request: dict[str, Any]) -> list[tuple[str, dict[str, Any], bool]]:
    """(table, key, in a transaction) of every item the request writes."""
    if operation == "PutItem":
        return [(request["TableName"], _key_of(request["TableName"], request["Item"]), False)]
    if operation in ("UpdateItem", "DeleteItem"):
        return [(request["TableName"], request["Key"], False)]
    if operation == "BatchWriteItem":
        out = []
        for table, writes in request.get("RequestItems", {}).items():
            for write in writes:
                if "PutRequest" in write:
                    out.append((table, _key_of(table, write["PutRequest"]["Item"]), False))
                else:
                    out.append((table, write["DeleteRequest"]["Key"], False))
        return out
    if operation == "TransactWriteItems":
        out = []
        for entry in request.get("TransactItems", []):
            ((kind, op),) = entry.items()
            if kind == "ConditionCheck":
                continue
            key = _key_of(op["TableName"], op["Item"]) if kind == "Put" else op["Key"]
            out.append((op["TableName"], key, True))
        return out
    return []


def _item(table_name: str, key: dict[str, Any]) -> tuple[int, bool]:
    """(size in bytes, in the index) of the item in moto's backend now; (0, False) if none."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from devstack.moto_stack import REGION

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]
    try:
        item = backend.get_item(table_name, key)
    except Exception:  # a table or key moto refuses: nothing written
        return 0, False
    if item is None:
        return 0, False
    return int(item.size()), INDEXED in item.attrs
