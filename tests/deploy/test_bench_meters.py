"""The meters behind `make bench` count what they claim to count (no timing here).

* `digest_reads.ReadMeter` charges DynamoDB reads as DynamoDB does: 4 KB units, a missing
  item still one unit, eventually consistent reads half, a Query page by its total size;
* `requests_budget` attributes every request of a small intake-to-stored run to a known
  concern, so a renamed module cannot silently move requests out of the figure.
"""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks import digest_reads, requests_budget


class Operation:
    def __init__(self, name: str) -> None:
        self.name = name


def item_of(size: int) -> dict[str, Any]:
    """An item of exactly `size` bytes: attribute `pk` (2) + a string of size - 2."""
    return {"pk": {"S": "x" * (size - 2)}}


def charge(meter: digest_reads.ReadMeter, operation: str, params: dict, parsed: dict) -> None:
    context: dict[str, Any] = {}
    meter._remember(params=params, context=context)
    meter._charge(parsed=parsed, model=Operation(operation), context=context)


def test_item_size_counts_names_and_values() -> None:
    item = {"pk": {"S": "day#1"}, "n": {"N": "12345"}, "ok": {"BOOL": True}}
    # pk 2+5, n 1 + (5 digits -> 3 + 1), ok 2+1
    assert digest_reads.item_size(item) == 7 + 5 + 3


@pytest.mark.parametrize(
    ("size", "consistent", "units"),
    [(100, True, 1), (4096, True, 1), (4097, True, 2), (10_000, True, 3), (10_000, False, 1.5)],
)
def test_get_item_is_charged_per_started_4_kb(size: int, consistent: bool, units: float) -> None:
    meter = digest_reads.ReadMeter()
    params = {"TableName": "t", "ConsistentRead": consistent}
    charge(meter, "GetItem", params, {"Item": item_of(size)})
    assert meter.total() == units


def test_a_missing_item_still_costs_a_unit() -> None:
    meter = digest_reads.ReadMeter()
    charge(meter, "GetItem", {"TableName": "t", "ConsistentRead": True}, {})
    assert meter.total() == 1


def test_query_is_charged_by_the_page_not_the_item() -> None:
    meter = digest_reads.ReadMeter()
    charge(meter, "Query", {"TableName": "t"}, {"Items": [item_of(100)] * 30})  # 3 KB
    assert meter.total() == 0.5


def test_batch_get_charges_every_key_asked_for() -> None:
    meter = digest_reads.ReadMeter()
    keys = [{"pk": {"S": str(i)}} for i in range(3)]
    params = {"RequestItems": {"t": {"Keys": keys, "ConsistentRead": True}}}
    charge(meter, "BatchGetItem", params, {"Responses": {"t": [item_of(5000)]}})
    assert meter.total() == 2 + 1 + 1


@pytest.mark.filterwarnings("ignore:Tried to parse AWS")
def test_every_request_of_intake_to_stored_has_a_known_owner() -> None:
    # GIVEN 30 new mentions WHEN they are queued and triaged on moto
    result = requests_budget.measure(["still waiting for my refund", "great help!"], mentions=30)
    breakdown = result["breakdown"]
    # THEN every request is attributed, the queue holds them all, and each is stored once
    assert [b for b in breakdown if b.startswith("other")] == []
    assert result["stored"] == 30
    assert breakdown["intake"] == {"SQS.SendMessageBatch": 1}
    assert breakdown["dedup"] == {"DynamoDB.BatchGetItem": 1}
    assert set(breakdown["store"]) == {"DynamoDB.TransactWriteItems"}
    assert "SQS.ReceiveMessage" in breakdown["event_source"]
    assert result["webhook_intake"]["accepted"] == 30
    assert result["webhook_intake"]["intake:SQS.SendMessageBatch"] == 1
    excluded = result["alert_requests"] + result["event_source_requests"]
    assert result["requests"] == sum(sum(ops.values()) for ops in breakdown.values()) - excluded
