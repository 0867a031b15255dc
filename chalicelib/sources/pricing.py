"""What a read costs, in dollars, at X's published pay-per-use prices; a month's spend.

Prices are the registry's (`Source.price`; PLATFORM_NOTES, "X pricing", read 2026-12-07):
$0.005 a post read (recent search), $0.001 a post from the app owner's own mentions
timeline (since 2026-04-20), $0.005 a post event the X Activity API delivers (deduplicated
per UTC day); at most 3 M reads a month. A poller's budget is a monthly dollar amount
shared by every source naming the same budget setting (`registry.Source.budget`): each
may read what is left, at its own price.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import ConfigError
from ..store import StateTable, keys
from . import registry

PRICE_PER_READ = {source.name: source.price for source in registry.SOURCES if source.price}
MONTHLY_READ_CAP = 3_000_000
DEFAULT_MONTHLY_DOLLARS = 50.0  # 10,000 searched posts, or 50,000 from the mentions timeline


def dollars(source: str, reads: int) -> float:
    return round(reads * PRICE_PER_READ.get(source, 0.0), 6)


def month_reads(store: StateTable, source: str, month: str) -> int:
    state = store.get(keys.source_cursor(source)) or {}
    return int(state.get("reads") or 0) if state.get("month") == month else 0


def monthly_dollars(name: str, extra: Mapping[str, str]) -> float | None:
    """The budget setting's value for source `name` (None: the source has no budget)."""
    setting = registry.get(name).budget
    if setting is None:
        return None
    raw = extra.get(setting, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_MONTHLY_DOLLARS
    except ValueError as exc:
        raise ConfigError(f"{setting} must be a number of dollars, got {raw!r}") from exc
    if value < 0:
        raise ConfigError(f"{setting} must not be negative")
    return value


def read_budget(name: str, extra: Mapping[str, str], store: StateTable, month: str) -> int | None:
    """Reads source `name` may make this month: its own reads so far plus what the shared
    dollars still buy at its price (never past X's monthly cap)."""
    budget = monthly_dollars(name, extra)
    if budget is None or name not in PRICE_PER_READ:
        return None
    setting = registry.get(name).budget
    sharing = [s.name for s in registry.polled() if s.budget == setting]
    spent = sum(dollars(s, month_reads(store, s, month)) for s in sharing)
    own = month_reads(store, name, month)
    left = max(0.0, budget - spent)
    return min(own + int(left / PRICE_PER_READ[name] + 1e-9), MONTHLY_READ_CAP)


def spent(store: StateTable, month: str) -> dict[str, float]:
    """Dollars each priced poller spent this month (source health, the digest)."""
    priced = [s.name for s in registry.polled() if s.name in PRICE_PER_READ]
    return {name: dollars(name, month_reads(store, name, month)) for name in priced}
