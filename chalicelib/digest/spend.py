"""What the pollers that X bills spent this month, from their health items. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..sources import pricing


def spend(month: str, health: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, float]]:
    """(source, dollars) for each priced source that read something in `month`."""
    out = []
    for name, item in sorted(health.items()):
        reads = int(item.get("month_reads") or 0)
        if name in pricing.PRICE_PER_READ and item.get("month") == month and reads:
            out.append((name, pricing.dollars(name, reads)))
    return out
