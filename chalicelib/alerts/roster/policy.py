"""The team's alerting policy: escalation timings per priority, storm control, quiet hours.

Kept in the state table next to the rotation (`oncall set-policy`); `Policy()` holds the
defaults. When an alert is created the rules that apply to it are copied onto it
(`Rules`), so a later policy change never alters an alert already under way.

    band      priority     escalate after (default)
    high      >= 60        5 min     always pages, even in quiet hours
    normal    >= 40        10 min
    low       <  40        20 min    held during quiet hours, sent as one message after
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

BANDS = ("high", "normal", "low")
RESOLVE_TTL_FACTOR = 3  # case codes live three times as long as the acknowledge window


def _default_after() -> dict[str, int]:
    return {"high": 5, "normal": 10, "low": 20}


@dataclass(frozen=True)
class Rules:
    """How one alert escalates; stored on the alert when it is created."""

    band: str
    escalate_after_minutes: int
    max_repeats: int  # times the whole chain is paged again after the first round
    chain: tuple[str, ...]  # primary, backup, lead at creation

    @property
    def last_level(self) -> int:
        return len(self.chain) * (self.max_repeats + 1) - 1

    def recipient(self, level: int) -> str | None:
        """Who level `level` pages: the chain, round after round; None past the last."""
        if not self.chain or level > self.last_level:
            return None
        return self.chain[level % len(self.chain)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "band": self.band,
            "escalate_after_minutes": self.escalate_after_minutes,
            "max_repeats": self.max_repeats,
            "chain": list(self.chain),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rules:
        return cls(
            band=data.get("band", "normal"),
            escalate_after_minutes=int(data.get("escalate_after_minutes", 10)),
            max_repeats=int(data.get("max_repeats", 1)),
            chain=tuple(data.get("chain") or ()),
        )


@dataclass(frozen=True)
class Policy:
    escalate_after: dict[str, int] = field(default_factory=_default_after)  # minutes per band
    high_from: float = 60.0
    normal_from: float = 40.0
    max_repeats: int = 1
    storm_max: int = 5  # more alerts than this for one manager in the window are grouped
    storm_window_minutes: int = 10
    group_every_minutes: int = 5  # while a storm lasts, one grouped message this often
    quiet_start: time | None = time(22, 0)  # local; None: no quiet hours
    quiet_end: time | None = time(7, 0)
    link_ttl_hours: int = 24

    def __post_init__(self) -> None:
        missing = [band for band in BANDS if band not in self.escalate_after]
        if missing:
            raise ValueError(f"escalation minutes missing for {', '.join(missing)}")
        if any(int(m) < 1 for m in self.escalate_after.values()):
            raise ValueError("escalation minutes must be at least 1")
        if self.max_repeats < 0 or self.storm_max < 1 or self.storm_window_minutes < 1:
            raise ValueError("max_repeats >= 0, storm_max >= 1, storm_window_minutes >= 1")
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise ValueError("quiet hours need both a start and an end")

    def band(self, priority: float) -> str:
        if priority >= self.high_from:
            return "high"
        if priority >= self.normal_from:
            return "normal"
        return "low"

    def rules(self, priority: float, chain: tuple[str, ...]) -> Rules:
        band = self.band(priority)
        return Rules(band, int(self.escalate_after[band]), self.max_repeats, chain)

    def quiet_until(self, now: datetime, timezone: str) -> datetime | None:
        """The end of the quiet hours `now` falls in (aware), or None outside them."""
        if self.quiet_start is None or self.quiet_end is None:
            return None
        local = now.astimezone(ZoneInfo(timezone))
        clock = local.time()
        start, end = self.quiet_start, self.quiet_end
        if start <= end:
            inside = start <= clock < end
            end_day = local.date()
        else:  # over midnight, e.g. 22:00-07:00
            inside = clock >= start or clock < end
            end_day = local.date() + timedelta(days=1) if clock >= start else local.date()
        if not inside:
            return None
        return datetime.combine(end_day, end, tzinfo=ZoneInfo(timezone))

    def holds_quietly(self, priority: float, now: datetime, timezone: str) -> datetime | None:
        """Low priority in quiet hours waits until they end; everything else pages now."""
        if self.band(priority) != "low":
            return None
        return self.quiet_until(now, timezone)

    def with_(self, **changes: Any) -> Policy:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "escalate_after": dict(self.escalate_after),
            "high_from": self.high_from,
            "normal_from": self.normal_from,
            "max_repeats": self.max_repeats,
            "storm_max": self.storm_max,
            "storm_window_minutes": self.storm_window_minutes,
            "group_every_minutes": self.group_every_minutes,
            "quiet_hours": quiet_text(self.quiet_start, self.quiet_end),
            "link_ttl_hours": self.link_ttl_hours,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Policy:
        default = cls()
        start, end = parse_quiet(
            data.get("quiet_hours", quiet_text(default.quiet_start, default.quiet_end))
        )
        return cls(
            escalate_after={
                k: int(v) for k, v in (data.get("escalate_after") or _default_after()).items()
            },
            high_from=float(data.get("high_from", default.high_from)),
            normal_from=float(data.get("normal_from", default.normal_from)),
            max_repeats=int(data.get("max_repeats", default.max_repeats)),
            storm_max=int(data.get("storm_max", default.storm_max)),
            storm_window_minutes=int(
                data.get("storm_window_minutes", default.storm_window_minutes)
            ),
            group_every_minutes=int(data.get("group_every_minutes", default.group_every_minutes)),
            quiet_start=start,
            quiet_end=end,
            link_ttl_hours=int(data.get("link_ttl_hours", default.link_ttl_hours)),
        )


def quiet_text(start: time | None, end: time | None) -> str:
    if start is None or end is None:
        return "off"
    return f"{start:%H:%M}-{end:%H:%M}"


def parse_quiet(text: str) -> tuple[time | None, time | None]:
    """ "22:00-07:00" -> (22:00, 07:00); "off" -> (None, None)."""
    if text.strip().lower() in ("", "off", "none"):
        return None, None
    try:
        start, end = text.split("-")
        return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError as exc:
        raise ValueError(f"quiet hours look like 22:00-07:00 or off, not {text!r}") from exc


def storm_buckets(now: datetime, window_minutes: int, bucket_minutes: int = 5) -> list[str]:
    """The UTC bucket keys (`YYYY-MM-DDTHH:MM`) that together cover the storm window."""
    start = now - timedelta(minutes=window_minutes - 1)
    first = start.replace(
        second=0, microsecond=0, minute=start.minute - start.minute % bucket_minutes
    )
    keys = []
    at = first
    while at <= now:
        keys.append(bucket_key(at, bucket_minutes))
        at += timedelta(minutes=bucket_minutes)
    return keys


def bucket_key(moment: datetime, bucket_minutes: int = 5) -> str:
    utc = moment.astimezone(ZoneInfo("UTC"))
    floored = utc.replace(second=0, microsecond=0, minute=utc.minute - utc.minute % bucket_minutes)
    return floored.strftime("%Y-%m-%dT%H:%M")
