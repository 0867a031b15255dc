"""Topics a person would name: "outage", "billing", "engineer visit", not "vanochtend".

A post's topics are, in order: the brand's configured topics its words name
(`chalicelib/topics.json`: each topic with its Dutch and English words, edited per brand),
then its own hashtags; and only when no configured topic fits, up to two key words of its
own: content words that are no stop word, greeting, time of day, the brand's name or a
sentiment word ("slimme meter" is a topic, "waardeloos" a feeling). `themes.py` puts them
in `mention.themes`, which the digest, spikes, lesson owners and incidents read.

The file is read on first use and kept for the process. Its words: a word matches a whole
word, "word*" any word starting with it, "*word" any word ending in it (Dutch compounds:
"stroomstoring"), and a phrase of several words matches them in a row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[1] / "topics.json"


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    words: frozenset[str]
    prefixes: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()  # " a b " (spaces around), several words in a row

    @classmethod
    def parse(cls, name: str, entries: list[str]) -> Topic:
        cleaned = [" ".join(str(entry).lower().split()) for entry in entries]
        if not name.strip() or not cleaned or not all(cleaned):
            raise ValueError(f"topic {name!r}: a name and at least one word, none empty")
        prefixes = tuple(e[:-1] for e in cleaned if e.endswith("*") and " " not in e)
        suffixes = tuple(e[1:] for e in cleaned if e.startswith("*") and " " not in e)
        return cls(
            name.strip(),
            frozenset(e for e in cleaned if " " not in e and "*" not in e),
            prefixes,
            suffixes,
            tuple(f" {e} " for e in cleaned if " " in e),
        )

    def named_by(self, tokens: frozenset[str], joined: str) -> bool:
        """The post's words (`tokens`, and `joined` = " w1 w2 … ") name this topic."""
        if not self.words.isdisjoint(tokens):
            return True
        if any(phrase in joined for phrase in self.phrases):
            return True
        return any(
            (self.prefixes and t.startswith(self.prefixes))
            or (self.suffixes and t.endswith(self.suffixes))
            for t in tokens
        )


def parse(text: str) -> tuple[Topic, ...]:
    """The topics of a topics.json text; ValueError naming what is wrong."""
    data = json.loads(text)
    topics = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(topics, dict) or not topics:
        raise ValueError('topics.json: {"topics": {"name": ["word", ...], ...}} expected')
    return tuple(Topic.parse(str(name), list(words)) for name, words in topics.items())


@cache
def configured() -> tuple[Topic, ...]:
    """The brand's topics (chalicelib/topics.json), read on first use."""
    return parse(CONFIG.read_text(encoding="utf-8"))


class _Matcher:
    """All topics at once: what each word names (remembered per word: posts share most of
    their words; the words that name none are only remembered as seen) and the phrases by
    their first word, so a post costs a few set operations and a substring test per phrase
    whose first word it has."""

    __slots__ = ("_hits", "_seen", "names", "phrases", "topics")
    _LIMIT = 100_000  # distinct words remembered

    def __init__(self, topics: tuple[Topic, ...]) -> None:
        self.topics = topics
        self.names = tuple(topic.name for topic in topics)
        self.phrases: dict[str, list[tuple[str, int]]] = {}
        for i, topic in enumerate(topics):
            for phrase in topic.phrases:
                self.phrases.setdefault(phrase.split()[0], []).append((phrase, i))
        self._seen: set[str] = set()
        self._hits: dict[str, tuple[int, ...]] = {}  # word -> the topics it names, if any

    def of_word(self, token: str) -> tuple[int, ...]:
        return tuple(
            i
            for i, topic in enumerate(self.topics)
            if token in topic.words
            or (topic.prefixes and token.startswith(topic.prefixes))
            or (topic.suffixes and token.endswith(topic.suffixes))
        )

    def named(self, tokens: tuple[str, ...]) -> list[str]:
        present = set(tokens)
        found: set[int] = set()
        new = present - self._seen
        for token in new:
            hits = self.of_word(token)
            found.update(hits)
            if len(self._seen) < self._LIMIT:
                self._seen.add(token)
                if hits:
                    self._hits[token] = hits
        for token in present & self._hits.keys():
            found.update(self._hits[token])
        starts = present & self.phrases.keys()
        if starts:
            joined = f" {' '.join(tokens)} "
            for first in starts:
                found.update(i for phrase, i in self.phrases[first] if phrase in joined)
        return [self.names[i] for i in sorted(found)]


@cache
def _configured_matcher() -> _Matcher:
    return _Matcher(configured())


def topics_in(tokens: tuple[str, ...], topics: tuple[Topic, ...] | None = None) -> list[str]:
    """The names of the configured topics the words name, in the file's order."""
    matcher = _configured_matcher() if topics is None else _Matcher(topics)
    return matcher.named(tokens)


# Never a key word: greetings and sign-offs, times of day and days, filler of a message
# to a care team, in both languages (stop words proper are in themes.STOPWORDS)
_NOT_A_TOPIC_TEXT = """
    hoi hallo hey hello dear beste goedemorgen goedemiddag goedenavond morning afternoon
    evening groet groeten mvg vriendelijke regards cheers thanks thank bedankt dank alvast
    please graag sorry excuse
    ochtend vanochtend vanmorgen morgen middag vanmiddag avond vanavond nacht vannacht
    tonight night today tomorrow yesterday week weekend maandag dinsdag woensdag donderdag
    vrijdag zaterdag zondag monday tuesday wednesday thursday friday saturday sunday uur
    hour hours minute minutes moment momenteel inmiddels ondertussen meanwhile already
    again alweer nogmaals eindelijk finally still anymore gisteren nou even
    iemand someone anyone everyone people mensen guys jongens team
    """
NOT_A_TOPIC = frozenset(_NOT_A_TOPIC_TEXT.split())


def key_word(word: str, lang: str | None) -> bool:
    """A word that can name what a post is about on its own: not a greeting or a time,
    and not shaped like a verb form ("waiting", "called"; "gewacht", "gebeld")."""
    if word in NOT_A_TOPIC:
        return False
    if lang != "nl" and word.endswith(("ing", "ed")) and len(word) > 5:
        return False
    return not (lang != "en" and word.startswith("ge") and word.endswith(("d", "t")))
