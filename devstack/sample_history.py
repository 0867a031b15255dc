"""Four weeks of synthetic history for the local stack, so every comparison and trend shows.

`seed_history(today, now=...)` runs 28 days of posts (`sample.day_of_posts`, our own
sentences) through the real triage path (`sample_days.ingest`), and a simulated team
answers every alert: acknowledged within minutes, most resolved with an outcome, many with
a lesson for the organisation (theme by what the complaint is about). Two customers
complain in the history and post their praise on `today` through the demo's own posts
(`TURNERS`: amy_travels on X, Koen Maes on Facebook), so the day's digest shows a
turnaround; a few of yesterday's cases are resolved this morning (stories, lessons), two
stay in progress (open cases). Every alert ends acknowledged, so nothing escalates or is
flushed as a storm later. Deterministic; generated at demo time; nothing here is real.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib.model import Author, Engagement, Mention, iso, parse_time
from devstack import sample, sample_days

DEMO_SOURCES = (("x", 0.5), ("reddit", 0.15), ("facebook", 0.15), ("forum", 0.1), ("reviews", 0.1))
# theme -> (words that put a complaint under it, lessons the team writes down for it)
LESSONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "billing": (
        ("voorschot", "charged", "billing", "refund", "termijn", "afgeschreven"),
        (
            "Explain an advance-payment change in the app before the invoice goes out.",
            "Double debits after the October run: finance must refund without a call.",
            "Refunds take six weeks; customers expect two. Say so on the invoice page.",
        ),
    ),
    "network": (
        ("storing", "outage", "down", "stroom", "blackout", "internet", "monteur"),
        (
            "Post outage updates on the status page every 30 minutes, also at night.",
            "Technicians' arrival windows are missed in Utrecht: tell planning.",
        ),
    ),
    "app": (
        ("app", "inloggen", "crasht"),
        (
            "Login crashes since the last app release (error 503): app team to roll back.",
            "Usage graphs are what people praise: keep them on the home screen.",
        ),
    ),
    "support": (
        ("hold", "klantenservice", "gebeld", "support", "rude", "answers"),
        (
            "Callback promises are not kept: log every promise in the CRM.",
            "Phone queue over 30 minutes at lunch: add a webcare shift 12-14.",
        ),
    ),
}
OUTCOME_WEIGHTS = (
    ("answered", 0.3),
    ("solved", 0.38),
    ("turned_positive", 0.12),
    ("handed_over", 0.1),
    ("no_action", 0.1),
)
OUTCOMES = [outcome for outcome, _ in OUTCOME_WEIGHTS]
OUTCOME_SHARES = [share for _, share in OUTCOME_WEIGHTS]
NOTES = {
    "answered": "Explained what happened and what we do next.",
    "solved": "Called back, fixed it together.",
    "turned_positive": "Called back, solved it; the customer thanked us publicly.",
    "handed_over": "Handed to billing; they call back tomorrow.",
    "no_action": "Joke post, nothing to do.",
}


@dataclass(frozen=True)
class Turner:
    """A customer who complains in the history and praises us on the day of the demo."""

    source: str
    author_id: str
    handle: str
    name: str
    followers: int
    lang: str
    text: str
    days_ago: int
    outcome: str
    note: str
    lesson: str
    theme: str


TURNERS = (
    Turner(
        "x",
        "110",
        "amy_travels",
        "Amy",
        22000,
        "en",
        "@Voltera my internet has been down since this morning and I fly out tomorrow. "
        "Nobody answers the chat. This is a disgrace.",
        2,
        "solved",
        "Technician reset the line remotely; called her back before her flight.",
        "Chat goes unanswered during outages: route chats to webcare when a storing is on.",
        "network",
    ),
    Turner(
        "facebook",
        "fb_202",
        "Koen Maes",
        "Koen Maes",
        150,
        "nl",
        "Al drie dagen wachten op een monteur van Voltera. Niemand belt terug. Belachelijk.",
        4,
        "answered",
        "Monteur ingepland voor vrijdag, Koen teruggebeld.",
        "Technicians' arrival windows are missed in Utrecht: tell planning.",
        "network",
    ),
)


def _theme(text: str) -> str:
    folded = text.casefold()
    for theme, (words, _) in LESSONS.items():
        if any(word in folded for word in words):
            return theme
    return "support"


def complaint(turner: Turner, day: date, timezone: str) -> Mention:
    at = datetime.combine(day, time(9, 40), tzinfo=ZoneInfo(timezone)).astimezone(UTC)
    return Mention(
        source=turner.source,
        native_id=f"history-{turner.author_id}-{day:%Y%m%d}",
        url=f"https://{turner.source}.example.com/{turner.author_id}/{day:%Y%m%d}",
        author=Author(turner.author_id, turner.handle, turner.name, turner.followers),
        text=turner.text,
        created_at=iso(at),
        received_at=iso(at + timedelta(seconds=40)),
        lang=turner.lang,
        engagement=Engagement(likes=12, replies=3),
        matched_terms=("voltera",),
    )


def seed_history(
    today: date,
    *,
    now: datetime,
    brand: str = "Voltera",
    timezone: str = "Europe/Amsterdam",
    days: int = 28,
    per_day: int = 16,
) -> sample_days.Seeded:
    """`days` days before `today` of posts, alerts and the team's answers (see above)."""
    total = sample_days.Seeded()
    turners = {t.author_id: t for t in TURNERS}
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        rng = random.Random(f"history-{day}")
        count = int(per_day * (0.75 if day.weekday() >= 5 else 1.0) * rng.uniform(0.8, 1.25))
        posts = list(
            sample.day_of_posts(
                day,
                count,
                brand=brand,
                timezone=timezone,
                seed=back,
                outage_hour=19 if back in (9, 10) else None,
                duplicates=0.0,
                authors=400,
                sources=DEMO_SOURCES,
            )
        )
        posts += [complaint(t, day, timezone) for t in TURNERS if t.days_ago == back]
        seeded = sample_days.ingest(posts)
        respond(seeded.alerts, now=now, seed=back, turners=turners, last_day=back == 1)
        total.mentions += seeded.mentions
        total.stored += seeded.stored
        total.alerts += seeded.alerts
    return total


def respond(
    alert_ids: Iterable[str],
    *,
    now: datetime,
    seed: int,
    turners: dict[str, Turner],
    last_day: bool = False,
) -> None:
    """The team answers every alert; cases end with an outcome, often with a lesson."""
    from chalicelib import wiring
    from chalicelib.alerts.record import links

    rng = random.Random(f"answers-{seed}")
    key = wiring.signing_secrets().require("ack_signing_key")
    service = wiring.alerts()
    mentions = wiring.mentions()
    latest = now - timedelta(minutes=20)
    in_progress = 2 if last_day else 0
    for alert_id in alert_ids:
        alert = service.get(alert_id)
        if alert is None or alert.mention_id is None:
            continue
        mention = mentions.get(alert.mention_id)
        created = parse_time(alert.created_at)
        acked = min(latest, created + timedelta(seconds=rng.lognormvariate(6.2, 0.7)))
        token = links.make_token(key, alert_id, alert.recipient, acked.timestamp() - 30)
        service.acknowledge(alert_id, token, acked)
        if in_progress and rng.random() < 0.5:
            in_progress -= 1
            continue  # still being worked on: an open case
        turner = turners.get(mention.author.id) if mention else None
        if turner is not None:
            outcome, note, lesson, theme = turner.outcome, turner.note, turner.lesson, turner.theme
        else:
            outcome = rng.choices(OUTCOMES, OUTCOME_SHARES)[0]
            theme = _theme(mention.text if mention else "")
            lesson = rng.choice(LESSONS[theme][1]) if rng.random() < 0.45 else ""
            note = NOTES[outcome]
        delay = rng.lognormvariate(8.0, 0.9)
        if last_day and created.astimezone(ZoneInfo(wiring.settings().timezone)).hour >= 18:
            delay = max(delay, 14 * 3600)  # the evening's cases are resolved the next morning
        resolved = min(latest, acked + timedelta(seconds=delay))
        if resolved <= acked:
            continue
        token = links.make_token(
            key, alert_id, alert.recipient, resolved.timestamp() - 30, action="resolve"
        )
        service.resolve(
            alert_id,
            token,
            resolved,
            note=note,
            outcome=outcome,
            lesson=lesson,
            lesson_theme=theme if lesson else "",
        )
