"""A synthetic but plausible day of posts about a brand, for previews and the benchmark.

Posts are built from Dutch and English sentences we wrote (complaints, praise,
questions, news), spread over the day like real traffic (quiet at night, busy in the
evening), with an outage that makes a spike of complaints in one hour, authors whose
follower counts have a long tail, and a few duplicates. Deterministic for a seed.
Nothing here is real data.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.digest.aggregates import day_bounds
from chalicelib.model import Author, Engagement, Mention, iso

SOURCES = (("x", 0.45), ("reddit", 0.15), ("facebook", 0.2), ("instagram", 0.12), ("news", 0.08))

COMPLAINTS = (
    (
        "nl",
        "Al {n} dagen storing bij {brand} en nog steeds geen reactie. Dit is echt onacceptabel.",
    ),
    ("nl", "Waar blijft de monteur van {brand}? Ik zit al {n} uur zonder internet #storing"),
    (
        "nl",
        "{brand} heeft mijn voorschot weer verhoogd zonder uitleg. Belachelijk, ik ga opzeggen.",
    ),
    ("nl", "Klantenservice van {brand} hangt gewoon op. {n} keer gebeld, niemand helpt. Slecht!"),
    ("nl", "De app van {brand} crasht elke keer bij het inloggen. Zo frustrerend #app"),
    ("en", "Been on hold with {brand} for {n} minutes. Still waiting for my refund. Unbelievable."),
    ("en", "{brand} internet down again, third time this week. Worst provider ever #outage"),
    ("en", "Billing error from {brand}: charged twice this month and nobody answers my emails."),
    ("en", "Cancelling my {brand} contract today. Terrible service, rude support."),
)
PRAISE = (
    ("nl", "Super snel geholpen door de webcare van {brand}, binnen {n} minuten opgelost. Top!"),
    ("nl", "Eindelijk een energieleverancier die duidelijk communiceert. Goed bezig {brand}!"),
    ("nl", "De monteur van {brand} was vriendelijk en op tijd. Aanrader!"),
    ("en", "Switched to {brand} last month and honestly the app is great. Love the usage graphs!"),
    ("en", "Shout-out to {brand} support, fixed my issue in {n} minutes. Brilliant service."),
    ("en", "{brand} solar panels installed today, the team was fantastic. Very happy!"),
)
NEUTRAL = (
    ("nl", "Weet iemand of {brand} ook glasvezel levert in Amersfoort?"),
    ("nl", "Vanavond de nieuwe tarieven van {brand} vergelijken met de rest."),
    ("en", "Does {brand} offer a fixed rate for {n} months? Comparing providers."),
    ("en", "{brand} announces new pricing for 2027, details on their website."),
)
OUTAGE = (
    ("nl", "Storing bij {brand} in Utrecht, al {n} minuten geen stroom. Wat is er aan de hand?"),
    ("nl", "Weer storing bij {brand}! Ik moet werken, dit kan echt niet #storing"),
    ("en", "Total blackout in our street, {brand} not answering. Outage again? #outage"),
)
FIRST = ("anna", "bram", "chris", "daan", "eva", "fleur", "gijs", "hanna", "ilse", "joost")
LAST = ("devries", "jansen", "bakker", "visser", "smit", "meijer", "mulder", "bos", "peters")
# traffic per local hour, relative (00..23)
CURVE = (2, 1, 1, 1, 1, 2, 4, 7, 9, 9, 8, 8, 9, 8, 7, 7, 8, 9, 10, 11, 11, 9, 6, 4)


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


def _followers(rng: random.Random) -> int:
    return int(min(2_000_000, rng.paretovariate(1.2) * 60))


def day_of_posts(
    day: date,
    count: int,
    *,
    brand: str = "Voltera",
    timezone: str = "Europe/Amsterdam",
    seed: int = 7,
    outage_hour: int | None = 19,
    duplicates: float = 0.02,
    authors: int = 5000,
    sources: tuple[tuple[str, float], ...] = SOURCES,
) -> Iterator[Mention]:
    """`count` posts created during the local `day` (plus ~`duplicates` re-deliveries)."""
    rng = random.Random(f"{seed}-{day.isoformat()}")
    zone = ZoneInfo(timezone)
    start, end = (moment.astimezone(UTC) for moment in day_bounds(day, timezone))
    hours = int((end - start).total_seconds() // 3600)  # 23, 24 or 25
    local_hours = [(start + timedelta(hours=h)).astimezone(zone).hour for h in range(hours)]
    weights = [CURVE[hour] for hour in local_hours]
    outage_index = local_hours.index(outage_hour) if outage_hour in local_hours else None
    follower_of = {a: _followers(rng) for a in range(authors)}
    previous: list[Mention] = []
    for i in range(count):
        hour = rng.choices(range(hours), weights=weights)[0]
        in_outage = outage_index is not None and hour == outage_index and rng.random() < 0.55
        kind = rng.random()
        if in_outage:
            lang, template = rng.choice(OUTAGE)
        elif kind < 0.22:
            lang, template = rng.choice(COMPLAINTS)
        elif kind < 0.55:
            lang, template = rng.choice(PRAISE)
        else:
            lang, template = rng.choice(NEUTRAL)
        author = rng.randrange(authors)
        handle = f"{FIRST[author % len(FIRST)]}_{LAST[author % len(LAST)]}{author}"
        source = _pick(rng, sources)
        created = start + timedelta(hours=hour, seconds=rng.randrange(3600))
        mention = Mention(
            source=source,
            native_id=f"{day.strftime('%Y%m%d')}{i:07d}",
            url=f"https://{source}.example.com/{handle}/{day.strftime('%Y%m%d')}{i:07d}",
            author=Author(
                id=str(author),
                handle=handle,
                name=handle.split("_")[0].title(),
                followers=follower_of[author],
            ),
            text=template.format(brand=brand, n=rng.randint(2, 90)),
            created_at=iso(created),
            received_at=iso(created + timedelta(seconds=rng.randint(5, 600))),
            lang=lang,
            engagement=Engagement(
                likes=int(rng.paretovariate(1.5)) - 1,
                replies=rng.randrange(4),
                reposts=int(rng.paretovariate(2.0)) - 1,
            ),
            matched_terms=(brand.lower(),),
        )
        yield mention
        previous.append(mention)
        if len(previous) > 50:
            previous.pop(0)
        if rng.random() < duplicates:
            yield rng.choice(previous)  # the same post again (poll + webhook, redelivery)


def moment_in(day: date, hour: int, timezone: str = "Europe/Amsterdam") -> datetime:
    """A local hour of a day, as an aware datetime (for firing the schedule in a preview)."""
    return day_bounds(day, timezone)[0].replace(hour=hour)
