"""GDPR erasure by author: `python -m tools erase --source x --author-id 42`.

Removes everything that holds an author's posts:

1. the author's mentions (mentions table);
2. the alert of each of those mentions, with every item beside it (`keys.alert_pk`);
3. copies of their text elsewhere in the state table: entries of the digest's day
   top lists (``e#<mention id>``, an ambassador entry ``e#<source>:<author id>``) and
   any nested record that names an erased mention or alert (a grouped alert's cards)
   or quotes an erased text; those are replaced by ``{"erased": true}``.

   The case desk's items of those cases go too: the author's history of earlier cases
   (``author#<source>:<author id>``), board entries and case codes.

   An incident (an outage the team handled) stays, as the team's record, without the
   author's posts: they leave its `members`, its `count` and `reach`; an open incident's
   index and cause entries forget the post that opened it (``head``). Its id names no
   post (`incidents.incident_id_for` is a digest), so nothing else has to change.

   What the team wrote (a lesson, a resolution note, a hand-over note: `WRITTEN`) stays,
   but never names the author: their display name and handle (with or without the @,
   any case, as whole words) become ``[erased]`` wherever it was copied, the case
   itself, another case, the day's and the week's lesson lists and the stories, so the
   next digest and weekly lessons mail cannot name them either.
4. the days' theme tallies its negative posts added to: decremented, and a theme left
   with no count of its own (only they gave it: a surname, a street) leaves the tally,
   and storm control's 5-minute buckets (``t#<theme>``; they expire after two days);
5. anything quarantined that names one of the posts.

Each erased mention leaves a tombstone (its id, nothing of the post; `TOMBSTONE_DAYS`):
a captured signed request replayed, or a redriven dead letter, is then a duplicate
(was: it stored the post again).

What stays, and why: day counters (numbers per day, source, sentiment: no
person in them); log lines (mention and alert ids only, never text or handles); pages
and digests already delivered by SNS / SES (outside our systems); the dead-letter
queue may hold a failed message with the post for up to 14 days (`dlq list` shows it).

Erasure is rare, so it scans both tables (`MentionStore.by_author`, `StateTable.scan`: a
cost paid per request, not per post) instead of keeping an index by author that every
write would pay for.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from functools import cache
from typing import Any

from chalicelib import wiring
from chalicelib.digest.ingest import THEMES, theme_counts
from chalicelib.digest.toplists import TopLists
from chalicelib.errors import CommandError
from chalicelib.model import Mention, alert_id_for, utc_now
from chalicelib.store import MentionStore, StateTable, keys
from chalicelib.store.keys import Key
from chalicelib.triage.rising import THEME_COUNTER

from . import stage

ERASED = {"erased": True}
QUOTE_CHARS = 40  # an erased text is recognised by its first characters (whitespace folded)
MIN_QUOTE = 12  # shorter texts ("ok!") would match other people's posts: ids and URLs do it
TOMBSTONE_DAYS = 30  # longer than the DLQ (14 d) + the queue (4 d) + X's search window (7 d)
WRITTEN = frozenset({"lesson", "note", "resolution_note"})  # the team's words about a case
MIN_NAME = 3  # a shorter name or handle ("jo") would redact other words: not recognised
REDACTED = "[erased]"
REFERENCES = frozenset({"head"})  # a field that points at a post: blanked, its record kept


@dataclass
class ErasureReport:
    source: str
    author_id: str
    mentions: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    scrubbed: list[str] = field(default_factory=list)  # "pk/sk" of state items rewritten
    themes: list[str] = field(default_factory=list)  # "day/theme" taken off the tally
    quarantined: list[str] = field(default_factory=list)
    dry_run: bool = False


@dataclass(frozen=True)
class Target:
    """What identifies the author's data."""

    source: str
    author_id: str
    mention_ids: frozenset[str]
    texts: tuple[str, ...]
    handles: frozenset[str] = frozenset()  # "@handle", as pages quote them
    urls: frozenset[str] = frozenset()  # each post's link: names it in cards and pages
    themes: frozenset[str] = frozenset()  # themes only the author's posts gave
    persons: frozenset[str] = frozenset()  # their display names and bare handles
    reach: dict[str, int] = field(default_factory=dict, compare=False)  # alert id -> followers

    @property
    def author_key(self) -> str:
        return f"{self.source}:{self.author_id}"

    @property
    def alert_ids(self) -> frozenset[str]:
        return frozenset(alert_id_for(i) for i in self.mention_ids)

    @property
    def names(self) -> frozenset[str]:
        return self.mention_ids | self.alert_ids


class Eraser:
    def __init__(
        self, mentions: MentionStore, state: StateTable, timezone: str = "Europe/Amsterdam"
    ) -> None:
        self._mentions = mentions
        self._state = state
        self._timezone = timezone

    def _themes(self, found: list[dict[str, Any]], *, dry_run: bool) -> dict[str, str]:
        """Take the author's posts out of the days' theme tallies; the themes that are
        no longer listed (only the author gave them) -> their day."""
        counts = theme_counts((), [Mention.from_dict(item) for item in found], self._timezone)
        lists = TopLists(self._state)
        gone: dict[str, str] = {}
        for day, taken in sorted(counts.items()):
            if not dry_run:
                lists.count_many(day, THEMES, taken)
            own = {e.key: int(e.rank[0]) for e in lists.read(day, THEMES)}  # surely theirs
            for theme, n in sorted(taken.items()):
                if own.get(theme, 0) + (n if dry_run else 0) <= 0:
                    gone[theme] = day
        return gone

    def erase(self, source: str, author_id: str, *, dry_run: bool = False) -> ErasureReport:
        report = ErasureReport(source, author_id, dry_run=dry_run)
        found = list(self._mentions.by_author(source, author_id))
        target = Target(
            source,
            author_id,
            frozenset(item["id"] for item in found),
            tuple(q for q in (quote(str(i.get("text", ""))) for i in found) if len(q) >= MIN_QUOTE),
            frozenset(f"@{h}" for h in (item["author"].get("handle") for item in found) if h),
            frozenset(str(item["url"]) for item in found if item.get("url")),
            persons=frozenset(
                " ".join(str(said).split())
                for item in found
                for said in (item["author"].get("name"), item["author"].get("handle"))
                if said and len(" ".join(str(said).split())) >= MIN_NAME
            ),
            reach={
                alert_id_for(item["id"]): int(item["author"].get("followers") or 0)
                for item in found
            },
        )
        gone = self._themes(found, dry_run=dry_run)
        target = Target(**{**target.__dict__, "themes": frozenset(gone)})
        report.themes = sorted(f"{day}/{theme}" for theme, day in gone.items())
        report.mentions = sorted(target.mention_ids)
        erased_alerts: set[str] = set()
        for item in self._state.scan():
            key = Key(item["pk"], item["sk"])
            if keys.is_alert(key) and item.get("mention_id") in target.mention_ids:
                report.alerts.append(item["id"])
                erased_alerts.add(key.pk)
                continue
            if key.pk in erased_alerts:
                continue
            if key == keys.author_history(source, author_id) or _names_a_case(key, item, target):
                report.scrubbed.append(f"{key.pk}/{key.sk}")  # the case desk's record of them
                if not dry_run:
                    self._state.delete(key)
                continue
            if keys.is_quarantined(key) and target.mention_ids & set(item.get("mention_ids", [])):
                report.quarantined.append(key.pk)
                if not dry_run:
                    self._state.delete(key)
                continue
            cleaned = _without_members(scrub(item, target), item, target)
            if cleaned != item:
                report.scrubbed.append(f"{key.pk}/{key.sk}")
                if not dry_run:
                    self._replace(key, item, cleaned)
        if not dry_run:
            for alert_pk in erased_alerts:  # the alert and whatever sits beside it
                for item in list(self._state.query(alert_pk)):
                    self._state.delete(Key(item["pk"], item["sk"]))
            until = int((utc_now() + timedelta(days=TOMBSTONE_DAYS)).timestamp())
            for mention_id in report.mentions:
                self._mentions.erase(mention_id, until=until)  # a tombstone, not a gap
        return report

    def _replace(self, key: Key, old: dict[str, Any], new: dict[str, Any]) -> None:
        """Write the scrubbed item; a versioned item (top lists) only over the version read."""
        changes = {k: v for k, v in new.items() if k not in ("pk", "sk")}
        removed = tuple(k for k in old if k not in new)
        expect = None
        if "v" in old:
            changes["v"] = int(old["v"]) + 1
            expect = {"v": old["v"]}
        if not self._state.update(key, changes, expect=expect, remove=removed):
            raise CommandError(f"{key.pk}/{key.sk} changed while erasing; run the erase again")


def _names_a_case(key: Key, item: dict[str, Any], target: Target) -> bool:
    """A case desk item of an erased case: its board entry (the alert id is in the sort
    key) or a case code (which names the alert it opens)."""
    alert_ids = target.alert_ids
    return item.get("alert_id") in alert_ids or any(key.sk.endswith(f"#{a}") for a in alert_ids)


def scrub(item: dict[str, Any], target: Target) -> dict[str, Any]:
    """A copy of a state item without the target's entries, records and quoted text."""
    out: dict[str, Any] = {}
    for key, value in item.items():
        if key.startswith("e#") and key[2:] in target.mention_ids | {target.author_key}:
            continue
        if key.startswith("e#") and key[2:] in target.themes and _is_themes_list(item):
            continue
        theme = key.removeprefix(THEME_COUNTER)
        if theme != key and theme in target.themes and _is_storm_bucket(item):
            continue
        out[key] = _scrub_field(key, value, target) if key not in ("pk", "sk") else value
    return out


def _without_members(
    cleaned: dict[str, Any], item: dict[str, Any], target: Target
) -> dict[str, Any]:
    """An incident without the author's posts: its count and reach follow its members."""
    members = item.get("members")
    if item.get("kind") != "incident" or not isinstance(members, list):
        return cleaned
    gone = [m for m in members if m in target.alert_ids]
    if not gone:
        return cleaned
    out = {**cleaned, "count": max(0, int(item.get("count", len(members))) - len(gone))}
    if "reach" in item:
        out["reach"] = max(0, int(item["reach"]) - sum(target.reach.get(m, 0) for m in gone))
    return out


def _is_storm_bucket(item: dict[str, Any]) -> bool:
    return keys.is_negatives_counter(Key(str(item.get("pk", "")), str(item.get("sk", ""))))


def _is_themes_list(item: dict[str, Any]) -> bool:
    prefix = keys.day_list_shard("", THEMES.name, 0).sk[:-1]
    return str(item.get("sk", "")).startswith(prefix)


def quote(text: str) -> str:
    return " ".join(text.split())[:QUOTE_CHARS]


def _scrub_value(value: Any, target: Target) -> Any:
    if isinstance(value, dict):
        named = target.names | target.urls
        kept = {k: v for k, v in value.items() if not (k in REFERENCES and _is_named(v, target))}
        if any(isinstance(v, str) and v in named for v in kept.values()):
            return dict(ERASED)  # a record about an erased post (an alert card, an example)
        return {k: _scrub_field(k, v, target) for k, v in value.items()}
    if isinstance(value, list):  # a list of ids (an incident's members) loses theirs
        return [_scrub_value(v, target) for v in value if not _is_named(v, target)]
    if isinstance(value, str) and any(
        q in " ".join(value.split()) or q in value
        for q in (*target.texts, *target.handles, *target.urls)
        if q
    ):
        return "[erased]"
    return value


def _is_named(value: Any, target: Target) -> bool:
    return isinstance(value, str) and value in target.names


def _scrub_field(name: str, value: Any, target: Target) -> Any:
    """A value of an item or record; the team's words (`WRITTEN`) keep all but the name;
    a reference to an erased post (`REFERENCES`) points at none."""
    if name in REFERENCES and _is_named(value, target):
        return ""
    cleaned = _scrub_value(value, target)
    if name in WRITTEN and isinstance(cleaned, str) and target.persons:
        return _person_pattern(target.persons).sub(REDACTED, cleaned)
    return cleaned


@cache
def _person_pattern(persons: frozenset[str]) -> re.Pattern[str]:
    """Any of the names, as whole words, in any case, its inner spaces any whitespace."""
    spelled = sorted(persons, key=len, reverse=True)  # the longest first: "Jan de Vries"
    words = "|".join(r"\s+".join(re.escape(w) for w in name.split()) for name in spelled)
    return re.compile(rf"(?<!\w)@?(?:{words})(?!\w)", re.IGNORECASE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools erase",
        description="Erase an author's mentions, alerts and quoted text (GDPR request).",
    )
    stage.add_arguments(parser)
    parser.add_argument("--source", required=True, help="network, e.g. x, reddit, generic")
    parser.add_argument("--author-id", required=True, help="the network's id of the author")
    parser.add_argument("--dry-run", action="store_true", help="report only, change nothing")
    args = parser.parse_args(argv)

    def work() -> int:
        with stage.opened(args.stage, local=args.local):
            eraser = Eraser(wiring.mentions(), wiring.state(), wiring.settings().timezone)
            report = eraser.erase(args.source, args.author_id, dry_run=args.dry_run)
        print(json.dumps(asdict(report), ensure_ascii=False))
        return 0

    return stage.guarded(work)


if __name__ == "__main__":
    sys.exit(main())
