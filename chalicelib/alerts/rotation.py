"""Who is on duty: a rotation in the team's local time (DST-safe).

Shifts hand over at a local wall-clock time (09:00 by default), so a shift is
"Monday 09:00 to next Monday 09:00 Amsterdam time" whatever the UTC offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Rotation:
    managers: tuple[str, ...]
    start: date  # local date of the first shift's handoff
    shift_days: int = 7
    handoff: time = time(9, 0)
    timezone: str = "Europe/Amsterdam"

    def __post_init__(self) -> None:
        if self.shift_days < 1:
            raise ValueError("shift_days must be at least 1")

    def on_duty(self, now: datetime) -> str | None:
        """The manager on duty at `now` (aware), or None when nobody is in the rotation."""
        if not self.managers:
            return None
        return self.managers[self._shift_index(now) % len(self.managers)]

    def next_handoff(self, now: datetime) -> tuple[datetime, str | None]:
        """When the current shift ends (aware, local) and who takes over."""
        index = self._shift_index(now) + 1
        day = self.start + timedelta(days=index * self.shift_days)
        at = datetime.combine(day, self.handoff, tzinfo=ZoneInfo(self.timezone))
        who = self.managers[index % len(self.managers)] if self.managers else None
        return at, who

    def _shift_index(self, now: datetime) -> int:
        local = now.astimezone(ZoneInfo(self.timezone))
        shift_day = local.date() if local.time() >= self.handoff else local.date() - timedelta(1)
        return (shift_day - self.start).days // self.shift_days

    def to_dict(self) -> dict[str, Any]:
        return {
            "managers": list(self.managers),
            "start": self.start.isoformat(),
            "shift_days": self.shift_days,
            "handoff": self.handoff.strftime("%H:%M"),
            "timezone": self.timezone,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rotation:
        return cls(
            managers=tuple(data.get("managers") or ()),
            start=date.fromisoformat(data["start"]),
            shift_days=int(data.get("shift_days", 7)),
            handoff=time.fromisoformat(data.get("handoff", "09:00")),
            timezone=data.get("timezone", "Europe/Amsterdam"),
        )
