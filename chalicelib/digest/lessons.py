"""The weekly "what customers taught us" mail: each theme's owner gets the lessons the team
recorded for their themes in the past ISO week, the volume behind them, example posts.

Lessons are typed when a case is resolved (`AlertService.resolve(..., lesson=,
lesson_theme=)`) and kept by `outcomes.CaseLog` in the week's list; `LESSON_OWNERS`
maps themes to owners ("*": the themes nobody owns). One mail per owner and week, sent
exactly once with a claim per (week, owner) like the digest (`claims.py`): the schedule
fires hourly on Mondays and Tuesdays (UTC), the mail goes out from the team's local
`LESSONS_LOCAL_HOUR` on Monday, and a failed send is retried at every later fire.
The same run clears the minus→plus trail of weeks that left the window (once a week).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .. import untrusted
from ..config import Settings
from ..errors import DeliveryError
from ..logs import get_logger
from ..model import iso
from ..store import StateTable, keys
from ..triage.rising import themable
from . import aggregates, render, trail
from .claims import Claims, Sent, send_once
from .ingest import THEMES
from .loop import OUTCOME_LABELS, CaseLink, no_link, owners_of
from .outcomes import WEEK_LESSONS
from .toplists import TopLists

if TYPE_CHECKING:
    from mypy_boto3_ses.client import SESClient

log = get_logger("digest.lessons")
EXAMPLES = 3
RELATED = 3  # themes customers raised in a lesson's posts, shown with their volume


@dataclass(frozen=True)
class Example:
    handle: str
    source: str
    followers: int
    text: str
    url: str
    link: str | None
    themes: tuple[str, ...] = ()  # what the post was about (triage's themes)
    name: str = ""  # the author's name (Meta sends no handle)


@dataclass(frozen=True)
class Lesson:
    text: str
    cases: int  # cases that taught it this week
    outcome: str
    resolved_at: str
    example: Example | None
    link: str | None


@dataclass(frozen=True)
class Related:
    """A theme customers raised in the posts behind a lesson, and how often that week."""

    name: str
    posts: int
    posts_before: int  # the week before


@dataclass(frozen=True)
class ThemeLessons:
    theme: str
    cases: int  # cases resolved with a lesson on this theme this week
    cases_before: int  # and the week before
    lessons: list[Lesson]
    related: list[Related]  # the volume behind them: what those posts were about
    examples: list[Example]


@dataclass(frozen=True)
class OwnerMail:
    owner: str
    week: str
    first_day: str
    last_day: str
    themes: list[ThemeLessons]

    @property
    def cases(self) -> int:
        return sum(t.cases for t in self.themes)


class LessonsService:
    def __init__(
        self,
        *,
        settings: Settings,
        state: StateTable,
        ses: SESClient,
        lists: TopLists | None = None,
        case_link: CaseLink = no_link,
        excluded: frozenset[str] = frozenset(),
    ) -> None:
        self._settings = settings
        self._state = state
        self._ses = ses
        self._lists = lists or TopLists(state)
        self._case_link = case_link
        self._excluded = excluded  # our own terms: never a theme
        self._claims = Claims(state)

    def due_week(self, now: datetime) -> str | None:
        """The week before this one (team-local), from Monday's lessons hour on."""
        local = now.astimezone(ZoneInfo(self._settings.timezone))
        if local.weekday() == 0 and local.hour < self._settings.lessons_local_hour:
            return None
        return trail.iso_week(local.date() - timedelta(days=local.weekday() + 7))

    def gather(self, week: str) -> dict[str, OwnerMail]:
        """Every owner's mail for `week` (owners with no lessons get none)."""
        entries = self._lists.read(week, WEEK_LESSONS, top=WEEK_LESSONS.cap * WEEK_LESSONS.shards)
        previous = trail.iso_week(trail.monday(week) - timedelta(days=7))
        found = self._state.get_many([keys.week_lessons(week), keys.week_lessons(previous)])
        counts = found.get(keys.week_lessons(week)) or {}
        per_theme = aggregates.lessons_per_theme(counts)
        per_lesson = aggregates.lessons_per_theme(counts, "lesson#")
        before = aggregates.lessons_per_theme(found.get(keys.week_lessons(previous)) or {})
        by_theme: dict[str, list[Lesson]] = defaultdict(list)
        examples: dict[str, list[Example]] = defaultdict(list)
        raised: dict[str, Counter[str]] = defaultdict(Counter)
        for entry in entries:
            p = entry.payload
            theme = str(p.get("theme") or "other")
            example = self._example(p.get("post"))
            by_theme[theme].append(
                Lesson(
                    text=str(p.get("lesson", "")),
                    cases=max(1, per_lesson.get(entry.key, 0)),
                    outcome=OUTCOME_LABELS.get(str(p.get("outcome") or "none"), ""),
                    resolved_at=str(p.get("resolved_at", "")),
                    example=example,
                    link=example.link if example else None,
                )
            )
            if example is not None:
                examples[theme].append(example)
                raised[theme].update(example.themes)
        related = {t: [name for name, _ in c.most_common(RELATED)] for t, c in raised.items()}
        posts = self._theme_posts(week, sorted({n for names in related.values() for n in names}))
        mails: dict[str, OwnerMail] = {}
        start = trail.monday(week)
        for theme in sorted(by_theme, key=lambda t: (-per_theme.get(t, 0), t)):
            line = ThemeLessons(
                theme=theme,
                cases=max(per_theme.get(theme, 0), len(by_theme[theme])),
                cases_before=before.get(theme, 0),
                lessons=sorted(by_theme[theme], key=lambda lesson: -lesson.cases),
                related=[
                    Related(n, posts.get((n, 0), 0), posts.get((n, 1), 0))
                    for n in related.get(theme, [])
                ],
                examples=sorted(examples[theme], key=lambda e: -e.followers)[:EXAMPLES],
            )
            for owner in owners_of(theme, self._settings.lesson_owners):
                last = (start + timedelta(days=6)).isoformat()
                mail = mails.setdefault(owner, OwnerMail(owner, week, start.isoformat(), last, []))
                mail.themes.append(line)
        return mails

    def _example(self, post: Any) -> Example | None:
        if not isinstance(post, Mapping) or post.get("erased"):
            return None
        alert_id = str(post.get("alert_id", ""))
        return Example(
            handle=str(post.get("handle", "")),
            name=str(post.get("name", "")),
            source=str(post.get("source", "")),
            followers=int(post.get("followers", 0)),
            text=str(post.get("text", "")),
            url=untrusted.link(str(post.get("url", ""))),
            link=self._case_link(alert_id) if alert_id else None,
            themes=tuple(
                str(t) for t in post.get("themes") or () if themable(str(t), self._excluded)
            ),
        )

    def _theme_posts(self, week: str, themes: list[str]) -> dict[tuple[str, int], int]:
        """Negative posts that raised each theme, this week (0) and the week before (1),
        from the days' theme tallies (`ingest.THEMES`): 14 items in one BatchGetItem. A
        theme a day's tally does not hold counted too few posts that day to be listed."""
        start = trail.monday(week)
        days = {
            (start - timedelta(days=7 * back) + timedelta(days=offset)).isoformat(): back
            for back in (0, 1)
            for offset in range(7)
        }
        wanted = set(themes)
        out: dict[tuple[str, int], int] = defaultdict(int)
        for day, entries in self._lists.read_periods(days, THEMES).items():
            for entry in entries:
                if entry.key in wanted:
                    out[(entry.key, days[day])] += int(entry.rank[0])
        return dict(out)

    def preview(self, week: str) -> dict[str, render.RenderedDigest]:
        brand = self._settings.brand
        unsubscribe = f"mailto:{self._settings.digest_sender}?subject=unsubscribe"
        return {
            owner: render.render_lessons(m, brand=brand, unsubscribe_url=unsubscribe)
            for owner, m in self.gather(week).items()
        }

    def run(self, now: datetime, *, week: str | None = None) -> dict[str, Sent]:
        """One fire of the schedule: each owner's mail for the due week, once; raises the
        first failure after trying every owner (they are retried at the next fire)."""
        week = week or self.due_week(now)
        if week is None:
            return {}
        mails = self.gather(week)
        results: dict[str, Sent] = {}
        failure: DeliveryError | None = None
        unsubscribe = f"mailto:{self._settings.digest_sender}?subject=unsubscribe"
        brand = self._settings.brand
        for owner, mail in sorted(mails.items()):
            try:
                results[owner] = send_once(
                    self._claims,
                    keys.lessons_claim(week, owner),
                    now,
                    ses=self._ses,
                    sender=self._settings.digest_sender,
                    recipients=(owner,),
                    render=partial(
                        render.render_lessons, mail, brand=brand, unsubscribe_url=unsubscribe
                    ),
                    unsubscribe=unsubscribe,
                    label=f"lessons {week} for {owner}",
                    fields={"week": week, "mail": "lessons", "themes": len(mail.themes)},
                )
            except DeliveryError as error:
                failure = failure or error
        self._sweep(now)
        if failure is not None:
            raise failure
        return results

    def _sweep(self, now: datetime) -> None:
        """Once a week: delete the trail of weeks that left the minus→plus window."""
        today = now.astimezone(ZoneInfo(self._settings.timezone)).date()
        marker = keys.trail_sweep(trail.iso_week(today))
        if self._state.get(marker) is not None:
            return
        deleted = trail.sweep(self._state, today, self._settings.turnaround_days)
        expires_at = int((now + timedelta(days=60)).timestamp())
        self._state.put(marker, {"at": iso(now), "deleted": deleted, "expires_at": expires_at})
        log.info("trail swept", extra={"fields": {"deleted": deleted}})
