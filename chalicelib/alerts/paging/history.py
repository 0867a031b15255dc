"""An author's earlier cases, for the case page: a repeat complainer, or a new voice?

One item per author (`keys.author_history`), one attribute per alerted post
(``e#<mention id>``: when, sentiment, priority, first words), written when the alert is
created, kept for the retention period and at most `KEEP` posts. Only posts that alerted
are here: knowing an author's *positive* posts too (a former ambassador) needs an index
of every mention by author — a GSI `by_author` on the mentions table (docs/oncall.md).

Erasure (`tools/erase.py`) removes the ``e#<mention id>`` entries with the mentions.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ...model import Alert, Mention, parse_time
from ...store import StateTable, keys
from . import message

ENTRY = "e#"
KEEP = 30
SHOWN = 10


class AuthorHistory:
    def __init__(self, state: StateTable, retention: timedelta) -> None:
        self._state = state
        self._retention = retention

    def record(self, mention: Mention, alert: Alert, now: datetime) -> None:
        key = keys.author_history(mention.source, mention.author.id)
        entry = {
            "mention_id": mention.id,
            "alert_id": alert.id,
            "at": mention.created_at,
            "label": mention.sentiment.label if mention.sentiment else "unknown",
            "score": mention.sentiment.score if mention.sentiment else 0.0,
            "priority": round(mention.priority),
            "excerpt": message.first_words(mention.text, 120),
        }
        expires_at = int((now + self._retention).timestamp())
        name = f"{ENTRY}{mention.id}"
        if self._state.put_new(key, {name: entry, "expires_at": expires_at}):
            return
        current = self._state.get(key) or {}
        kept = sorted(
            (k for k in current if k.startswith(ENTRY) and k != name),
            key=lambda k: str(current[k].get("at", "")),
        )
        old = [k for k in kept if self._expired(current[k], now)]
        surplus = [k for k in kept if k not in old][: max(0, len(kept) - len(old) - KEEP + 1)]
        self._state.update(key, {name: entry, "expires_at": expires_at}, remove=[*old, *surplus])

    def earlier(
        self, source: str, author_id: str, mention_id: str, now: datetime
    ) -> list[dict[str, Any]]:
        """The author's other alerted posts in the retention window, newest first."""
        item = self._state.get(keys.author_history(source, author_id)) or {}
        entries = [
            v
            for k, v in item.items()
            if k.startswith(ENTRY)
            and isinstance(v, dict)
            and v.get("mention_id") != mention_id
            and not self._expired(v, now)
        ]
        return sorted(entries, key=lambda e: str(e.get("at", "")), reverse=True)[:SHOWN]

    def _expired(self, entry: dict[str, Any], now: datetime) -> bool:
        try:
            return now - parse_time(str(entry.get("at", ""))) > self._retention
        except ValueError:
            return True
