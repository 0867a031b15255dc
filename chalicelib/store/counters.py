"""A day's counters, read back: the sum of its stats items (`keys.day_stats*`).

Ingest spreads a day's mention counters over `keys.STATS_SHARDS` items so that no one
item is in every transaction; the alert tally adds to the first one. One Query reads
them all (a few KB); the sum is what a single item would have held.
"""

from __future__ import annotations

from typing import Any

from . import keys
from .state import StateTable


def day_counters(state: StateTable, day: str) -> dict[str, int]:
    """Every counter of the team-local `day`, summed over its stats items."""
    total: dict[str, int] = {}
    for item in state.query(keys.day_pk(day), keys.STATS):
        for name, value in _numbers(item):
            total[name] = total.get(name, 0) + value
    return total


def _numbers(item: dict[str, Any]) -> list[tuple[str, int]]:
    return [
        (name, int(value))
        for name, value in item.items()
        if name not in ("pk", "sk")
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ]
