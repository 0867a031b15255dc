"""MentionStore under DynamoDB faults: retried, set aside, or failed, never half-written."""

from __future__ import annotations

import random
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.errors import StoreError
from chalicelib.model import Author, Mention
from chalicelib.store import DayCounts, MentionStore, dynamo, keys
from chalicelib.store.mentions import mention_item


def mention(n: int, followers: int = 10) -> Mention:
    return Mention(
        source="x",
        native_id=str(n),
        url=f"https://x.com/a/status/{n}",
        author=Author("1", "a", followers=followers),
        text=f"post {n}",
        created_at="2026-11-23T08:00:00Z",
        received_at="2026-11-23T08:00:01Z",
    )


def cancelled(codes: list[str], code: str = "TransactionCanceledException") -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": "x"},
            "CancellationReasons": [{"Code": c} for c in codes],
        },
        "TransactWriteItems",
    )


class FakeDynamo:
    """Transactions fail by rule; BatchGetItem leaves keys unprocessed `unprocessed` times."""

    def __init__(
        self,
        refuse: set[str] = frozenset(),
        throttle: int = 0,
        unprocessed: int = 0,
        conflict: int = 0,
    ):
        self.items: dict[str, dict[str, Any]] = {}
        self.refuse = refuse
        self.throttle = throttle
        self.conflict = conflict
        self.unprocessed = unprocessed
        self.transactions = 0
        self.updated: list[str] = []  # sort keys of the counter items each transaction added to

    def transact_write_items(self, TransactItems: list[dict[str, Any]]) -> dict:
        self.transactions += 1
        puts = [t["Put"]["Item"] for t in TransactItems if "Put" in t]
        if self.throttle:
            self.throttle -= 1
            raise cancelled(["ThrottlingError"] + ["None"] * (len(TransactItems) - 1))
        if self.conflict:  # another Lambda's transaction touched the same counter item
            self.conflict -= 1
            raise cancelled(["None"] * (len(TransactItems) - 1) + ["TransactionConflict"])
        if any(p["id"]["S"] in self.refuse for p in puts):
            raise ClientError(
                {"Error": {"Code": "ValidationException", "Message": "38 digits"}},
                "TransactWriteItems",
            )
        exists = [p["id"]["S"] in self.items for p in puts]
        if any(exists):
            codes = ["ConditionalCheckFailed" if e else "None" for e in exists]
            raise cancelled(codes + ["None"] * (len(TransactItems) - len(puts)))
        for p in puts:
            self.items[p["id"]["S"]] = p
        self.updated += [t["Update"]["Key"]["sk"]["S"] for t in TransactItems if "Update" in t]
        return {}

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        ((table, request),) = RequestItems.items()
        keys = request["Keys"]
        if self.unprocessed:
            self.unprocessed -= 1
            return {"Responses": {table: []}, "UnprocessedKeys": {table: {"Keys": keys}}}
        found = [self.items[k["id"]["S"]] for k in keys if k["id"]["S"] in self.items]
        return {"Responses": {table: found}}


def entries(*ns: int) -> list[tuple[Mention, DayCounts]]:
    return [(mention(n), DayCounts("2026-11-23", {"total": 1})) for n in ns]


def test_unprocessed_keys_are_asked_again_until_answered():
    db = FakeDynamo(unprocessed=3)
    db.items["x:1"] = mention_item(mention(1))
    assert list(MentionStore(db, "m", "s").existing(["x:1", "x:2"])) == ["x:1"]


def test_keys_left_unprocessed_five_times_raise_so_the_batch_is_retried_whole():
    db = FakeDynamo(unprocessed=5)
    with pytest.raises(StoreError, match="unprocessed"):
        MentionStore(db, "m", "s").existing(["x:1"])


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def store(db: FakeDynamo, sleeps: Sleeps | None = None) -> MentionStore:
    return MentionStore(
        db, "m", "s", sleep=Sleeps() if sleeps is None else sleeps, rng=random.Random(1)
    )


@pytest.mark.parametrize("fault", ["throttle", "conflict"])
def test_a_throttled_or_conflicting_transaction_is_retried_after_a_jittered_wait(fault):
    # GIVEN DynamoDB cancels the transaction twice (throttled, or a parallel transaction
    # on the same counter item: TransactionConflict, which botocore does not retry)
    db, sleeps = FakeDynamo(**{fault: 2}), Sleeps()
    # WHEN the mentions are inserted
    result = store(db, sleeps).insert_many(entries(1, 2))
    # THEN they are stored once, after two waits below the growing caps (was: failed)
    assert result.stored == {"x:1", "x:2"} and result.failed == set()
    assert db.transactions == 3 and len(sleeps) == 2
    assert 0 <= sleeps[0] <= dynamo.BACKOFF_BASE and 0 <= sleeps[1] <= 2 * dynamo.BACKOFF_BASE


def test_a_transaction_that_keeps_being_throttled_fails_its_mentions_and_writes_nothing():
    db = FakeDynamo(throttle=dynamo.RETRY_ATTEMPTS)
    result = store(db).insert_many(entries(1, 2))
    assert result.failed == {"x:1", "x:2"} and result.stored == set()
    assert db.items == {} and result.errors == ["TransactionCanceledException"]
    assert db.transactions == dynamo.RETRY_ATTEMPTS


def test_the_days_counters_go_to_one_of_its_stats_shards_never_one_hot_item():
    db = FakeDynamo()
    mentions = store(db)
    for n in range(40):
        mentions.insert_many(entries(n))
    shards = set(db.updated)
    assert all(sk.startswith("stats#") for sk in shards)
    assert 3 < len(shards) <= keys.STATS_SHARDS


def test_duplicates_are_set_aside_and_the_rest_written_in_the_same_call():
    db = FakeDynamo()
    db.items["x:2"] = mention_item(mention(2))
    result = MentionStore(db, "m", "s").insert_many(entries(1, 2, 3))
    assert result.stored == {"x:1", "x:3"} and result.duplicates == {"x:2"}
    assert result.failed == set()


def test_an_item_dynamodb_refuses_fails_alone_and_the_others_are_stored():
    db = FakeDynamo(refuse={"x:2"})
    result = MentionStore(db, "m", "s").insert_many(entries(1, 2, 3))
    assert result.stored == {"x:1", "x:3"} and result.failed == set()
    assert result.refused == {"x:2": "ValidationException"}  # never retried: quarantined
    assert sorted(db.items) == ["x:1", "x:3"]
