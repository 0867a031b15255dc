"""What one run of the every-minute job did (for its log line and for tests)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Tick:
    resent: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)
    exhausted: list[str] = field(default_factory=list)
    grouped: list[str] = field(default_factory=list)  # grouped alerts sent
    failed: list[str] = field(default_factory=list)  # pages SNS refused (retried next run)
    reminded: list[str] = field(default_factory=list)  # reminders on open cases sent
    handed_over: list[str] = field(default_factory=list)  # incoming managers told (shift)
    caught_up: list[str] = field(default_factory=list)  # managers sent a catch-up SMS

    def __bool__(self) -> bool:
        return any(self.__dict__.values())

    def counts(self) -> dict[str, int]:
        return {name: len(ids) for name, ids in self.__dict__.items()}
