"""Bounded top-N lists kept at ingest, safe under parallel Lambdas and redelivery.

A list is split into a few shards (`keys.day_list_shard(day, list, shard)`); an entry
goes to the shard its key hashes to. Each shard keeps its best `cap` entries as
attributes ``e#<key>`` (rank and a small payload) plus a version `v`:

* Writes are optimistic: read the shard, decide, write conditional on the version;
  a parallel writer that got there first makes us re-read and decide again.
* Offering is idempotent and monotone (an entry keeps the best rank it was offered),
  so a redelivered mention can be offered again without changing anything: the
  pipeline re-offers on duplicates, which makes a crash between the mention's
  transaction and the offer harmless.
* The union of the shards' best `cap` holds the overall best `cap` (each of those is
  among the best of its own shard), so reading the list costs `shards` small reads.
* Once a shard is full its floor (worst entry) only rises; a container remembers it
  and drops a lower offer without any I/O (most mentions of a busy day).

A *tally* list (`ListSpec(tally=True)`: the day's themes) counts instead of ranking:
`count_many` adds a batch's counts to its entries, and when it is full a new key takes
the place of the lowest entry with that entry's count added to its own ("Space-Saving",
Metwally et al. 2005): a key counted more than total / `cap` times is always listed, and
its rank is (at least, at most): the count surely its own, which readers show, and that
plus what it inherited. One item of `cap` small entries, however large the vocabulary.

`update_many` does a whole triage batch: every shard it touches read in one BatchGetItem,
then per shard at most one conditional write (a parallel writer makes us re-read it).

A list belongs to a day (`keys.day_list_shard`), an ISO week (`keys.week_list_shard`) or
stands (`keys.standing_list_shard`: the open cases). Shards carry `expires_at` from
their period on (a standing list's entries leave when they are done). An entry erasure
replaced by ``{"erased": true}`` is not an entry any more.
"""

from __future__ import annotations

import random
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

from ..errors import StoreError
from ..store import StateTable, keys
from ..store.keys import Key
from .entries import ENTRY, Entry, Rank, best, entries_of, tallied

__all__ = ["ENTRY", "Entry", "ListSpec", "Plan", "Rank", "TopLists", "shard_key"]


@dataclass(frozen=True, slots=True)
class ListSpec:
    name: str
    cap: int = 10
    shards: int = 4
    scope: str = "day"  # "day" (period: local day), "week" (ISO week), "standing"
    tally: bool = False  # counts added (`count_many`), not best ranks kept (`offer_many`)


# shard -> (period, spec, what to merge: ranked offers by key, or a tally's counts)
Plan = dict[Key, tuple[str, ListSpec, dict[str, Any]]]


def shard_key(period: str, spec: ListSpec, shard: int) -> Key:
    if spec.scope == "week":
        return keys.week_list_shard(period, spec.name, shard)
    if spec.scope == "standing":
        return keys.standing_list_shard(spec.name, shard)
    return keys.day_list_shard(period, spec.name, shard)


class TopLists:
    def __init__(
        self,
        state: StateTable,
        *,
        retries: int = 10,
        sleep: Callable[[float], None] = time.sleep,
        retention: timedelta | None = None,
    ) -> None:
        self._state = state
        self._retries = retries
        self._sleep = sleep
        self._retention = retention
        self._floors: dict[Key, tuple[Rank, str]] = {}

    def _new(self, period: str, spec: ListSpec) -> dict[str, Any]:
        """A new shard's own attributes: its version, and when it expires."""
        if self._retention is None or spec.scope == "standing":
            return {"v": 1}
        start = date.fromisoformat(period) if spec.scope == "day" else _monday(period)
        days = 7 if spec.scope == "week" else 1
        end = datetime.combine(start + timedelta(days=days), clock(), tzinfo=UTC)
        return {"v": 1, "expires_at": int((end + self._retention).timestamp())}

    @staticmethod
    def shard(spec: ListSpec, key: str) -> int:
        """The shard an entry's key hashes to."""
        return zlib.crc32(key.encode()) % spec.shards

    def offer(
        self, day: str, spec: ListSpec, key: str, rank: Rank, payload: Mapping[str, Any]
    ) -> bool:
        """Put `key` in the day's list if it ranks among its shard's best; True if written."""
        shard = shard_key(day, spec, self.shard(spec, key))
        rank = tuple(float(x) for x in rank)
        floor = self._floors.get(shard)
        if floor is not None and (rank, key) <= floor:
            return False
        value = {"r": list(rank), **payload}
        attr = ENTRY + key
        for attempt in range(self._retries):
            item = self._state.get(shard)
            if item is None:
                if self._state.put_new(shard, {**self._new(day, spec), attr: value}):
                    return True
                continue
            version = int(item.get("v", 0))
            entries = list(entries_of(item))
            current = next((e for e in entries if e.key == key), None)
            remove: tuple[str, ...] = ()
            if current is not None:
                if current.rank >= rank:
                    return False
            elif len(entries) >= spec.cap:
                worst = min(entries, key=lambda e: e.order)
                if (rank, key) <= worst.order:
                    self._floors[shard] = worst.order
                    return False
                remove = (ENTRY + worst.key,)
            if self._state.update(
                shard, {"v": version + 1, attr: value}, expect={"v": version}, remove=remove
            ):
                return True
            self._sleep(random.uniform(0, 0.01 * (attempt + 1)))
        raise StoreError(
            f"top list {shard.pk}/{shard.sk}: still contended after {self._retries} tries"
        )

    def read(self, day: str, spec: ListSpec, *, top: int | None = None) -> list[Entry]:
        """The day's best entries, best first (`spec.shards` reads)."""
        entries: list[Entry] = []
        for shard in range(spec.shards):
            entries += entries_of(self._state.get(shard_key(day, spec, shard)))
        entries.sort(key=lambda e: e.order, reverse=True)
        return entries[: top or spec.cap]

    def read_periods(self, periods: Iterable[str], spec: ListSpec) -> dict[str, list[Entry]]:
        """Each period's entries, best first: every shard of every period in one request."""
        wanted = {
            shard_key(period, spec, shard): period
            for period in periods
            for shard in range(spec.shards)
        }
        out: dict[str, list[Entry]] = {period: [] for period in wanted.values()}
        for key, item in self._state.get_many(list(wanted)).items():
            out[wanted[key]] += entries_of(item)
        for entries in out.values():
            entries.sort(key=lambda e: e.order, reverse=True)
        return out

    def remove(self, day: str, spec: ListSpec, key: str) -> None:
        """Take `key` out of the day's list (idempotent)."""
        shard = shard_key(day, spec, self.shard(spec, key))
        if self._state.get(shard) is not None:
            self._state.update(shard, {}, remove=(ENTRY + key,))

    def offer_many(
        self, day: str, spec: ListSpec, offers: Iterable[tuple[str, Rank, Mapping[str, Any]]]
    ) -> int:
        """`offer` for a batch: per shard one read and at most one write; shards written."""
        return self.update_many([(day, spec, offers)])

    def count_many(self, day: str, spec: ListSpec, counts: Mapping[str, int]) -> int:
        """Add `counts` (key -> how many more; negative takes away) to a tally list."""
        return self.update_many([(day, spec, counts)])

    def update_many(self, updates: Iterable[tuple[str, ListSpec, Any]]) -> int:
        """Several lists' offers and counts at once: (period, spec, offers) for a ranked
        list, (period, spec, {key: count}) for a tally; the shards read together."""
        return self.apply(self.plan(updates))

    def apply(self, plan: Plan, read: Mapping[Key, dict[str, Any]] | None = None) -> int:
        """Merge a `plan` into its shards, read in one request, or taken from `read` when
        the caller fetched the plan's shards (its keys) with keys of its own."""
        if not plan:
            return 0
        if read is None:
            read = self._state.get_many(list(plan))
        return sum(
            self._merge(shard, period, spec, wanted, read.get(shard))
            for shard, (period, spec, wanted) in plan.items()
        )

    def plan(self, updates: Iterable[tuple[str, ListSpec, Any]]) -> Plan:
        """Per shard: what to merge into it (the offers its floor does not drop, or the
        tally's summed counts); the shards to read are its keys."""
        plans: dict[Key, tuple[str, ListSpec, dict[str, Any]]] = {}
        for period, spec, batch in updates:
            if spec.tally:
                for key, n in dict(batch).items():
                    if n:
                        shard = shard_key(period, spec, self.shard(spec, key))
                        tally = plans.setdefault(shard, (period, spec, {}))[2]
                        tally[key] = tally.get(key, 0) + int(n)
                continue
            for key, rank, payload in batch:
                rank = tuple(float(x) for x in rank)
                shard = shard_key(period, spec, self.shard(spec, key))
                floor = self._floors.get(shard)
                if floor is not None and (rank, key) <= floor:
                    continue
                candidates = plans.setdefault(shard, (period, spec, {}))[2]
                if key not in candidates or candidates[key][0] < rank:
                    candidates[key] = (rank, payload)
        return {shard: plan for shard, plan in plans.items() if plan[2]}

    def _merge(
        self,
        shard: Key,
        period: str,
        spec: ListSpec,
        wanted: Mapping[str, Any],
        item: dict[str, Any] | None,
    ) -> bool:
        for attempt in range(self._retries):
            if attempt:
                item = self._state.get(shard)
            current = {e.key: e for e in entries_of(item)}
            if spec.tally:
                kept = tallied(current, wanted, spec.cap)
            else:
                kept = best(current, wanted, spec.cap)
                if len(kept) >= spec.cap:
                    self._floors[shard] = kept[-1].order
            changed = {
                ENTRY + e.key: {"r": list(e.rank), **e.payload}
                for e in kept
                if e.key not in current
                or current[e.key].rank != e.rank
                or current[e.key].payload != e.payload
            }
            kept_keys = {e.key for e in kept}
            remove = tuple(ENTRY + k for k in current if k not in kept_keys)
            if not changed and not remove:
                return False
            if item is None:
                if self._state.put_new(shard, {**self._new(period, spec), **changed}):
                    return True
                continue
            version = int(item.get("v", 0))
            if self._state.update(
                shard, {"v": version + 1, **changed}, expect={"v": version}, remove=remove
            ):
                return True
            self._sleep(random.uniform(0, 0.01 * (attempt + 1)))
        raise StoreError(
            f"top list {shard.pk}/{shard.sk}: still contended after {self._retries} tries"
        )


def _monday(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)
