"""A top list shard's entries, and how a batch's offers or counts change them. Pure.

An entry is the attribute ``e#<key>`` of its shard: ``{"r": rank, ...payload}``. A ranked
list keeps its best `cap` (`best`); a tally adds counts by the Space-Saving rule
(`tallied`; see `toplists.py`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

Rank = tuple[float, ...]
ENTRY = "e#"


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    rank: Rank
    payload: Mapping[str, Any]

    @property
    def order(self) -> tuple[Rank, str]:
        return (self.rank, self.key)


def entry(key: str, data: Mapping[str, Any]) -> Entry:
    payload = {k: v for k, v in data.items() if k != "r"}
    return Entry(key, tuple(float(x) for x in data["r"]), payload)


def entries_of(item: Mapping[str, Any] | None) -> Iterator[Entry]:
    for name, value in (item or {}).items():
        if name.startswith(ENTRY) and isinstance(value, Mapping) and "r" in value:
            yield entry(name[len(ENTRY) :], value)


def best(
    current: Mapping[str, Entry], candidates: Mapping[str, tuple[Rank, Mapping[str, Any]]], cap: int
) -> list[Entry]:
    """A ranked shard after the offers: its best `cap`, best first."""
    merged = dict(current)
    for key, (rank, payload) in candidates.items():
        if key not in merged or merged[key].rank < rank:
            merged[key] = Entry(key, rank, payload)
    return sorted(merged.values(), key=lambda e: e.order, reverse=True)[:cap]


def tallied(current: Mapping[str, Entry], counts: Mapping[str, int], cap: int) -> list[Entry]:
    """A tally shard after adding `counts` (Space-Saving; see the module's docstring).

    An entry's rank is (count surely its own, count): the first is what a reader shows
    and sorts by, so a key that inherited a high count from the one it replaced does not
    pass for frequent. Larger counts go first, so a batch's own frequent keys claim the
    free places; a key taken down to no count of its own (an erasure took its posts away)
    leaves, so an erased author's word does not stay on an inherited count.
    """
    tally: dict[str, tuple[int, int]] = {}  # key -> (count, err)
    for key, e in current.items():
        count = int(e.rank[-1])
        tally[key] = (count, count - int(e.rank[0]))
    for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if key in tally:
            count, err = tally[key]
            if n < 0 and count + n - err <= 0:
                del tally[key]
            else:
                tally[key] = (count + n, min(err, count + n))
        elif n > 0 and len(tally) < cap:
            tally[key] = (n, 0)
        elif n > 0:
            lowest = min(tally, key=lambda k: (tally[k][0], k))
            floor = tally.pop(lowest)[0]
            tally[key] = (floor + n, floor)
    return sorted(
        (
            Entry(key, (float(count - err), float(count)), {})
            for key, (count, err) in tally.items()
            if count > 0
        ),
        key=lambda e: e.order,
        reverse=True,
    )
