"""Who is on duty: a rotation in the team's local time (DST-safe), with overrides.

Shifts hand over at a local wall-clock time (09:00 by default), so a weekly shift is
"Monday 09:00 to next Monday 09:00 Amsterdam time" whatever the UTC offset: shifts are
counted in local calendar days, never in hours, so a shift across a DST change is
23 or 25 hours long and the handoff stays at 09:00.

A handoff is one instant (`handoff_instant`), and who is on duty is decided by comparing
instants, never wall clocks, so on a DST night each handoff happens exactly once:
a local time the clocks show twice (autumn, 02:00-02:59 in Amsterdam) means its first
occurrence; one they skip (spring, 02:00-02:59) means the moment they jump (03:00).

Three levels answer a page: the primary (the rotation), the backup (an own backup
rotation, or else the next manager in the primary rotation) and the team lead.
An `Override` puts a manager on duty from..until (a holiday swap): in place of one
named manager, whatever level that manager holds, or as primary when no one is named.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ...model import iso, parse_time
from ...store import keys

SHIFTS = {"daily": 1, "weekly": 7}


@dataclass(frozen=True)
class OnCall:
    """Who answers a page at one moment, in escalation order."""

    primary: str | None
    backup: str | None = None
    lead: str | None = None

    @property
    def chain(self) -> tuple[str, ...]:
        """Primary, backup, lead: without gaps and without anyone twice."""
        out: list[str] = []
        for who in (self.primary, self.backup, self.lead):
            if who and who not in out:
                out.append(who)
        return tuple(out)


@dataclass(frozen=True)
class Override:
    """`manager` is on duty from `start` to `end` (UTC), in place of `replaces` (or primary)."""

    manager: str
    start: datetime
    end: datetime
    replaces: str | None = None

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("override times must be timezone-aware")
        if self.end <= self.start:
            raise ValueError("an override must end after it starts")

    @property
    def key(self) -> str:
        """What the team lead types to remove it (`oncall remove-override KEY`)."""
        return keys.override(iso(self.start), self.manager).sk

    def active(self, now: datetime) -> bool:
        return self.start <= now < self.end

    def to_dict(self) -> dict[str, Any]:
        return {
            "manager": self.manager,
            "start": iso(self.start),
            "end": iso(self.end),
            "replaces": self.replaces,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Override:
        return cls(
            manager=data["manager"],
            start=parse_time(data["start"]),
            end=parse_time(data["end"]),
            replaces=data.get("replaces") or None,
        )


@dataclass(frozen=True)
class Rotation:
    managers: tuple[str, ...]
    start: date  # local date of the first shift's handoff
    shift_days: int = 7
    handoff: time = time(9, 0)
    timezone: str = "Europe/Amsterdam"
    backups: tuple[str, ...] = ()  # own backup rotation; empty: the next primary backs up
    lead: str | None = None  # last escalation level

    def __post_init__(self) -> None:
        if self.shift_days < 1:
            raise ValueError("shift_days must be at least 1")
        if len(set(self.managers)) != len(self.managers):
            raise ValueError("a manager appears twice in the rotation")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def on_duty(self, now: datetime) -> str | None:
        """The primary at `now` (aware), or None when nobody is in the rotation."""
        if not self.managers:
            return None
        return self.managers[self._shift_index(now) % len(self.managers)]

    def on_call(self, now: datetime, overrides: Iterable[Override] = ()) -> OnCall:
        """Primary, backup and lead at `now`, overrides applied."""
        primary = self.on_duty(now)
        backup = self._backup(now)
        lead = self.lead
        for override in sorted(overrides, key=lambda o: o.start):
            if not override.active(now):
                continue
            if override.replaces is None or override.replaces == primary:
                primary = override.manager
            elif override.replaces == backup:
                backup = override.manager
            elif override.replaces == lead:
                lead = override.manager
        if backup == primary:
            backup = None
        return OnCall(primary, backup, lead)

    def _backup(self, now: datetime) -> str | None:
        index = self._shift_index(now)
        if self.backups:
            return self.backups[index % len(self.backups)]
        if len(self.managers) < 2:
            return None
        return self.managers[(index + 1) % len(self.managers)]

    def shift_start(self, index: int) -> datetime:
        """The (aware, local) moment shift `index` begins."""
        day = self.start + timedelta(days=index * self.shift_days)
        return handoff_instant(day, self.handoff, self.zone).astimezone(self.zone)

    def next_handoff(self, now: datetime) -> tuple[datetime, str | None]:
        """When the current shift ends (aware, local) and who takes over."""
        index = self._shift_index(now) + 1
        who = self.managers[index % len(self.managers)] if self.managers else None
        return self.shift_start(index), who

    def _shift_index(self, now: datetime) -> int:
        """The last shift begun at `now`: the local date gives it within one, the
        instants decide (aware datetimes in one zone compare as wall clocks: in UTC)."""
        moment = now.astimezone(UTC)
        index = (now.astimezone(self.zone).date() - self.start).days // self.shift_days
        while self.shift_start(index).astimezone(UTC) > moment:
            index -= 1
        while self.shift_start(index + 1).astimezone(UTC) <= moment:
            index += 1
        return index

    def to_dict(self) -> dict[str, Any]:
        return {
            "managers": list(self.managers),
            "start": self.start.isoformat(),
            "shift_days": self.shift_days,
            "handoff": self.handoff.strftime("%H:%M"),
            "timezone": self.timezone,
            "backups": list(self.backups),
            "lead": self.lead,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rotation:
        return cls(
            managers=tuple(data.get("managers") or ()),
            start=date.fromisoformat(data["start"]),
            shift_days=int(data.get("shift_days", 7)),
            handoff=time.fromisoformat(data.get("handoff", "09:00")),
            timezone=data.get("timezone", "Europe/Amsterdam"),
            backups=tuple(data.get("backups") or ()),
            lead=data.get("lead") or None,
        )


def handoff_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The instant (UTC) the clocks in `zone` show `wall` on `day`: the first, when
    they show it twice; when they skip it, the moment they jump (the first instant that
    exists after it: spring 02:30 in Amsterdam is 03:00 CEST)."""
    naive = datetime.combine(day, wall)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == naive:
        return first  # exists (fold=0 is the first of two, if there are two)
    # in a gap: with fold=1 it is read with the offset after the jump, an instant before
    # the jump; with fold=0 with the offset before it, an instant after: search between
    low = int(naive.replace(tzinfo=zone, fold=1).timestamp())
    high = int(first.timestamp())  # transitions fall on whole seconds
    offset = datetime.fromtimestamp(low, zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)


def next_change(
    rotation: Rotation, overrides: Iterable[Override], now: datetime, *, horizon_days: int = 60
) -> tuple[datetime, OnCall] | None:
    """The first moment after `now` when the primary changes, and who is on call then."""
    overrides = list(overrides)
    current = rotation.on_call(now, overrides).primary
    now = now.astimezone(UTC)  # moments compared as instants (see `Rotation._shift_index`)
    moments = [o.start.astimezone(UTC) for o in overrides if o.start > now]
    moments += [o.end.astimezone(UTC) for o in overrides if o.end > now]
    index = rotation._shift_index(now)
    limit = now + timedelta(days=horizon_days)
    while True:
        index += 1
        at = rotation.shift_start(index).astimezone(UTC)
        if at > limit:
            break
        moments.append(at)
    for moment in sorted(moments):
        if moment > limit:
            break
        then = rotation.on_call(moment, overrides)
        if then.primary != current:
            return moment, then
    return None
