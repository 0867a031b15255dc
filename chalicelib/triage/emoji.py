"""Emoji and emoticons that carry sentiment, for the languages without VADER's own list."""

from __future__ import annotations

import re

_EMOJI = {
    "😡": -0.9, "😠": -0.8, "🤬": -1.0, "😤": -0.6, "😢": -0.6, "😭": -0.6, "😞": -0.6,
    "😔": -0.5, "😒": -0.5, "🙄": -0.5, "😩": -0.6, "😫": -0.6, "😖": -0.6, "😣": -0.5,
    "😟": -0.5, "🙁": -0.5, "☹": -0.6, "👎": -0.7, "💩": -0.7, "🤮": -0.8, "🤢": -0.6,
    "😀": 0.6, "😃": 0.6, "😄": 0.6, "😁": 0.6, "😊": 0.7, "🙂": 0.4, "😍": 0.9,
    "🥰": 0.9, "❤": 0.8, "😘": 0.7, "👍": 0.6, "👏": 0.6, "🙏": 0.4, "🎉": 0.7,
    "💪": 0.5, "😂": 0.3, "🤣": 0.3, "💯": 0.5, "⭐": 0.4, "🌟": 0.5,
}  # fmt: skip
_EMOJI_RE = re.compile("[" + "".join(_EMOJI) + "]")
_EMOTICON_RE = re.compile(r"(?<!\S)(:-?\)+|:-?D|;-?\)|:-?\(+|:'\(|:-?/|:-?\||<3|>:-?\()(?!\S)")
_EMOTICONS = {":)": 0.5, ":d": 0.6, ";)": 0.4, ":(": -0.6, ":'(": -0.7, ":/": -0.3,
              ":|": -0.2, "<3": 0.7, ">:(": -0.8}  # fmt: skip


def emoji_polarities(text: str) -> list[float]:
    """The polarity of every sentiment-bearing emoji and emoticon in `text`."""
    found = [] if text.isascii() else [_EMOJI[ch] for ch in _EMOJI_RE.findall(text)]
    if not any(mark in text for mark in ":;<"):
        return found
    for match in _EMOTICON_RE.findall(text):
        key = match.lower().replace("-", "")
        key = key[:2] if key[:2] in (":)", ":(") else key
        if key in _EMOTICONS:
            found.append(_EMOTICONS[key])
    return found
