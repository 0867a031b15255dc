"""How fast the team really answered, as the networks show it (the digest's "Answered").

A case is answered when its first reply is on the network: sent from the case page
("product") or the brand's own reply seen there ("network", made in the network's app);
`alerts/desk/replies.py` stamps `answered_at`. The tally counts, on the post's local day:

    answer.cases.<band>.<slot>       a case opened (the denominator)
    reply.<band>.<slot>#<bucket>     its first reply, seconds after the post (histogram)
    answer.met.<band>.<slot>         ... within the band's response target
    answered.via#product|network     where it was answered

Slots, by the post's local time: ``weekend`` (Saturday, Sunday), ``evening``
(18:00–23:00), ``night`` (23:00–07:00) and ``day``: the seeds judge a team by being there
when few are. A median is given from 10 replies on (`aggregates.Sample`), else the values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from ..i18n import N_
from .aggregates import Sample, bucket, histogram

SLOTS = ("day", "evening", "night", "weekend")
SLOT_NAMES = {"day": N_("weekdays 07–18"), "evening": N_("evenings 18–23"),
              "night": N_("nights 23–07"), "weekend": N_("weekends")}  # fmt: skip


def slot(local: datetime) -> str:
    if local.weekday() >= 5:
        return "weekend"
    if 18 <= local.hour < 23:
        return "evening"
    if local.hour >= 23 or local.hour < 7:
        return "night"
    return "day"


def opened_counts(band: str, when: str) -> dict[str, int]:
    return {f"answer.cases.{band}.{when}": 1} if band else {}


def answered_counts(
    seconds: float, *, band: str, when: str, target: float | None, via: str
) -> dict[str, int]:
    counts = {"alerts#answered": 1, f"answered.via#{via or 'product'}": 1}
    if band:
        counts[f"reply.{band}.{when}#{bucket(max(seconds, 0.0))}"] = 1
        if target is not None and seconds <= target:
            counts[f"answer.met.{band}.{when}"] = 1
    return counts


@dataclass(frozen=True)
class Row:
    band: str
    slot: str
    cases: int
    within: int  # answered within the band's target
    reply: Sample  # seconds from the post to the first reply

    @property
    def share(self) -> float:
        return self.within / self.cases if self.cases else 0.0

    @property
    def name(self) -> str:
        return SLOT_NAMES[self.slot]


@dataclass(frozen=True)
class Answering:
    rows: tuple[Row, ...]
    in_product: int
    outside: int

    @property
    def answered(self) -> int:
        return self.in_product + self.outside


def report(stats: Mapping[str, int]) -> Answering:
    bands = sorted({key.split(".")[2] for key in stats if key.startswith("answer.cases.")})
    rows = []
    for band in bands:
        for when in SLOTS:
            cases = int(stats.get(f"answer.cases.{band}.{when}", 0))
            if not cases:
                continue
            within = int(stats.get(f"answer.met.{band}.{when}", 0))
            rows.append(
                Row(band, when, cases, within, Sample.of(histogram(stats, f"reply.{band}.{when}")))
            )
    return Answering(
        tuple(rows),
        int(stats.get("answered.via#product", 0)),
        int(stats.get("answered.via#network", 0)),
    )
