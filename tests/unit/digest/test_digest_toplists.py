"""Bounded top lists: the best N survive sharding, re-offers and racing writers."""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping
from typing import Any

import pytest

from chalicelib.digest.toplists import ListSpec, TopLists
from chalicelib.errors import StoreError


class MemoryShards:
    """The three StateStore calls a list makes, with DynamoDB's conditional semantics.

    `before_update` runs just before each conditional update: a test uses it to let a
    "parallel Lambda" write first.
    """

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        self.before_update: Any = None
        self.writes = 0

    def get(self, pk: str, sk: str) -> dict[str, Any] | None:
        item = self.items.get((pk, sk))
        return copy.deepcopy(item) if item is not None else None

    def put_new(self, pk: str, sk: str, data: Mapping[str, Any]) -> bool:
        if (pk, sk) in self.items:
            return False
        self.items[(pk, sk)] = copy.deepcopy(dict(data))
        self.writes += 1
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
        if self.before_update is not None:
            hook, self.before_update = self.before_update, None
            hook()
        item = self.items.get((pk, sk))
        if item is None or any(item.get(k) != v for k, v in (expect or {}).items()):
            return False
        item.update(copy.deepcopy(dict(changes)))
        for key in remove:
            item.pop(key, None)
        self.writes += 1
        return True


SPEC = ListSpec("neg", cap=5, shards=3)


def offered(lists: TopLists, n: int, seed: int = 1) -> list[tuple[tuple[float, ...], str]]:
    rng = random.Random(seed)
    expected = []
    for i in range(n):
        rank = (round(rng.uniform(0, 100), 1), float(rng.randrange(10_000)))
        key = f"x:{i}"
        lists.offer("2026-11-22", SPEC, key, rank, {"text": f"post {i}"})
        expected.append((rank, key))
    return sorted(expected, reverse=True)


def test_the_list_holds_exactly_the_best_entries_of_all_offered():
    lists = TopLists(MemoryShards())
    expected = offered(lists, 400)
    got = [(e.rank, e.key) for e in lists.read("2026-11-22", SPEC)]
    assert got == expected[: SPEC.cap]


def test_no_shard_grows_past_its_cap():
    store = MemoryShards()
    offered(TopLists(store), 400)
    for item in store.items.values():
        assert sum(1 for key in item if key.startswith("e#")) <= SPEC.cap


def test_offering_everything_again_changes_nothing():
    store = MemoryShards()
    lists = TopLists(store)
    offered(lists, 200)
    before, writes = copy.deepcopy(store.items), store.writes
    offered(TopLists(store), 200)  # a redelivery, in a fresh container (no cached floors)
    assert store.items == before and store.writes == writes


def test_an_entry_keeps_the_best_rank_it_was_offered():
    lists = TopLists(MemoryShards())
    lists.offer("d", SPEC, "amb:1", (500.0,), {"text": "first"})
    lists.offer("d", SPEC, "amb:1", (900.0,), {"text": "better"})
    lists.offer("d", SPEC, "amb:1", (100.0,), {"text": "worse"})
    (entry,) = lists.read("d", SPEC)
    assert entry.rank == (900.0,) and entry.payload["text"] == "better"


def test_a_racing_writer_makes_the_offer_read_again_and_both_entries_survive():
    store = MemoryShards()
    shard = TopLists.shard_sk(SPEC, "x:0")
    a, b, c = [k for k in (f"x:{i}" for i in range(100)) if TopLists.shard_sk(SPEC, k) == shard][:3]
    lists, rival = TopLists(store), TopLists(store)  # two containers, one table
    lists.offer("d", SPEC, a, (10.0,), {})
    store.before_update = lambda: rival.offer("d", SPEC, b, (20.0,), {})
    version = store.items[("day#d", shard)]["v"]
    assert lists.offer("d", SPEC, c, (30.0,), {})
    assert store.items[("day#d", shard)]["v"] == version + 2  # the rival's write, then ours
    assert {e.key for e in lists.read("d", SPEC)} == {a, b, c}


def test_an_offer_that_never_wins_the_race_raises_so_the_message_is_retried():
    store = MemoryShards()
    lists = TopLists(store, retries=3, sleep=lambda _: None)
    lists.offer("d", SPEC, "x:a", (10.0,), {})

    class Always(MemoryShards):  # some other writer always gets there first
        def update(self, *args: Any, **kwargs: Any) -> bool:
            return False

        def put_new(self, *args: Any, **kwargs: Any) -> bool:
            return False

    always = Always()
    always.items = store.items
    with pytest.raises(StoreError):
        TopLists(always, retries=3, sleep=lambda _: None).offer("d", SPEC, "x:z", (99.0,), {})


def test_removing_an_entry_takes_it_out_and_is_idempotent():
    lists = TopLists(MemoryShards())
    lists.offer("d", SPEC, "alert:1", (50.0,), {})
    lists.remove("d", SPEC, "alert:1")
    lists.remove("d", SPEC, "alert:1")
    assert lists.read("d", SPEC) == []


def test_offering_in_batches_keeps_the_same_best_entries_with_far_fewer_writes():
    rng = random.Random(9)
    offers = [
        (f"x:{i}", (round(rng.uniform(0, 100), 1), float(rng.randrange(99))), {"n": i})
        for i in range(600)
    ]
    offers += offers[:50]  # redelivered duplicates
    one_by_one, batched = MemoryShards(), MemoryShards()
    for key, rank, payload in offers:
        TopLists(one_by_one).offer("d", SPEC, key, rank, payload)
    lists = TopLists(batched)
    for start in range(0, len(offers), 250):
        lists.offer_many("d", SPEC, offers[start : start + 250])
    assert [(e.key, e.rank) for e in TopLists(batched).read("d", SPEC)] == [
        (e.key, e.rank) for e in TopLists(one_by_one).read("d", SPEC)
    ]
    assert batched.writes <= SPEC.shards * 3 < one_by_one.writes
    for item in batched.items.values():
        assert sum(1 for key in item if key.startswith("e#")) <= SPEC.cap
