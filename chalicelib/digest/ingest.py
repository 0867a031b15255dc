"""What triage records for the digest as each mention is stored.

Two parts, both exactly once per mention:

* counters (`aggregates.ingest_counts`, a negative post's entry on its author's trail:
  `trail.py`) go into the mention's own conditional transaction:
  `day_counts(mention, timezone)` -> `store.DayCounts`;
* the bounded lists (top negatives, ambassadors) are offered after it, and positive posts
  are checked for a turnaround (`DayRecorder.after_insert_many`); both are idempotent,
  and the pipeline repeats them when a mention turns out to be a duplicate, so a crash in
  between loses nothing;
* the themes of the negative posts stored for the first time are added to the day's
  theme tally (`THEMES`, a bounded Space-Saving list: `toplists.py`) in the same
  BatchGetItem and writes. A count is added once: a crash after the mention's transaction
  and before this write leaves that batch's themes uncounted (the mentions and the day's
  counters are exact), and an edit moves its themes.

Themes that are our own terms (`excluded`: the watch configuration's terms, handles and
hashtags, and the brand) are never listed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .. import untrusted
from ..model import Mention
from ..store import DayCounts, StateTable
from ..store.keys import Key
from ..triage.rising import themable
from . import aggregates, trail
from .toplists import ListSpec, Rank, TopLists

if TYPE_CHECKING:
    from .turnaround import Turnarounds

# One shard each: a triage invocation (500 mentions) writes each list once at most, and
# once a list is full most offers fall below its floor and cost nothing; at 100M
# mentions a month that is ~0.1 invocations a second, so writers rarely meet (and retry
# when they do). The digest reads each in one GetItem.
NEGATIVES = ListSpec("neg", cap=10, shards=1)
AMBASSADORS = ListSpec("amb", cap=10, shards=1)
# tiny entries, counts change every batch: 64 counted, the digest shows the first few
THEMES = ListSpec("themes", cap=64, shards=1, tally=True)
TEXT_LIMIT = 280


def day_counts(mention: Mention, timezone: str) -> DayCounts:
    """The counters one mention adds to its (team-local) day, for `MentionStore.insert`."""
    day = aggregates.local_day(mention.created_at, timezone)
    items: dict[Key, dict[str, int]] = {}
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
        "url": untrusted.link(mention.url),
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

    def after_insert(self, mention: Mention, *, new: bool) -> None:
        """One mention; `new`: stored for the first time now (its themes are counted)."""
        self.after_insert_many([mention], new=[mention] if new else ())

    def after_insert_many(
        self,
        mentions: Iterable[Mention],
        *,
        new: Iterable[Mention] = (),
        replaced: Iterable[Mention] = (),
    ) -> None:
        """Offer a batch's mentions to the day lists and count the themes of `new` (stored
        for the first time, or an edit's new version) less those of `replaced` (the
        versions an edit replaced): the shards read in one request, at most one write each.
        """
        offers: dict[tuple[str, str], list[tuple[str, Rank, dict[str, Any]]]] = defaultdict(list)
        mentions = list(mentions)
        for mention in mentions:
            day = aggregates.local_day(mention.created_at, self._timezone)
            label = aggregates.label_of(mention)
            if label == "negative":
                rank = (float(mention.priority), float(mention.author.followers or 0))
                offers[(day, NEGATIVES.name)].append((mention.id, rank, post_summary(mention)))
            elif aggregates.praises(mention):
                author = f"{mention.source}:{mention.author.id}"
                rank = (float(mention.author.followers or 0), float(engagement(mention)))
                offers[(day, AMBASSADORS.name)].append((author, rank, post_summary(mention)))
        specs = {spec.name: spec for spec in (NEGATIVES, AMBASSADORS)}
        updates: list[tuple[str, ListSpec, Any]] = [
            (day, specs[name], batch) for (day, name), batch in offers.items()
        ]
        tallies = theme_counts(new, replaced, self._timezone, self._excluded)
        updates += [(day, THEMES, counts) for day, counts in tallies.items()]
        # one BatchGetItem (per 100 keys) for the lists' shards and the authors' trails
        plan = self._lists.plan(updates)
        wanted = set(plan)
        if self._turnarounds is not None:
            wanted |= self._turnarounds.keys_for(mentions)
        read = self._state.get_many(sorted(wanted)) if wanted else {}
        self._lists.apply(plan, read)
        if self._turnarounds is not None:
            self._turnarounds.after_batch(mentions, read=read)


def theme_counts(
    added: Iterable[Mention],
    taken: Iterable[Mention],
    timezone: str,
    excluded: frozenset[str] = frozenset(),
) -> dict[str, dict[str, int]]:
    """Per day, what the themes of `added` less those of `taken` do to its tally (`THEMES`)."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for sign, batch in ((1, added), (-1, taken)):
        for mention in batch:
            day = aggregates.local_day(mention.created_at, timezone)
            for theme in aggregates.counted_themes(mention):
                if themable(theme, excluded):
                    out[day][theme] = out[day].get(theme, 0) + sign
    return {day: counts for day, counts in out.items() if any(counts.values())}
