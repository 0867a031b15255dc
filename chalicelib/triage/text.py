"""Text plumbing shared by the triage steps: cleaning, sentences, word tokens."""

from __future__ import annotations

import html
import re
from functools import lru_cache

URL_RE = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
HANDLE_RE = re.compile(r"(?<!\w)@\w{1,30}")
HASHTAG_RE = re.compile(r"(?<!\w)#(\w{2,60})")
# letters (with accents), digits, inner apostrophes and hyphens: "can't", "e-mail", "zo'n"
WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
# a sentence: up to and including its end marks, or to the end of the line
SENTENCE_RE = re.compile(r"[^.!?…\n]*(?:[.!?…]+|\n|$)")


@lru_cache(maxsize=256)  # one mention's text is cleaned by several steps
def clean(text: str) -> str:
    """Unescape HTML entities, drop links and @handles, straighten apostrophes, squeeze spaces."""
    if "&" in text:
        text = html.unescape(text)
    if "http" in text or "www." in text:
        text = URL_RE.sub(" ", text)
    if "@" in text:
        text = HANDLE_RE.sub(" ", text)
    if "’" in text:  # phones type curly apostrophes: "doesn’t"
        text = text.replace("’", "'")
    return " ".join(text.split())


@lru_cache(maxsize=256)
def words(text: str) -> tuple[str, ...]:
    """Lower-case word tokens of already cleaned text (hashtags lose their `#`)."""
    return tuple(WORD_RE.findall(text.lower().replace("’", "'")))


@lru_cache(maxsize=256)
def word_set(text: str) -> frozenset[str]:
    """The distinct words of already cleaned text (several steps ask for the same text)."""
    return frozenset(words(text))


@lru_cache(maxsize=256)
def sentences(text: str) -> tuple[str, ...]:
    if not any(mark in text for mark in ".!?…\n"):
        return (text,) if text.strip() else ()
    return tuple(part.strip() for part in SENTENCE_RE.findall(text) if part.strip())


def hashtags(text: str) -> list[str]:
    if "#" not in text:
        return []
    return ["#" + tag.lower() for tag in HASHTAG_RE.findall(html.unescape(text))]
