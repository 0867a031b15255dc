"""One contract for the state table, held by both implementations: `Table` on DynamoDB
(moto) and `MemoryTable`. A test double the services run against cannot drift from
what DynamoDB does if the same claims are checked on both."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from chalicelib.errors import StoreError
from chalicelib.store import MemoryTable, StateTable, Table
from chalicelib.store.keys import Key

A = Key("thing#1", "doc")
B = Key("thing#1", "other")
C = Key("thing#2", "doc")


@pytest.fixture
def dynamodb_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[Table]:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        client.create_table(
            TableName="state",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "gsi1pk", "gsi1sk")
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "gsi1",
                    "KeySchema": [
                        {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                        {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        yield Table(client, "state")


@pytest.fixture(params=["memory", "dynamodb"])
def table(request: pytest.FixtureRequest) -> StateTable:
    if request.param == "memory":
        return MemoryTable()
    return request.getfixturevalue("dynamodb_table")  # type: ignore[no-any-return]


def test_a_missing_item_is_none_and_a_put_one_reads_back_as_plain_values(table):
    assert table.get(A) is None
    table.put(A, {"n": 3, "x": 0.25, "s": "hi", "ok": True, "l": [1, "a"], "m": {"k": 2}})
    assert table.get(A) == {"n": 3, "x": 0.25, "s": "hi", "ok": True, "l": [1, "a"], "m": {"k": 2}}


def test_none_is_absence_and_tuples_come_back_as_lists(table):
    table.put(A, {"gone": None, "t": (1, 2), "m": {"a": None, "b": 1}})
    assert table.get(A) == {"t": [1, 2], "m": {"b": 1}}


def test_put_new_writes_once(table):
    assert table.put_new(A, {"v": 1}) is True
    assert table.put_new(A, {"v": 2}) is False
    assert table.get(A) == {"v": 1}


def test_update_sets_removes_and_needs_the_item_and_the_expectation(table):
    assert table.update(A, {"v": 1}) is False  # no item: nothing created
    assert table.get(A) is None
    table.put(A, {"v": 1, "state": "sent", "note": "x"})
    assert table.update(A, {"state": "acked"}, expect={"state": "held"}) is False
    assert table.update(A, {"state": "acked", "note": None}, expect={"state": "sent"}) is True
    assert table.update(A, {"v": 2}, remove=("state",)) is True
    assert table.get(A) == {"v": 2}


def test_an_expected_none_means_the_attribute_is_absent(table):
    table.put(A, {"state": "acked", "holder": None})  # None is never stored
    assert table.update(A, {"holder": "ann"}, expect={"holder": None, "state": "acked"}) is True
    assert table.update(A, {"holder": "bob"}, expect={"holder": None}) is False
    assert table.update(A, {"holder": "bob"}, expect={"holder": "ann"}) is True
    assert table.get(A) == {"state": "acked", "holder": "bob"}


def test_add_creates_and_counts(table):
    assert table.add(A, {"n": 2, "m": 1}) == {"n": 2, "m": 1}
    assert table.add(A, {"n": 3}) == {"n": 5}
    assert table.get(A) == {"n": 5, "m": 1}


def test_add_sets_the_set_once_attributes_only_when_the_item_lacks_them(table):
    assert table.add(A, {"n": 1}, set_once={"since": "10:00", "ttl": 5}) == {"n": 1}
    assert table.add(A, {"n": 1}, set_once={"since": "11:00", "new": "x"}) == {"n": 2}
    assert table.get(A) == {"n": 2, "since": "10:00", "ttl": 5, "new": "x"}


def test_add_up_to_counts_while_below_the_limit_and_leaves_it_alone_at_it(table):
    assert [table.add_up_to(A, "n", 2, set_once={"ttl": 9}) for _ in range(3)] == [1, 2, None]
    assert table.get(A) == {"n": 2, "ttl": 9}
    assert table.add_up_to(A, "n", 3) == 3  # a higher limit (the reserve) counts on
    assert table.add_up_to(B, "n", 0) is None  # nothing counted, nothing created
    assert table.get(B) is None


def test_add_up_to_adds_its_other_counters_only_while_the_first_is_below_the_limit(table):
    # GIVEN a counter limited to 2 that brings two others along
    also = {"count": 1, "t#storing": 1}
    # WHEN it is added to three times
    added = [table.add_up_to(A, "themed", 2, also=also, set_once={"ttl": 9}) for _ in range(3)]
    # THEN the third changed nothing: not the limited counter, not the others
    assert added == [1, 2, None]
    assert table.get(A) == {"themed": 2, "count": 2, "t#storing": 2, "ttl": 9}


def test_query_reads_newest_first_and_page_by_page_as_the_caller_reads_on(table):
    for n in range(7):
        table.put(Key("thing#1", f"doc{n}"), {"v": n})
    assert [i["v"] for i in table.query("thing#1", newest_first=True)] == [6, 5, 4, 3, 2, 1, 0]
    assert [i["v"] for i in table.query("thing#1", "doc", page=3)] == list(range(7))
    first = next(iter(table.query("thing#1", newest_first=True, page=2)))
    assert (first["sk"], first["v"]) == ("doc6", 6)


def test_add_once_counts_each_flag_once(table):
    assert table.add_once(B, ["f#a"], A, {"n": 1}, extra={"expires_at": 99}) is True
    assert table.add_once(B, ["f#a"], A, {"n": 1}) is False
    assert table.add_once(B, ["f#b"], A, {"n": 1}) is True
    assert table.get(A) == {"n": 2}
    assert table.get(B) == {"f#a": True, "f#b": True, "expires_at": 99}


def test_add_once_adds_to_further_items_in_the_same_transaction(table):
    assert table.add_once(B, ["f#a", "f#b"], A, {"n": 1}, also={C: {"m": 2}}) is True
    assert table.add_once(B, ["f#b"], A, {"n": 1}, also={C: {"m": 2}}) is False
    assert (table.get(A), table.get(C)) == ({"n": 1}, {"m": 2})
    assert table.add_once(B, ["f#c"], A, {}, also={C: {"m": 1}}) is True  # A: nothing to add
    assert (table.get(A), table.get(C)) == ({"n": 1}, {"m": 3})


def test_get_many_returns_the_items_that_exist(table):
    table.put(A, {"v": 1})
    table.put(C, {"v": 3})
    assert table.get_many([A, B, C, A]) == {A: {"v": 1}, C: {"v": 3}}


def test_query_lists_a_partition_by_sort_key_with_its_keys(table):
    table.put(B, {"v": 2})
    table.put(A, {"v": 1})
    table.put(C, {"v": 3})
    assert [(i["sk"], i["v"]) for i in table.query("thing#1")] == [("doc", 1), ("other", 2)]
    assert [i["sk"] for i in table.query("thing#1", "oth")] == ["other"]


def test_query_index_reads_the_overloaded_index_up_to_a_bound(table):
    table.put(A, {"gsi1pk": "due", "gsi1sk": "2026-11-23T10:00:00Z"})
    table.put(B, {"gsi1pk": "due", "gsi1sk": "2026-11-23T09:00:00Z"})
    table.put(C, {"gsi1pk": "held", "gsi1sk": "2026-11-23T08:00:00Z"})
    assert [i["sk"] for i in table.query_index("due")] == ["other", "doc"]
    assert [i["sk"] for i in table.query_index("due", until="2026-11-23T09:30:00Z")] == ["other"]


def test_delete_and_scan(table):
    table.put(A, {"v": 1})
    table.put(C, {"v": 3})
    table.delete(A)
    table.delete(B)  # missing: not an error
    assert [(i["pk"], i["v"]) for i in table.scan()] == [("thing#2", 3)]


def test_a_number_dynamodb_cannot_hold_is_a_store_error(table):
    with pytest.raises(StoreError) as raised:
        table.put(A, {"followers": int("9" * 45)})
    assert raised.value.code == "ValidationException"
