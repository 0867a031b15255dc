"""Themes: the topics (negative) posts raise, for the digest.

`extract_themes` picks a few per mention when it is judged: the brand's configured topics
its words name (`topics.py`: "outage", "billing", "engineer visit"…), its hashtags and
urgent kinds, and only when no configured topic fits, up to two key words of its own.
`rank_themes` counts them across many mentions ("what customers raise"), each with
example mention ids. `mention.themes` is the field; it now holds topics.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..model import Mention
from . import dutch, english
from .text import clean, hashtags, word_set, words
from .topics import Topic, key_word, topics_in
from .urgency import urgency_kinds

MAX_THEMES = 5
MIN_TERM_LENGTH = 4
MAX_KEY_WORDS = 2  # a post's own words, when no configured topic fits

_STOPWORDS_TEXT = """
    about above after again against all also always am an and any are aren't as at be because
    been before being below between both but by can can't cannot could couldn't did didn't do
    does doesn't doing don't down during each even ever every few for from further get gets got
    had hadn't has hasn't have haven't having he her here hers herself him himself his how i i'm
    if in into is isn't it it's its itself just know let like made make many me more most much
    must my myself never no nor not now of off on once one only or other our ours out over own
    really said same say says she should so some still such than that that's the their theirs
    them then there these they this those though through thing things think time to today too
    under until up upon us very want was wasn't way we well were what when where which while
    who whom why will with won't would wouldn't yes yet you your yours
    aan al alle alles als altijd ander andere bij dan dat de deze die dit doch doen door dus een
    eens eigenlijk en er erg echt ga gaan gaat gedaan geen gewoon had hadden heb hebben hebt heeft
    hem het hier hij hoe hun iemand iets ik in is ja je jij jou jouw jullie kan kon kunnen kunt
    laten maar me meer men met mij mijn moet moeten na naar nee niet niets niks nog nooit nu of om
    omdat onder ons onze ook op over steeds te tegen toch toen tot u uit uw van veel voor vond
    waar wanneer want waren was wat we wel welke werd wie wij wil willen word worden wordt zal ze
    zei zelf zich zij zijn zo zonder zou zouden
    one two three four five six seven eight nine ten first second third minutes hours days
    weeks months year years twee drie vier vijf zes zeven acht negen tien eerste tweede derde
    minuten uren dagen weken maanden jaar jaren vandaag gisteren morgen keer nieuwe
    """
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def extract_themes(
    text: str,
    lang: str | None = None,
    *,
    exclude: Iterable[str] = (),
    topics: tuple[Topic, ...] | None = None,
) -> tuple[str, ...]:
    """Up to five topics of one post: the configured topics its words name (`topics`, by
    default the brand's `topics.json`), its hashtags, its urgent kinds, and when no
    configured topic fits, up to two of its longest key words.

    Words that carry sentiment in `lang`'s lexicon ("terrible", "waardeloos") are no
    topic, nor are stop words, greetings, times of day and `exclude`: the brand's own
    terms (the watch terms that matched), which every mention shares and so say nothing.
    """
    skip = {term.lower().lstrip("#@") for term in exclude}
    for term in list(skip):  # "Voltera Energie" also leaves out "voltera" and "energie"
        skip.update(term.split())
    found = words(clean(text))
    themes: list[str] = topics_in(found, topics)
    named = bool(themes)
    for tag in hashtags(text):
        if tag[1:] not in skip and tag not in themes and tag[1:] not in themes:
            themes.append(tag)
    themes.extend(kind for kind in urgency_kinds(text) if kind not in themes)
    if named or len(themes) >= MAX_THEMES:
        return tuple(themes[:MAX_THEMES])
    present = word_set(clean(text))
    pool = _key_words(lang, present) - skip
    pool.difference_update([w for w in pool if w in themes or "#" + w in themes])
    for word in _longest(pool, found, MAX_KEY_WORDS):
        if len(themes) >= MAX_THEMES:
            break
        themes.append(word)
    return tuple(themes[:MAX_THEMES])


def _longest(pool: set[str], found: tuple[str, ...], count: int) -> list[str]:
    """The `count` longest words of `pool`, the one used first ahead at equal length."""
    if len(pool) > count:  # the words as long as the count-th longest, or longer
        cut = len(sorted(pool, key=len, reverse=True)[count - 1])
        pool = {word for word in pool if len(word) >= cut}
    # first use, then length (a stable sort keeps first use within a length)
    return sorted(sorted(pool, key=found.index), key=len, reverse=True)[:count]


class _KeyWords:
    """Per language, the words that can be a key word on their own (length, no stop word,
    no digits, no greeting or verb form, no sentiment): each word judged once, as posts
    share most of their words, so a post costs two set operations."""

    __slots__ = ("judged", "lang", "yes")
    LIMIT = 100_000  # distinct words remembered per language

    def __init__(self, lang: str | None) -> None:
        self.lang = lang
        self.judged: set[str] = set()
        self.yes: set[str] = set()

    def __call__(self, present: frozenset[str]) -> set[str]:
        new = present - self.judged
        if not new:
            return self.yes & present
        carries_sentiment = _sentiment_test(self.lang)
        fresh = {
            word
            for word in new
            if len(word) >= MIN_TERM_LENGTH
            and word not in STOPWORDS
            and not word.isdigit()
            and key_word(word, self.lang)
            and not carries_sentiment(word)
        }
        if len(self.judged) < self.LIMIT:
            self.judged |= new
            self.yes |= fresh
        return (self.yes & present) | fresh


_KEY_WORDS: dict[str | None, _KeyWords] = {}


def _key_words(lang: str | None, present: frozenset[str]) -> set[str]:
    found = _KEY_WORDS.get(lang)
    if found is None:
        found = _KEY_WORDS.setdefault(lang, _KeyWords(lang))
    return found(present)


def _sentiment_test(lang: str | None) -> Callable[[str], bool]:
    """Whether a word carries sentiment in `lang`'s lexicon (never, for other languages)."""
    if lang == "en":
        words: dict[str, float] = english.analyzer().lexicon
        return words.__contains__
    if lang == "nl":

        def dutch_sentiment(word: str) -> bool:
            found = dutch.lookup(word)
            return found is not None and abs(found[0]) >= 0.3

        return dutch_sentiment
    return lambda _word: False


@dataclass(frozen=True, slots=True)
class Theme:
    name: str
    count: int  # number of mentions that raise it
    examples: tuple[str, ...]  # mention ids, highest priority first


def rank_themes(
    mentions: Iterable[Mention], *, negative_only: bool = True, top: int = 10, min_count: int = 2
) -> list[Theme]:
    """The themes most mentions share (negative ones by default), most frequent first."""
    counts: Counter[str] = Counter()
    members: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        if negative_only and not mention.is_negative:
            continue
        for theme in dict.fromkeys(mention.themes):
            counts[theme] += 1
            members[theme].append(mention)
    ranked = sorted(
        (name for name, count in counts.items() if count >= min_count),
        key=lambda name: (-counts[name], not name.startswith("#"), name),
    )
    return [
        Theme(
            name,
            counts[name],
            tuple(m.id for m in sorted(members[name], key=lambda m: -m.priority)[:3]),
        )
        for name in ranked[:top]
    ]
