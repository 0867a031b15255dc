"""Bounded top lists: the best N survive sharding, re-offers and racing writers."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from chalicelib.digest.ingest import THEMES
from chalicelib.digest.toplists import ListSpec, TopLists
from chalicelib.errors import StoreError
from chalicelib.store import MemoryTable, keys

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
    lists = TopLists(MemoryTable())
    expected = offered(lists, 400)
    got = [(e.rank, e.key) for e in lists.read("2026-11-22", SPEC)]
    assert got == expected[: SPEC.cap]


def test_no_shard_grows_past_its_cap():
    store = MemoryTable()
    offered(TopLists(store), 400)
    for item in store.items.values():
        assert sum(1 for key in item if key.startswith("e#")) <= SPEC.cap


def test_offering_everything_again_changes_nothing():
    store = MemoryTable()
    lists = TopLists(store)
    offered(lists, 200)
    before, writes = copy.deepcopy(store.items), store.writes
    offered(TopLists(store), 200)  # a redelivery, in a fresh container (no cached floors)
    assert store.items == before and store.writes == writes


def test_an_entry_keeps_the_best_rank_it_was_offered():
    lists = TopLists(MemoryTable())
    lists.offer("d", SPEC, "amb:1", (500.0,), {"text": "first"})
    lists.offer("d", SPEC, "amb:1", (900.0,), {"text": "better"})
    lists.offer("d", SPEC, "amb:1", (100.0,), {"text": "worse"})
    (entry,) = lists.read("d", SPEC)
    assert entry.rank == (900.0,) and entry.payload["text"] == "better"


def test_a_racing_writer_makes_the_offer_read_again_and_both_entries_survive():
    store = MemoryTable()
    shard = TopLists.shard(SPEC, "x:0")
    a, b, c = [k for k in (f"x:{i}" for i in range(100)) if TopLists.shard(SPEC, k) == shard][:3]
    lists, rival = TopLists(store), TopLists(store)  # two containers, one table
    lists.offer("d", SPEC, a, (10.0,), {})

    def rival_first(operation: str, key: keys.Key) -> None:  # once, before our next write
        store.before_write = None
        rival.offer("d", SPEC, b, (20.0,), {})

    store.before_write = rival_first
    item = keys.day_list_shard("d", SPEC.name, shard)
    version = store.items[item]["v"]
    assert lists.offer("d", SPEC, c, (30.0,), {})
    assert store.items[item]["v"] == version + 2  # the rival's write, then ours
    assert {e.key for e in lists.read("d", SPEC)} == {a, b, c}


def test_an_offer_that_never_wins_the_race_raises_so_the_message_is_retried():
    store = MemoryTable()
    lists = TopLists(store, retries=3, sleep=lambda _: None)
    lists.offer("d", SPEC, "x:a", (10.0,), {})

    class Always(MemoryTable):  # some other writer always gets there first
        def update(self, *args: Any, **kwargs: Any) -> bool:
            return False

        def put_new(self, *args: Any, **kwargs: Any) -> bool:
            return False

    always = Always()
    always.items = store.items
    with pytest.raises(StoreError):
        TopLists(always, retries=3, sleep=lambda _: None).offer("d", SPEC, "x:z", (99.0,), {})


def test_removing_an_entry_takes_it_out_and_is_idempotent():
    lists = TopLists(MemoryTable())
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
    one_by_one, batched = MemoryTable(), MemoryTable()
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


# ------------------------------------------------------------------ tallies (the themes)

TALLY = ListSpec("themes", cap=8, shards=1, tally=True)


def zipf_batches(seed: int, words: int, batches: int, size: int) -> list[dict[str, int]]:
    """Batches of word counts from a long-tailed vocabulary (as themes are)."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) for rank in range(words)]
    out = []
    for _ in range(batches):
        counts: dict[str, int] = {}
        for word in rng.choices([f"w{i}" for i in range(words)], weights, k=size):
            counts[word] = counts.get(word, 0) + 1
        out.append(counts)
    return out


def test_a_tally_keeps_every_frequent_key_between_its_two_bounds():
    store = MemoryTable()
    lists = TopLists(store)
    truth: dict[str, int] = {}
    for counts in zipf_batches(4, words=300, batches=40, size=50):
        lists.count_many("d", TALLY, counts)
        for word, n in counts.items():
            truth[word] = truth.get(word, 0) + n
    total = sum(truth.values())
    listed = {e.key: e for e in lists.read("d", TALLY)}
    assert len(listed) == TALLY.cap  # one item, never more than `cap` entries
    # Space-Saving: whatever was counted more than total / cap times is listed ...
    assert {w for w, n in truth.items() if n > total / TALLY.cap} <= set(listed)
    # ... and its true count lies between what is surely its own and that plus what it
    # inherited
    for word, entry in listed.items():
        at_least, at_most = entry.rank
        assert at_least <= truth.get(word, 0) <= at_most
    assert "w0" in listed


def test_with_the_digests_64_places_a_day_of_2000_words_shows_its_top_themes_in_order():
    lists = TopLists(MemoryTable())
    truth: dict[str, int] = {}
    for counts in zipf_batches(4, words=2000, batches=40, size=50):
        lists.count_many("d", THEMES, counts)
        for word, n in counts.items():
            truth[word] = truth.get(word, 0) + n
    shown = lists.read("d", THEMES)[:7]  # ranked by what is surely theirs
    assert [e.key for e in shown] == sorted(truth, key=lambda w: -truth[w])[:7]
    assert all(abs(e.rank[0] - truth[e.key]) <= 0.1 * truth[e.key] for e in shown)


def test_taking_counts_away_drops_a_key_with_none_of_its_own_left():
    lists = TopLists(MemoryTable())
    lists.count_many("d", TALLY, {f"w{i}": 10 - i for i in range(TALLY.cap)})
    lists.count_many("d", TALLY, {"jansen": 1})  # takes the lowest place: count 3, err 2
    (jansen,) = [e for e in lists.read("d", TALLY) if e.key == "jansen"]
    assert jansen.rank == (1.0, 4.0)  # its own 1, and 3 inherited from the lowest entry
    lists.count_many("d", TALLY, {"jansen": -1, "w0": -4})  # an erasure
    left = {e.key: e.rank[0] for e in lists.read("d", TALLY)}
    assert "jansen" not in left and left["w0"] == 6.0


def test_a_batch_reads_every_list_it_touches_in_one_request():
    class Counting(MemoryTable):
        def __init__(self) -> None:
            super().__init__()
            self.reads = 0

        def get(self, key: Any) -> Any:
            self.reads += 1
            return super().get(key)

        def get_many(self, keys: Any) -> Any:
            self.reads += 1
            return super().get_many(keys)

    store = Counting()
    lists = TopLists(store)
    for day in ("d1", "d2"):
        store.reads = 0
        lists.update_many(
            [
                (day, SPEC, [(f"x:{i}", (float(i),), {}) for i in range(30)]),
                (day, TALLY, {"storing": 3, "monteur": 1}),
            ]
        )
        assert store.reads == 1  # three shards and the tally in one BatchGetItem
        assert store.writes == SPEC.shards + 1
        store.writes = 0
    assert {e.key for e in lists.read("d2", TALLY)} == {"storing", "monteur"}
