"""Saved replies: the team's ready answers, in Dutch and English, chosen by a tap.

Kept in one item (`keys.REPLY_SETTINGS`), written by the team lead with
`python -m tools oncall set-saved-reply …`; until the team saves its own, `DEFAULTS`
are offered. Placeholders are filled when a reply is chosen (plain replacement, never
`str.format` on team text):

    {name}         the author's name, or their handle, or "there" / "daar"
    {case}         the case reference the customer can quote (`case_ref`)
    {status_page}  the status page (`set-status-page URL`), or "our status page"

The case page lists the replies in the post's language first; a tap is a GET link
(``?saved=<id>``) that reloads the page with the box filled in: no script needed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from typing import Any

from ...store import StateTable, keys

SAVED_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
LANGS = ("nl", "en")


@dataclass(frozen=True)
class SavedReply:
    id: str
    lang: str  # "nl" or "en"
    title: str
    text: str

    def __post_init__(self) -> None:
        if not SAVED_ID.match(self.id):
            raise ValueError(f"saved reply id: lower-case letters, digits, - or _, not {self.id!r}")
        if self.lang not in LANGS:
            raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {self.lang!r}")
        if not self.title.strip() or not self.text.strip():
            raise ValueError("a saved reply needs a title and a text")
        if len(self.text) > 2000 or len(self.title) > 60:
            raise ValueError("a saved reply's title is at most 60 characters, its text 2,000")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SavedReply:
        return cls(str(data["id"]), str(data["lang"]), str(data["title"]), str(data["text"]))


DEFAULTS = (
    SavedReply(
        "sorry-nl",
        "nl",
        "Excuses, we kijken ernaar",
        "Hoi {name}, wat vervelend! We zoeken het voor je uit. Stuur je ons een DM met je "
        "klantnummer? Noem daarbij {case}.",
    ),
    SavedReply(
        "outage-nl",
        "nl",
        "Storing bekend",
        "Hoi {name}, de storing is bij ons bekend en we werken aan een oplossing. Actuele "
        "info: {status_page} ({case})",
    ),
    SavedReply(
        "sorry-en",
        "en",
        "Sorry, we are on it",
        "Hi {name}, sorry to hear that! We are looking into it. Could you DM us your "
        "customer number? Please quote {case}.",
    ),
    SavedReply(
        "outage-en",
        "en",
        "Known outage",
        "Hi {name}, we know about the outage and are working on it. Updates: "
        "{status_page} ({case})",
    ),
)


def case_ref(alert_id: str) -> str:
    """A short reference a customer can quote: "C-" and 6 characters of the case id."""
    return "C-" + hashlib.sha256(alert_id.encode()).hexdigest()[:6].upper()


def fill(reply: SavedReply, *, name: str, alert_id: str, status_page: str) -> str:
    fallback = "daar" if reply.lang == "nl" else "there"
    page = status_page or ("onze statuspagina" if reply.lang == "nl" else "our status page")
    return (
        reply.text.replace("{name}", name or fallback)
        .replace("{case}", case_ref(alert_id))
        .replace("{status_page}", page)
    )


class SavedReplies:
    """One item (`keys.REPLY_SETTINGS`): ``{"saved": {id: reply}, "status_page": url}``,
    written by the team lead alone (the CLI), read once per case page."""

    def __init__(self, state: StateTable) -> None:
        self._state = state

    def _item(self) -> dict[str, Any]:
        return self._state.get(keys.REPLY_SETTINGS) or {}

    def all(self) -> list[SavedReply]:
        item = self._item()
        if "saved" not in item:
            return list(DEFAULTS)
        items = [SavedReply.from_dict(v) for v in item["saved"].values() if isinstance(v, dict)]
        return sorted(items, key=lambda r: (r.lang, r.id))

    def for_lang(self, lang: str | None) -> list[SavedReply]:
        """All, the post's language first."""
        return sorted(self.all(), key=lambda r: (r.lang != (lang or "nl"), r.lang, r.id))

    def get(self, reply_id: str) -> SavedReply | None:
        return next((r for r in self.all() if r.id == reply_id), None)

    def save(self, reply: SavedReply) -> None:
        """Add or replace one; the first save starts from the defaults (so they stay
        until the lead removes them)."""
        item = self._item()
        saved = dict(item.get("saved") or {r.id: r.to_dict() for r in DEFAULTS})
        saved[reply.id] = reply.to_dict()
        self._state.put(keys.REPLY_SETTINGS, {**item, "saved": saved})

    def remove(self, reply_id: str) -> bool:
        item = self._item()
        saved = dict(item.get("saved") or {r.id: r.to_dict() for r in DEFAULTS})
        if saved.pop(reply_id, None) is None:
            return False
        self._state.put(keys.REPLY_SETTINGS, {**item, "saved": saved})
        return True

    def status_page(self) -> str:
        return str(self._item().get("status_page") or "")

    def set_status_page(self, url: str) -> None:
        if url and not url.startswith("https://"):
            raise ValueError("the status page must be an https:// address")
        self._state.put(keys.REPLY_SETTINGS, {**self._item(), "status_page": url})
