"""Dutch (and Flemish) sentiment from a lexicon, with the rules that lexicons need.

Words: pattern's Dutch adjective lexicon (`data/nl-sentiment.tsv`, PDDL) plus our own
list of nouns, verbs and interjections it lacks (`data/nl-extra.tsv`). A word not found
as written is tried as an inflection ("slechte" -> "slecht", "grote" -> "groot") and as
a compound ("superslecht", "kutservice": the longest known tail or head).

Rules: negation ("niet goed", "geen aanrader") flips and damps a word in its clause (a
comma ends it; a negation word that negates, "niks mis", is no opinion of its own); a
few function words spelled like opinion words are not read as such ("naar huis" is the
preposition, "een naar gevoel" the adjective; "waar", "langs"); intensifiers
("heel", "erg", "echt", "wreed") scale the next one; "te" + a neutral adjective is
an excess ("te duur"); what follows "maar" weighs more than what precedes it; set phrases
("valt tegen", "net niet") count as words, and so do emoji and emoticons. The score is
the mean of the word polarities, weighted by subjectivity (words under 0.5, mostly
factual ones like "open", are left out) and 1.6x for negative words (reviews and posts
praise freely, so a negative word says more), clamped to [-1, 1]. The words with a role
(negations, intensifiers, set phrases…) are listed in `dutch_words.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from pathlib import Path

from .dutch_words import (
    CONTRAST,
    DEGREE_WORDS,
    EXCESS_WORDS,
    FEEL_WORDS,
    FUNCTION_WORDS,
    INTENSIFIERS,
    INTENSIFYING_PREFIXES,
    NAAR,
    NAAR_ADJECTIVE,
    NAME_ADJECTIVES,
    NEGATIONS,
    NEGATIVE_HEADS,
    PHRASES,
    POSITIVE_HEADS,
)
from .emoji import emoji_polarities
from .text import WORD_RE, clean

DATA = Path(__file__).with_name("data")


@lru_cache(maxsize=1)
def _phrase_res() -> list[tuple[str, re.Pattern[str], float]]:
    """The set phrases' regexes, compiled on first use."""
    return [(word, re.compile(pattern), polarity) for word, pattern, polarity in PHRASES]


MIN_SUBJECTIVITY = 0.5  # below this a word is mostly factual ("open", "Brussels")
NEGATIVE_WEIGHT = 1.6  # a negative word means more than a positive one (reviews praise freely)


@dataclass(frozen=True, slots=True)
class Entry:
    polarity: float
    subjectivity: float = 1.0


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Entry]:
    """The Dutch lexicon, loaded on first use (then cached for the process)."""
    entries: dict[str, Entry] = {}
    for line in (DATA / "nl-sentiment.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        form, polarity, subjectivity, _intensity = line.split("\t")
        entries[form] = Entry(float(polarity), float(subjectivity))
    for line in (DATA / "nl-extra.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        form, polarity = line.split("\t")
        entries[form] = Entry(float(polarity), 1.0)
    return entries


def _stems(word: str) -> list[str]:
    """Base forms an inflected Dutch adjective may come from."""
    out: list[str] = []
    for suffix in ("ste", "st", "ere", "er", "e", "s"):
        if not word.endswith(suffix) or len(word) - len(suffix) < 3:
            continue
        stem = word[: -len(suffix)]
        if suffix == "s" and stem.endswith("s"):
            continue  # Dutch adds no -s to a word ending in s ("miss" is not "mis" + s)
        # lieve -> lief, boze -> boos: the consonant hardens at the end of the base form
        hardened = stem[:-1] + {"v": "f", "z": "s"}[stem[-1]] if stem[-1] in "vz" else None
        for base in (stem, hardened):
            if base is None:
                continue
            out.append(base)
            if len(base) >= 2 and base[-1] == base[-2]:  # dikke -> dik
                out.append(base[:-1])
            if len(base) >= 3 and base[-2] in "aeou" and base[-3] not in "aeiou":
                out.append(
                    base[:-1] + base[-2] + base[-1]
                )  # grote -> groot, waardeloze -> waardeloos
    return out


@lru_cache(maxsize=65536)
def lookup(word: str) -> tuple[float, float] | None:
    """(polarity, subjectivity) of a word, via inflection and compounds; None if unknown."""
    if word in FUNCTION_WORDS:
        return None
    entries = lexicon()
    for form in (word, *_stems(word)):
        entry = entries.get(form)
        if entry is not None:
            return entry.polarity, entry.subjectivity
    if len(word) < 7:
        return None
    for prefix, factor in INTENSIFYING_PREFIXES.items():
        if word.startswith(prefix):
            rest = lookup(word[len(prefix) :])
            if rest is not None:
                return max(-1.0, min(1.0, rest[0] * factor)), rest[1]
    for head, polarity in (*NEGATIVE_HEADS.items(), *POSITIVE_HEADS.items()):
        if word.startswith(head) and len(word) - len(head) >= 4:
            return polarity, 1.0
    # compound: the last part carries the meaning ("klantonvriendelijk" -> "onvriendelijk")
    for cut in range(3, len(word) - 4):
        tail = word[cut:]
        entry = entries.get(tail)
        if entry is not None and entry.polarity != 0:
            return entry.polarity, entry.subjectivity
    return None


_END_SPLIT_RE = re.compile(r"[.!?…\n]+")
CLAUSE_BREAK = ","  # a comma, semicolon or colon among a sentence's tokens
_CLAUSE_TOKEN_RE = re.compile(WORD_RE.pattern + "|,")
_PHRASE_NEEDS = frozenset(word for word, _phrase, _polarity in PHRASES)
_SPECIAL = frozenset(INTENSIFIERS) | CONTRAST | EXCESS_WORDS | {NAAR}
_found_cache: dict[str, tuple[float, float] | None] = {}
_FOUND_LIMIT = 100_000


# the words the token loop must visit: those with a role, and every remembered word the
# lexicon knows (a C-level set intersection per sentence finds them; most words are neither)
_visit: set[str] = set(_SPECIAL)


def _remember(token: str) -> tuple[float, float] | None:
    found = lookup(token)
    if len(_found_cache) < _FOUND_LIMIT:
        _found_cache[token] = found
        if found is not None:
            _visit.add(token)
    return found


def _to_visit(present: set[str]) -> set[str]:
    """The words of `present` the token loop must look at (see `_visit`)."""
    visit = present & _visit
    for token in present.difference(_found_cache):  # not remembered: new, or the cache is full
        if _remember(token) is not None:
            visit.add(token)
    return visit


@dataclass(frozen=True, slots=True)
class DutchScore:
    score: float  # in [-1, 1]
    hits: int  # number of words that carried sentiment


def _negated(tokens: list[str], i: int) -> bool:
    """A negation within three words before `tokens[i]`, in the same clause, and no other
    opinion word between: "niet goed" is negated, in "niet normaal hoe slecht" the "niet"
    belongs to "normaal", and in "ik hoef niet meer, dank u" the "dank" is not negated."""
    for j in range(i - 1, max(-1, i - 4), -1):
        token = tokens[j]
        if token == CLAUSE_BREAK:
            return False
        if token in NEGATIONS:
            return True
        if token not in INTENSIFIERS and _opinion(token):
            return False
    return False


def _opinion(token: str) -> bool:
    found = lookup(token)
    return found is not None and found[0] != 0 and found[1] >= MIN_SUBJECTIVITY


def _negates_next(tokens: list[str], i: int) -> bool:
    """The negation word `tokens[i]` ("niks") negates an opinion word after it ("niks mis"),
    so it does not count as one itself."""
    for token in tokens[i + 1 : i + 4]:
        if token == CLAUSE_BREAK:
            return False
        if _opinion(token):
            return True
    return False


def _adjective_naar(tokens: list[str], i: int) -> bool:
    """`tokens[i]` is "naar": the adjective after a degree word or "een", or after a form
    of "voelen" (and "me", "je", "zich"); the preposition otherwise."""
    before = tokens[i - 1] if i else ""
    if before in DEGREE_WORDS or before in FEEL_WORDS:
        return True
    return before in ("me", "je", "zich") and i > 1 and tokens[i - 2] in FEEL_WORDS


def _sentence_tokens(text: str) -> list[list[str]]:
    """Word tokens per sentence, with CLAUSE_BREAK for a comma, semicolon or colon: the
    text split at end marks, each part tokenised by one C-level findall (a word never
    holds an end mark, so this is the same as one scan). A part with no word gives
    only clause breaks, which score nothing."""
    lowered = clean(text).lower()  # clean() has straightened the apostrophes
    for mark in ";:":
        if mark in lowered:
            lowered = lowered.replace(mark, CLAUSE_BREAK)
    return [
        found for part in _END_SPLIT_RE.split(lowered) if (found := _CLAUSE_TOKEN_RE.findall(part))
    ]


def score(text: str) -> DutchScore:
    """Sentiment of Dutch text in [-1, 1]."""
    total = 0.0
    weights = 0.0
    hits = 0
    known = _found_cache
    for tokens in _sentence_tokens(text):
        present = set(tokens)
        if not _PHRASE_NEEDS.isdisjoint(present):
            joined = " ".join(
                tokens if CLAUSE_BREAK not in present else [t for t in tokens if t != CLAUSE_BREAK]
            )
            for needed, phrase, polarity in _phrase_res():
                if needed not in present:
                    continue
                for _ in phrase.finditer(joined):
                    weight = NEGATIVE_WEIGHT if polarity < 0 else 1.0
                    total += polarity * weight
                    weights += weight
                    hits += 1
        visit = _to_visit(present)
        if not visit:
            continue  # most words: no sentiment, no role
        after_contrast = False
        contrast_seen = not CONTRAST.isdisjoint(present)
        for i in compress(range(len(tokens)), map(visit.__contains__, tokens)):
            token = tokens[i]
            if (
                token in NAME_ADJECTIVES
                and i + 1 < len(tokens)
                and tokens[i + 1] in NAME_ADJECTIVES[token]
            ):
                continue  # part of a name: "de slimme meter"
            found = known[token] if token in known else lookup(token)
            if (
                token in INTENSIFIERS
                and i + 1 < len(tokens)
                and (lookup(tokens[i + 1]) or (tokens[i + 1] == NAAR and token in DEGREE_WORDS))
            ):
                continue  # it modifies the next word
            if token in CONTRAST:
                after_contrast = True
                continue
            if found is None:
                if token in EXCESS_WORDS and i > 0 and tokens[i - 1] == "te":
                    found = (-0.4, 1.0)
                elif token == NAAR and _adjective_naar(tokens, i):
                    found = NAAR_ADJECTIVE
                else:
                    continue
            polarity, subjectivity = found
            if polarity == 0 or subjectivity < MIN_SUBJECTIVITY:
                continue
            if token in NEGATIONS and _negates_next(tokens, i):
                continue  # "niks mis": "niks" is the negation, not an opinion of its own
            if i > 0 and tokens[i - 1] in INTENSIFIERS:
                polarity *= INTENSIFIERS[tokens[i - 1]]
            if _negated(tokens, i):
                polarity *= -0.75 if polarity > 0 else -0.4
            weight = max(subjectivity, 0.3) * (NEGATIVE_WEIGHT if polarity < 0 else 1.0)
            if contrast_seen:
                weight *= 1.5 if after_contrast else 0.6
            total += max(-1.0, min(1.0, polarity)) * weight
            weights += weight
            hits += 1
    for polarity in emoji_polarities(text):
        total += polarity
        weights += 1.0
        hits += 1
    if not weights:
        return DutchScore(0.0, 0)
    return DutchScore(max(-1.0, min(1.0, total / weights)), hits)
