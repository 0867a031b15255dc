"""Why a spike: the themes that rose above their baseline, with counts. Pure.

One rule for the spike alert (themes per 5-minute bucket, kept by `alerts.storm`) and the
daily digest (themes per day, kept by the digest): a theme *rose* when its count now is
at least `min_count` and at least `factor` times its baseline (the mean over the
baseline periods, at least `floor`, so a theme that was never seen needs `min_count`
and a doubling of nothing is not news).

Themes that name ourselves (the watch configuration's terms, handles and hashtags) never
explain anything: `themable` drops them wherever themes are counted or shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .themes import extract_themes

THEME_COUNTER = "t#"  # a theme's counter on a bucket item: ``t#<theme>``
THEMED = "themed"  # on a bucket item: how many of its ``count`` posts gave their themes
MAX_PER_POST = 3


@dataclass(frozen=True, slots=True)
class Rising:
    name: str
    count: int  # now
    baseline: float  # mean per baseline period

    @property
    def text(self) -> str:
        return f"{self.name} {self.count} (usually {self.baseline:.1f})"


def rising_themes(
    current: Mapping[str, int],
    history: Sequence[Mapping[str, int]],
    *,
    factor: float = 2.0,
    min_count: int = 3,
    floor: float = 1.0,
    top: int = 5,
) -> list[Rising]:
    """Themes of `current` that rose above their mean over `history`, biggest rise first."""
    periods = max(1, len(history))
    out = []
    for name, count in current.items():
        baseline = sum(int(h.get(name, 0)) for h in history) / periods
        if count >= min_count and count >= factor * max(baseline, floor):
            out.append(Rising(name, int(count), round(baseline, 2)))
    out.sort(key=lambda r: (-(r.count - r.baseline), -r.count, r.name))
    return out[:top]


def excluded_terms(terms: Iterable[str]) -> frozenset[str]:
    """The forms a theme takes for our own terms: "Voltera Energie", "@VolteraHelpt",
    "#voltera" -> {"voltera energie", "volteraenergie", "volterahelpt", "voltera"}."""
    out: set[str] = set()
    for term in terms:
        folded = " ".join(term.split()).lstrip("#@").casefold()
        if folded:
            out |= {folded, folded.replace(" ", "")}
    return frozenset(out)


def themable(theme: str, excluded: frozenset[str]) -> bool:
    """A theme worth showing: not one of our own terms (with or without '#')."""
    return bool(theme) and theme.lstrip("#@").casefold() not in excluded


def theme_counters(excerpt: str, lang: str | None, excluded: frozenset[str]) -> dict[str, int]:
    """What one negative post adds to its bucket: ``t#<theme>`` for its first themes."""
    themes = extract_themes(excerpt, lang, exclude=excluded)
    return {
        THEME_COUNTER + t: 1 for t in [t for t in themes if themable(t, excluded)][:MAX_PER_POST]
    }


def bucket_themes(item: Mapping[str, object]) -> dict[str, int]:
    """The theme counters of one bucket item; where only the first `themed` of its `count`
    posts gave their themes (a storm), scaled up to all of them."""
    count, themed = item.get("count"), item.get(THEMED)
    scale = 1.0
    if isinstance(count, int | float) and isinstance(themed, int | float) and 0 < themed < count:
        scale = count / themed
    out: dict[str, int] = {}
    for key, value in item.items():
        if key.startswith(THEME_COUNTER) and isinstance(value, int | float):
            out[key[len(THEME_COUNTER) :]] = round(value * scale)
    return out


def window_themes(buckets: Sequence[Mapping[str, object]], per_window: int) -> list[Rising]:
    """`rising_themes` over bucket items, oldest first: the last `per_window` buckets are
    the window now, the ones before it the baseline windows."""
    windows: list[dict[str, int]] = []
    for end in range(len(buckets), 0, -per_window):  # windows end at the last bucket
        summed: dict[str, int] = {}
        for item in buckets[max(0, end - per_window) : end]:
            for name, count in bucket_themes(item).items():
                summed[name] = summed.get(name, 0) + count
        windows.insert(0, summed)
    if not windows:
        return []
    return rising_themes(windows[-1], windows[:-1])


def why(rising: Sequence[Rising]) -> str:
    """ "; rising: storing 11 (usually 0.5), #outage 6 (usually 0.0)" or ""."""
    return "; rising: " + ", ".join(r.text for r in rising) if rising else ""
