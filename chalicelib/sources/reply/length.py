"""How long a reply is, counted as each network counts it.

X (twitter-text, configuration v3, the rules X publishes in its `twitter-text` repository
and "Counting characters" page): the text is NFC-normalised, every code point weighs 2
except those in four ranges that weigh 1 (U+0000–U+10FF: Latin, Greek, Cyrillic, Hebrew,
Arabic…; U+2000–U+200D, U+2010–U+201F, U+2032–U+2037: spaces, dashes, quotes, primes);
an emoji (with its skin tone, variation selector and ZWJ-joined parts) weighs 2 as one;
a URL weighs 23 whatever its length. The limit is 280 of those.

URLs are found by scheme (``http://``, ``https://``) or by a ``www.`` start, and bare
domains of the common top-level domains (``example.com/path``): twitter-text knows every
TLD; a bare domain on an unusual TLD counts here by its characters (never less than X's
count, so a reply that passes here is never refused for length).

Mastodon counts characters, URLs as 23 and a mention ``@user@server`` as its ``@user``;
the default limit is 500. Facebook comments take 8,000 characters, Instagram comments
2,200, Reddit comments 10,000.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

X_LIMIT = 280
URL_WEIGHT = 23
_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_TLDS = "com|net|org|nl|be|eu|io|co|uk|de|fr|info|app|dev|me|tv|ly|gl|ai"
URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]+"
    rf"|(?<![@\w.])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b(?:/[^\s<>\"]*)?",
    re.IGNORECASE,
)
MASTODON_MENTION = re.compile(r"(@[a-z0-9_]+)@[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)
_TRAILING = ".,:;!?)'\""


@dataclass(frozen=True)
class Rule:
    """A network's length rule: `limit` of what `counter` counts, and what the page says
    (each channel module gives its own: x.py, meta.py, mastodon.py, reddit.py)."""

    limit: int
    unit: str  # shown on the page: "characters as X counts them"
    counter: Callable[[str], int] = len

    def count(self, text: str) -> int:
        return self.counter(text)

    def check(self, text: str) -> tuple[int, bool]:
        used = self.count(text)
        return used, used <= self.limit


def _urls(text: str) -> list[tuple[int, int]]:
    """The spans of URLs in `text`, trailing punctuation left out (as X does)."""
    spans = []
    for found in URL.finditer(text):
        start, end = found.span()
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        spans.append((start, end))
    return spans


def _is_emoji(code: int) -> bool:
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2600 <= code <= 0x27BF
        or 0x2B00 <= code <= 0x2BFF
        or code in (0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D)
    )


def _joins(code: int) -> bool:
    """Parts that belong to the emoji before them: ZWJ, variation selector, skin tones,
    keycap, tag characters."""
    return (
        code in (0x200D, 0xFE0F, 0xFE0E, 0x20E3)
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
    )


def _weight(code: int) -> int:
    return 1 if any(low <= code <= high for low, high in _LIGHT) else 2


def x_length(text: str) -> int:
    """X's weighted length of `text` (what must stay at or under 280)."""
    text = unicodedata.normalize("NFC", text)
    total, i = 0, 0
    urls = dict(_urls(text))
    while i < len(text):
        if i in urls:
            total += URL_WEIGHT
            i = urls[i]
            continue
        code = ord(text[i])
        if _is_emoji(code):
            total += 2
            i += 1
            while i < len(text) and (
                _joins(ord(text[i])) or (ord(text[i - 1]) == 0x200D and _is_emoji(ord(text[i])))
            ):
                i += 1
            continue
        total += _weight(code)
        i += 1
    return total


def mastodon_length(text: str) -> int:
    text = MASTODON_MENTION.sub(r"\1", text)
    spans = [(s, e) for s, e in _urls(text) if text[s:e].lower().startswith(("http", "www."))]
    total, last = 0, 0
    for start, end in spans:
        total += len(text[last:start]) + URL_WEIGHT
        last = end
    return total + len(text[last:])
