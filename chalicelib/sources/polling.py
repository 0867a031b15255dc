"""Running a poller once: skip while rate limited, fetch, queue, then save the cursor.

State lives in the state table under `keys.source_cursor(name)` (``{"cursor",
"retry_at", "month", "reads", "updated_at"}``) and `keys.source_health(name)` (a
`health.Health`).

The order is what keeps posts safe: the cursor moves only after the batch is queued, so
a crash between the two repeats posts (dedup absorbs them) and never skips them.

What a network hands us is fitted to `chalicelib.limits` before it is queued: a field
too long is cut, a post whose time is not a post time (a feed entry dated 9999) is
skipped; each is one log line, and the rest of the poll goes on.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from .. import limits, logs
from ..errors import ConfigError, FatalSourceError, RetriableSourceError
from ..model import Mention, iso
from ..store import StateTable, keys
from . import FetchResult, pricing, registry
from ._common import Credentials
from .health import Health, load_health
from .watch import Watch

log = logs.get_logger("polling")

Enqueue = Callable[[Sequence[Mention]], Any]
FetchFn = Callable[..., FetchResult]


@dataclass(frozen=True)
class PollOutcome:
    source: str
    status: str  # "ok" | "skipped" | "rate_limited" | "degraded" | "failed"
    queued: int = 0
    requests: int = 0
    reads: int = 0
    retry_at: float | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    month_reads: int | None = None  # posts read this calendar month (X bills per read)
    read_budget: int | None = None


def run_poller(
    name: str,
    fetch_fn: FetchFn,
    client: Any,
    store: StateTable,
    enqueue: Enqueue,
    *,
    now: datetime,
    remaining_ms: Callable[[], int] | None = None,
    read_budget: int | None = None,
) -> PollOutcome:
    """One run of one poller. Source errors are recorded and returned, not raised;
    anything else (a bug, the queue refusing) is recorded and raised."""
    state = store.get(keys.source_cursor(name)) or {}
    retry_at = state.get("retry_at")
    if retry_at and now.timestamp() < float(retry_at):
        return _logged(PollOutcome(name, "rate_limited", retry_at=float(retry_at)))

    month = now.strftime("%Y-%m")
    reads = int(state.get("reads") or 0) if state.get("month") == month else 0
    max_reads = None if read_budget is None else read_budget - reads
    if max_reads is not None and max_reads <= 0:
        note = f"monthly read budget of {read_budget} used up"
        return _logged(
            PollOutcome(name, "skipped", notes=[note], month_reads=reads, read_budget=read_budget)
        )

    new_state = {**state, "month": month, "reads": reads, "updated_at": iso(now)}
    health = load_health(store, name, now)
    outcome: PollOutcome | None = None
    try:
        result = fetch_fn(
            client, state.get("cursor"), now=now, remaining_ms=remaining_ms, max_reads=max_reads
        )
        new_state["reads"] = reads + result.reads
        fitted = _within_limits(name, result.mentions, now)
        if fitted:
            enqueue(fitted)
        # queued: only now may the cursor move
        new_state["cursor"] = result.next_cursor
        new_state["retry_at"] = result.retry_at
        limited = result.retry_at is not None
        if result.degraded:
            health = health.failed(now, f"degraded: {result.degraded}")
        elif result.requests or not limited:
            health = health.succeeded(now)
        outcome = PollOutcome(
            name,
            "degraded" if result.degraded else "rate_limited" if limited else "ok",
            queued=len(fitted),
            requests=result.requests,
            reads=result.reads,
            retry_at=result.retry_at,
            notes=list(result.notes),
            month_reads=new_state["reads"],
            read_budget=read_budget,
        )
    except (RetriableSourceError, FatalSourceError) as exc:
        health = health.failed(now, f"{type(exc).__name__}: {exc}")
        retry = getattr(exc, "retry_at", None)
        if retry:
            new_state["retry_at"] = retry
        outcome = PollOutcome(name, "failed", retry_at=retry, error=str(exc))
    except Exception as exc:
        health = health.failed(now, f"{type(exc).__name__}: {exc}")
        raise
    finally:
        new_state = {k: v for k, v in new_state.items() if v is not None}
        health = replace(health, month=month, month_reads=int(new_state["reads"]))
        store.put(keys.source_cursor(name), new_state)
        store.put(keys.source_health(name), health.to_dict())
    return _logged(outcome, health)


def _within_limits(name: str, mentions: Sequence[Mention], now: datetime) -> list[Mention]:
    """The poll's posts fitted to the input limits; what changed is logged, per post."""
    kept = []
    for mention in mentions:
        fitted = limits.fit(mention, now)
        if fitted.notes:
            log.warning(
                "post outside the input limits",
                extra={
                    "fields": {
                        "source": name,
                        "mention_id": mention.id[:120],
                        "changes": fitted.notes,
                    }
                },
            )
        if fitted.mention is not None:
            kept.append(fitted.mention)
    return kept


# ------------------------------------------------------------------- per-source wiring


@dataclass(frozen=True)
class Poller:
    make_client: Callable[[Credentials], Any]
    fetch: FetchFn
    wanted: Callable[[Watch], bool]  # does the watch configuration give it anything to do?


def _poller(name: str) -> Poller:
    """The registry's poller `name`, its module imported now (never at cold start)."""
    if name not in registry.BY_NAME or registry.get(name).kind != "poll":
        known = ", ".join(sorted(s.name for s in registry.polled()))
        raise ConfigError(f"unknown poller {name!r}; known: {known}")
    source = registry.get(name)
    module = importlib.import_module(f"{__package__}.{source.module}")
    return Poller(module.make_client, getattr(module, source.fetch), source.wanted)


def poll(
    name: str,
    *,
    credentials: Credentials,
    watch: Watch,
    store: StateTable,
    enqueue: Enqueue,
    now: datetime,
    remaining_ms: Callable[[], int] | None = None,
    read_budget: int | None = None,
    client: Any = None,
) -> PollOutcome:
    """Build the source's client from the secrets and run it once.

    A source without credentials, or with nothing to watch, is skipped with one log line.
    """
    poller = _poller(name)
    if not poller.wanted(watch):
        return _logged(PollOutcome(name, "skipped", notes=["nothing to watch"]))
    if client is None:
        try:
            client = poller.make_client(credentials)
        except ConfigError as exc:
            return _logged(PollOutcome(name, "skipped", notes=[str(exc)]))
    fetch_fn = functools.partial(poller.fetch, watch=watch)
    return run_poller(
        name,
        fetch_fn,
        client,
        store,
        enqueue,
        now=now,
        remaining_ms=remaining_ms,
        read_budget=read_budget,
    )


def scheduled(
    name: str,
    *,
    extra: Mapping[str, str],
    credentials: Credentials,
    store: StateTable,
    enqueue: Enqueue,
    now: datetime,
    remaining_ms: Callable[[], int] | None = None,
    catching_up: bool = False,
) -> PollOutcome:
    """A schedule's run: watch configuration and budget (dollars, `pricing`) from
    `Settings.extra`, then `poll`.

    Without a watch configuration the run is skipped with one log line. With
    ``WATCH_X_MENTIONS_VIA=webhook`` (real time, $0.005 a post) the X Activity webhook
    brings the @mentions: the owned timeline ($0.001 a post) is then read only to catch
    up (`catching_up`, `sources/catch_up.py`).
    """
    via = extra.get("WATCH_X_MENTIONS_VIA", "timeline").strip() or "timeline"
    if name == "x_mentions" and via == "webhook" and not catching_up:
        return _logged(PollOutcome(name, "skipped", notes=["mentions come by webhook"]))
    try:
        watch = Watch.from_settings(extra)
        budget = pricing.read_budget(name, extra, store, now.strftime("%Y-%m"))
    except ConfigError as exc:
        return _logged(PollOutcome(name, "skipped", notes=[str(exc)]))
    return poll(
        name,
        credentials=credentials,
        watch=watch,
        store=store,
        enqueue=enqueue,
        now=now,
        remaining_ms=remaining_ms,
        read_budget=budget,
    )


def _logged(outcome: PollOutcome, health: Health | None = None) -> PollOutcome:
    fields: dict[str, Any] = {k: v for k, v in asdict(outcome).items() if v not in (None, [])}
    if health is not None:
        fields["consecutive_failures"] = health.consecutive_failures
    level = log.warning if outcome.status == "failed" else log.info
    level("poll", extra={"fields": fields})
    return outcome
