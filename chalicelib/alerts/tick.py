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

    def __bool__(self) -> bool:
        return any((self.resent, self.escalated, self.exhausted, self.grouped, self.failed))

    def counts(self) -> dict[str, int]:
        return {name: len(ids) for name, ids in self.__dict__.items()}
