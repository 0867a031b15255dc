"""An open incident as its cause item lists it, its id, and the card its messages show."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from .. import message

INCIDENT_PREFIX = "alert:incident:"


def incident_id_for(head_alert_id: str) -> str:
    """An incident's alert id, from its first post's alert: one incident per first post,
    however often the post that opens it is retried. A digest of the post's id, not the
    id itself: the incident is the team's record of an outage and outlives the post when
    its author asks to be forgotten (tools/erase.py), so its id must not name the post."""
    digest = hashlib.blake2b(head_alert_id.encode(), digest_size=10).hexdigest()
    return f"{INCIDENT_PREFIX}{digest}"


@dataclass(frozen=True)
class Entry:
    """One open incident of a cause, as the cause item lists it."""

    kind: str  # the cause kind ("outage")
    id: str  # the incident's alert id
    head: str  # the alert id of its first post ("" for a declared incident)
    places: tuple[str, ...]
    last_at: str
    priority: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "head": self.head,
            "places": list(self.places),
            "last_at": self.last_at,
            "priority": self.priority,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        return cls(
            kind=str(data.get("kind", "")),
            id=str(data["id"]),
            head=str(data.get("head") or ""),
            places=tuple(data.get("places") or ()),
            last_at=str(data["last_at"]),
            priority=float(data.get("priority", 0)),
        )


def incident_card(
    label: str, cards: list[dict[str, Any]], count: int, reach: int, priority: float
) -> dict[str, Any]:
    """What an incident's messages render from: a grouped card of kind "incident"."""
    top = sorted(cards, key=lambda c: -float(c.get("priority", 0)))[: message.EXAMPLES]
    return {
        "kind": "incident",
        "label": label,
        "count": count,
        "reach": reach,
        "reason": f"one incident: {label}",
        "priority": round(priority),
        "examples": [
            {k: c.get(k) for k in message.EXAMPLE_FIELDS if c.get(k) is not None} for c in top
        ],
    }
