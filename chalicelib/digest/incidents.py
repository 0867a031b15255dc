"""The day's incidents in the digest: an outage answered as one (alerts/paging/incidents).

Read from the day's list (`keys.incidents("day", …)`) and the incidents' own items: label,
posts, reach, how soon someone took it, outcome and lesson. A first *reply* is not
recorded on a case yet; when it is (answering from the case page), it belongs here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..model import parse_time


@dataclass(frozen=True)
class IncidentLine:
    label: str
    posts: int
    reach: int
    declared: bool
    ack_seconds: float | None  # until someone took it
    outcome: str
    lesson: str
    link: str | None


def incident_lines(
    items: Mapping[str, Mapping[str, Any]],
    link: Callable[[str], str | None],
    outcome_labels: Mapping[str, str],
) -> list[IncidentLine]:
    """One line per incident, the oldest first."""
    out = []
    for incident_id, item in sorted(items.items(), key=lambda i: str(i[1].get("created_at"))):
        card = item.get("card") or {}
        acked = item.get("acknowledged_at")
        waited = None
        if acked and not item.get("declared"):
            waited = (parse_time(str(acked)) - parse_time(str(item["created_at"]))).total_seconds()
        outcome = str(item.get("outcome") or "")
        out.append(
            IncidentLine(
                label=str(card.get("label") or "incident"),
                posts=int(item.get("count", 0)),
                reach=int(item.get("reach", 0)),
                declared=bool(item.get("declared")),
                ack_seconds=waited,
                outcome=outcome_labels.get(outcome, outcome) if outcome else "still open",
                lesson=str(item.get("lesson") or ""),
                link=link(incident_id),
            )
        )
    return out
