"""What triage records for the digest as each mention is stored.

Two parts, both exactly once per mention:

* counters (`aggregates.ingest_counts`, theme counter items, a negative post's entry on
  its author's trail: `trail.py`) go into the mention's own conditional transaction:
  `day_counts(mention, timezone)` -> `store.DayCounts`;
* the bounded lists (top negatives, ambassadors, themes) are offered after it, and
  positive posts are checked for a turnaround (`DayRecorder.after_insert`); both are
  idempotent, and the pipeline repeats them when a mention turns out to be a duplicate,
  so a crash in between loses nothing.

Themes that are our own terms (`excluded`: the watch configuration's terms, handles and
hashtags, and the brand) are never listed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..model import Mention
from ..store import DayCounts, StateTable, keys
from ..store.keys import Key
from ..triage.rising import themable
from . import aggregates, trail
from .toplists import ListSpec, Rank, TopLists

if TYPE_CHECKING:
    from .turnaround import Turnarounds

NEGATIVES = ListSpec("neg", cap=10, shards=2)
AMBASSADORS = ListSpec("amb", cap=10, shards=2)
THEMES = ListSpec("themes", cap=12, shards=1)  # tiny entries, counts change every batch
TEXT_LIMIT = 280


def day_counts(mention: Mention, timezone: str) -> DayCounts:
    """The counters one mention adds to its (team-local) day, for `MentionStore.insert`."""
    day = aggregates.local_day(mention.created_at, timezone)
    items = aggregates.theme_counts(mention, day)
    if aggregates.label_of(mention) == "negative":
        items.update(trail.complaint_counts(mention, day))
    return DayCounts(day=day, counts=aggregates.ingest_counts(mention), items=items)


def engagement(mention: Mention) -> int:
    e = mention.engagement
    return int(e.likes + e.replies + e.reposts + max(e.score, 0))


def post_summary(mention: Mention) -> dict[str, Any]:
    """What the digest shows of a post: small, so a shard of ten stays a few KB."""
    text = mention.text if len(mention.text) <= TEXT_LIMIT else mention.text[: TEXT_LIMIT - 1] + "…"
    return {
        "id": mention.id,
        "source": mention.source,
        "url": mention.url,
        "handle": mention.author.handle,
        "name": mention.author.name,
        "followers": int(mention.author.followers or 0),
        "text": text,
        "lang": mention.lang or "unknown",
        "created_at": mention.created_at,
        "priority": round(float(mention.priority), 1),
        "engagement": engagement(mention),
        "themes": list(mention.themes[:3]),
    }


class DayRecorder:
    """Keeps the day's top lists; `after_insert` is safe to call more than once."""

    def __init__(
        self,
        state: StateTable,
        lists: TopLists,
        timezone: str,
        *,
        excluded: frozenset[str] = frozenset(),
        turnarounds: Turnarounds | None = None,
    ) -> None:
        self._state = state
        self._lists = lists
        self._timezone = timezone
        self._excluded = excluded
        self._turnarounds = turnarounds

    def after_insert(self, mention: Mention) -> None:
        self.after_insert_many([mention])

    def after_insert_many(self, mentions: Iterable[Mention]) -> None:
        """Offer a batch's mentions to the day lists: per shard one read, at most one write."""
        offers: dict[tuple[str, str], list[tuple[str, Rank, dict[str, Any]]]] = defaultdict(list)
        themes: dict[Key, tuple[str, str]] = {}  # theme counter -> (day, theme)
        mentions = list(mentions)
        for mention in mentions:
            day = aggregates.local_day(mention.created_at, self._timezone)
            label = aggregates.label_of(mention)
            if label == "negative":
                rank = (float(mention.priority), float(mention.author.followers or 0))
                offers[(day, NEGATIVES.name)].append((mention.id, rank, post_summary(mention)))
                for theme in aggregates.counted_themes(mention):
                    if themable(theme, self._excluded):
                        themes[keys.day_theme(day, theme)] = (day, theme)
            elif label == "positive":
                author = f"{mention.source}:{mention.author.id}"
                rank = (float(mention.author.followers or 0), float(engagement(mention)))
                offers[(day, AMBASSADORS.name)].append((author, rank, post_summary(mention)))
        if themes:
            for key, counter in self._state.get_many(list(themes)).items():
                count = int(counter.get("n", 0))
                if count:
                    day, theme = themes[key]
                    offers[(day, THEMES.name)].append((theme, (float(count),), {}))
        specs = {spec.name: spec for spec in (NEGATIVES, AMBASSADORS, THEMES)}
        for (day, name), batch in offers.items():
            self._lists.offer_many(day, specs[name], batch)
        if self._turnarounds is not None:
            self._turnarounds.after_batch(mentions)
