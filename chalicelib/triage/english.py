"""English sentiment: VADER, with a few words its 2014 lexicon lacks for webcare.

`analyzer()` is VADER's own `SentimentIntensityAnalyzer` with three of its steps done
without its quadratic work (it lower-cases every word of the text again for each of up
to three look-backs per sentiment word, and rebuilds the text character by character to
replace emoji); `compound()` skips the shares triage does not read. Same inputs, same
scores: `tests/unit/triage/test_triage_english.py` compares it with stock VADER.
VADER is MIT-licensed (C.J. Hutto); the overridden steps follow its 3.3.2.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# word -> valence on VADER's -4..4 scale
EXTRA_WORDS = {
    "sigh": -1.0, "hungover": -1.5, "fml": -2.0, "outage": -1.8, "crashed": -1.5,
    "crashing": -1.5, "crashes": -1.5, "glitch": -1.2, "glitchy": -1.5, "buggy": -1.5,
    "overcharged": -2.0, "canceled": -1.0, "sadface": -1.8, "scammed": -2.7,
    "ripoff": -2.5, "unreachable": -1.5, "unresponsive": -1.8, "epicfail": -2.5,
}  # fmt: skip


_STRIPPED_LIMIT = 100_000  # distinct words whose stripped form the analyzer remembers


def _build() -> Any:
    from vaderSentiment import vaderSentiment as vs

    negate = frozenset(vs.NEGATE)
    n_scalar = vs.N_SCALAR
    special = vs.SPECIAL_CASES
    booster = vs.BOOSTER_DICT

    # every idiom and multi-word booster holds one of these words (and every match of
    # one holds it): "the shit", "bus stop", "kiss of death", "kind of", "just enough"…
    idiom_words = frozenset(
        word
        for phrase in (*special, *(key for key in booster if " " in key))
        for word in phrase.split()
        if word not in ("the", "of", "to", "for", "a", "bad", "just", "kiss", "bus", "yeah")
    )

    def negated(word: str) -> bool:  # vs.negated([word]) for one word
        lowered = word.lower()
        return lowered in negate or "n't" in lowered

    strip_punctuation = vs.SentiText._strip_punc_if_word
    stripped: dict[str, str] = {}  # word -> strip_punctuation(word), for words seen

    def strip(word: str) -> str:
        found: str = strip_punctuation(word)
        if len(stripped) < _STRIPPED_LIMIT:
            stripped[word] = found
        return found

    class _SentiText:
        """vs.SentiText's two attributes, worked out the same way with C-level loops."""

        __slots__ = ("is_cap_diff", "text", "words_and_emoticons")

        def __init__(self, text: str) -> None:
            self.text = text
            split = text.split()
            try:  # every word seen before: one C-level pass over the cache
                words = list(map(stripped.__getitem__, split))
            except KeyError:
                words = list(map(strip, split))
            self.words_and_emoticons = words
            capitals = sum(map(str.isupper, words))  # vs.allcap_differential(words)
            self.is_cap_diff = 0 < len(words) - capitals < len(words)

    class Analyzer(vs.SentimentIntensityAnalyzer):  # type: ignore[misc]
        """VADER; `_negation_check`, `_special_idioms_check` and the emoji pass look at
        the few words they need instead of lower-casing the whole text each time."""

        def __init__(self) -> None:
            super().__init__()
            # the emoji pass replaces single characters only
            self._emoji_chars = frozenset(key for key in self.emojis if len(key) == 1)

        def polarity_scores(self, text: str) -> dict[str, float]:
            if self._emoji_chars.isdisjoint(text):
                # the emoji pass would copy the text unchanged; the rest is VADER's own
                text = text.strip()
                return dict(self.score_valence(self._valences(text), text))
            return dict(super().polarity_scores(text))

        def compound(self, text: str) -> float:
            """polarity_scores(text)["compound"], without the positive/negative/neutral
            shares it also works out (triage needs the compound only)."""
            if not self._emoji_chars.isdisjoint(text):
                return float(super().polarity_scores(text)["compound"])
            text = text.strip()
            sentiments = self._valences(text)
            if not sentiments:
                return 0.0
            total = float(sum(sentiments))
            emphasis = self._punctuation_emphasis(text)
            if total > 0:
                total += emphasis
            elif total < 0:
                total -= emphasis
            return float(round(vs.normalize(total), 4))

        def _valences(self, text: str) -> list[float]:
            sentitext = _SentiText(text)
            sentiments: list[float] = []
            words = sentitext.words_and_emoticons
            last = len(words) - 1
            lexicon = self.lexicon
            for i, item in enumerate(words):
                lowered = item.lower()
                if lowered in booster or (
                    i < last and lowered == "kind" and words[i + 1].lower() == "of"
                ):
                    sentiments.append(0)
                elif lowered not in lexicon:
                    sentiments.append(0)  # what sentiment_valence does for such a word
                else:
                    sentiments = self.sentiment_valence(0, sentitext, item, i, sentiments)
            if "but" not in text.lower():  # _but_check changes nothing without a "but"
                return sentiments
            return list(self._but_check(words, sentiments))

        @staticmethod
        def _negation_check(valence: float, words: list[str], start_i: int, i: int) -> float:
            before = words[i - (start_i + 1)]
            if start_i == 0:
                if negated(before):
                    valence = valence * n_scalar
            elif start_i == 1:
                two, one = words[i - 2].lower(), words[i - 1].lower()
                if two == "never" and one in ("so", "this"):
                    valence = valence * 1.25
                elif two == "without" and one == "doubt":
                    pass
                elif negated(before):
                    valence = valence * n_scalar
            elif start_i == 2:
                three, two, one = words[i - 3].lower(), words[i - 2].lower(), words[i - 1].lower()
                if (three == "never" and two in ("so", "this")) or one in ("so", "this"):
                    valence = valence * 1.25
                elif three == "without" and (two == "doubt" or one == "doubt"):
                    pass
                elif negated(before):
                    valence = valence * n_scalar
            return valence

        @staticmethod
        def _special_idioms_check(valence: float, words: list[str], i: int) -> float:
            w3, w2, w1, w0 = (words[i - k].lower() for k in (3, 2, 1, 0))
            window = {w3, w2, w1, w0, *(word.lower() for word in words[i + 1 : i + 3])}
            if window.isdisjoint(idiom_words):  # no idiom or booster phrase can match
                return valence
            for seq in (f"{w1} {w0}", f"{w2} {w1} {w0}", f"{w2} {w1}", f"{w3} {w2} {w1}",
                        f"{w3} {w2}"):  # fmt: skip
                if seq in special:
                    valence = special[seq]
                    break
            if len(words) - 1 > i:
                nxt = words[i + 1].lower()
                zeroone = f"{w0} {nxt}"
                if zeroone in special:
                    valence = special[zeroone]
                if len(words) - 1 > i + 1:
                    zeroonetwo = f"{w0} {nxt} {words[i + 2].lower()}"
                    if zeroonetwo in special:
                        valence = special[zeroonetwo]
            for n_gram in (f"{w3} {w2} {w1}", f"{w3} {w2}", f"{w2} {w1}"):
                if n_gram in booster:
                    valence = valence + booster[n_gram]
            return valence

    return Analyzer()


@lru_cache(maxsize=1)
def analyzer() -> Any:
    """VADER, built on first use (it reads its lexicon files) and kept for the process."""
    vader = _build()
    vader.lexicon.update(EXTRA_WORDS)
    return vader


@lru_cache(maxsize=256)  # a text placed in no language may be asked twice
def score(text: str) -> float:
    """VADER's compound score in [-1, 1]."""
    return float(analyzer().compound(text))
