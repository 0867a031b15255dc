"""What one run of the every-minute job did (for its log line, its metrics and tests)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

# the metric each list is counted as (`metrics`); a page is a message about a case
METRIC_NAMES = {
    "resent": "Resent",
    "escalated": "Escalated",
    "exhausted": "Exhausted",
    "grouped": "Grouped",
    "failed": "PageFailures",
    "reminded": "Reminded",
    "handed_over": "HandedOver",
    "caught_up": "CaughtUp",
    "incident_updates": "IncidentUpdates",
    "undeliverable": "Undeliverable",
    "unassigned": "Unassigned",
}
PAGES = ("resent", "escalated", "grouped")


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
    incident_updates: list[str] = field(default_factory=list)  # incidents' follow-ups sent
    # cases whose pages nobody in the chain could be sent (state "failed": SNS refused
    # every one, e.g. KMS access denied after a deploy): ops alarm AlertsUndeliverable
    undeliverable: list[str] = field(default_factory=list)
    # cases waiting for somebody on duty (nobody in the rotation now): AlertsUnassigned
    unassigned: list[str] = field(default_factory=list)
    # seconds from the post to its first page, for alerts first paged by this run (their
    # first try failed, or nobody was on duty): the slow end of triage's PostToPage
    post_to_page: list[float] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(self.counts().values())

    def counts(self) -> dict[str, int]:
        return {f.name: len(getattr(self, f.name)) for f in fields(self) if f.name in METRIC_NAMES}

    def metrics(self) -> tuple[dict[str, float], dict[str, list[float]]]:
        """Counts and samples for `chalicelib.metrics.emit` (zeros too: alarms read them)."""
        counts = self.counts()
        out = {METRIC_NAMES[name]: float(n) for name, n in counts.items()}
        out["Pages"] = float(sum(counts[name] for name in PAGES))
        return out, {"PostToPage": self.post_to_page}
