"""What the team did with each case: opened and closed, how it ended, the stories worth
telling and the lessons for the organisation.

Told by the alert tally (`AlertTally.sync`) for every change of a mention's alert. Each
count is made once with a flag on the tally's marker beside the alert (`add_once`); the
lists are offered before it, idempotently, so a failure in between is repaired by the
next sync. Counted on the day the case was *resolved* (what the team did that day):

    day_stats(day).outcome#<outcome>           aggregates.outcome_counts
    standing_counts("cases") opened / closed   cases open now = opened - closed
    week_lessons(week).lessons#<theme>         cases resolved with a lesson, per theme

Lists: the open cases (standing, by priority and reach, keyed by mention id), the day's
stories (by how clear the turnaround was, then reach; one per grouped alert) and the
lessons of the day and of the ISO week (one entry per theme and lesson text, with the
highest-reach case as its example). Entries name posts by nested records, which erasure
replaces: a lesson stays, its example goes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ..config import theme_name
from ..model import Alert, Mention, parse_time
from ..store import StateTable, keys
from . import aggregates, trail
from .ingest import post_summary
from .toplists import ListSpec, TopLists

if TYPE_CHECKING:
    from .turnaround import Turnarounds

OPEN_CASES = ListSpec("open", cap=10, shards=2, scope="standing")
OPENED = "case-opened"
STORIES = ListSpec("stories", cap=6, shards=1)
LESSONS = ListSpec("lessons", cap=12, shards=1)
WEEK_LESSONS = ListSpec("lessons", cap=40, shards=8, scope="week")
CASES = "cases"
FLAG = "counted#"
# how clearly a case turned around, for picking the stories worth telling
CLARITY = {"turned_positive": 3.0, "solved": 2.0, "answered": 1.0, "handed_over": 0.5}
LESSON_SHOWN = 300  # characters of a lesson in the daily digest (the weekly mail has it all)
TEXT = 200


@dataclass(frozen=True)
class Opening:
    """A case's "opened" count: the flag on its marker, the item and counters it adds to."""

    flag: str
    target: keys.Key
    counts: dict[str, int]


def _seconds(start: str | None, end: str | None) -> float | None:
    if not (start and end):
        return None
    return (parse_time(end) - parse_time(start)).total_seconds()


def _post(mention: Mention) -> dict[str, Any]:
    summary = post_summary(mention)
    text = str(summary["text"])
    summary["text"] = text if len(text) <= TEXT else text[: TEXT - 1] + "…"
    summary["author"] = trail.author_key(mention)
    return summary


def lesson_key(theme: str, lesson: str) -> str:
    """One entry per theme and lesson text, however many cases taught it."""
    digest = hashlib.sha256(" ".join(lesson.split()).casefold().encode()).hexdigest()[:16]
    return f"{theme}|{digest}"


class CaseLog:
    def __init__(
        self,
        state: StateTable,
        lists: TopLists,
        *,
        timezone: str,
        turnarounds: Turnarounds | None = None,
    ) -> None:
        self._state = state
        self._lists = lists
        self._timezone = timezone
        self._turnarounds = turnarounds

    def opening(
        self, alert: Alert, mention: Mention | None, counted: Mapping[str, Any]
    ) -> Opening | None:
        """A case not counted open yet: put it on the open list and its author's trail,
        and return its count, for the tally to make in its own transaction."""
        if alert.kind != "mention" or mention is None or FLAG + OPENED in counted:
            return None
        if not alert.resolved_at:
            rank = (float(alert.priority), float(mention.author.followers or 0))
            summary = {**_post(mention), "alert_id": alert.id}
            summary["text"] = str(summary["text"])[:100]
            self._lists.offer("", OPEN_CASES, mention.id, rank, summary)
        post_day = aggregates.local_day(mention.created_at, self._timezone)
        trail.remember_case(self._state, alert, mention, post_day)
        return Opening(FLAG + OPENED, keys.standing_counts(CASES), {"opened": 1})

    def after_sync(
        self, alert: Alert, mention: Mention | None, counted: Mapping[str, Any]
    ) -> list[str]:
        """Record how `alert` (a case about `mention`) ended; the events counted. `counted`
        is its marker with what this sync counted (the case closes only if it opened)."""
        if alert.kind != "mention" or mention is None:
            return []
        marker = keys.alert_tally(alert.id)
        done: list[str] = []
        opened = FLAG + OPENED in counted  # (if not: a concurrent sync counted it)
        if not alert.resolved_at or FLAG + "outcome" in counted:
            return done
        day = aggregates.local_day(alert.resolved_at, self._timezone)
        self._lists.remove("", OPEN_CASES, mention.id)
        self._story(alert, mention, day)
        if alert.outcome == "turned_positive" and self._turnarounds is not None:
            self._turnarounds.from_case(alert, mention)
        if alert.lesson and self._lesson(alert, mention, day):
            done.append("lesson")
        if opened and self._once(marker, "case-closed", keys.standing_counts(CASES), {"closed": 1}):
            done.append("case-closed")
        outcome = aggregates.outcome_counts(alert.outcome)
        if self._once(marker, "outcome", keys.day_stats(day), outcome):
            done.append("outcome")
        return done

    def _once(self, marker: keys.Key, event: str, target: keys.Key, counts: dict[str, int]) -> bool:
        return self._state.add_once(marker, [FLAG + event], target, counts)

    def _story(self, alert: Alert, mention: Mention, day: str) -> None:
        story = {
            "post": _post(mention),
            "outcome": alert.outcome or "",
            "note": alert.resolution_note or "",
            "lesson": (alert.lesson or "")[:LESSON_SHOWN],
            "theme": theme_name(alert.lesson_theme or ""),
            "alert_id": alert.id,
            "group_id": alert.group_id or "",
            "by": alert.resolved_by or "",
            "ack_seconds": _seconds(alert.created_at, alert.acknowledged_at),
            "took_seconds": _seconds(alert.created_at, alert.resolved_at),
        }
        rank = (CLARITY.get(alert.outcome or "", 0.0), float(mention.author.followers or 0))
        self._lists.offer(day, STORIES, alert.group_id or mention.id, rank, story)

    def _lesson(self, alert: Alert, mention: Mention, day: str) -> bool:
        lesson = " ".join((alert.lesson or "").split())
        theme = theme_name(alert.lesson_theme or "") or "other"
        entry = {
            "lesson": lesson,
            "theme": theme,
            "outcome": alert.outcome or "",
            "resolved_at": alert.resolved_at or "",
            "post": {**_post(mention), "alert_id": alert.id},
        }
        rank = (float(mention.author.followers or 0),)
        key = lesson_key(theme, lesson)
        week = trail.iso_week(date.fromisoformat(day))
        self._lists.offer(day, LESSONS, key, rank, {**entry, "lesson": lesson[:LESSON_SHOWN]})
        self._lists.offer(week, WEEK_LESSONS, key, rank, entry)
        counts = aggregates.lesson_counts(theme, key)
        return self._once(keys.alert_tally(alert.id), "lesson", keys.week_lessons(week), counts)
