"""Sentiment per language: a score in [-1, 1], a label, and the complaints found.

English goes to VADER, Dutch to our lexicon scorer; any other language gets the
label "unknown" (an English lexicon reads Dutch as neutral, and would read German
the same way). Where a language has a learned layer (`model.py`), its probability
and the lexicon's score are blended: the model decides where the lexicon finds next
to nothing and nudges elsewhere by its share (the shares are in the model file, chosen
by cross-validation; the shipped English share elsewhere is 0). A complaint phrased
without sentiment words pulls the score below the negative threshold: "still waiting
for my refund" is negative for a webcare team.
Cost: one lexicon pass, one sparse dot product where the model can move the score (or
the post ends up negative, for its reason), and the complaint regexes only for texts
that contain one of their trigger words.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Sentiment
from . import dutch, english
from .complaints import (
    PRAISE_VOCABULARY,
    TRIGGER_WORDS,
    complaint_matches,
    is_question,
    may_complain,
    sarcastic_praise,
)
from .model import ModelSource, shipped
from .needs import NEED_WORDS, Need, asks_for_help, compares, need_of
from .text import clean, sentences, word_set, words


@dataclass(frozen=True, slots=True)
class Thresholds:
    negative: float  # label negative when score < this
    positive: float  # label positive when score >= this


THRESHOLDS = {
    # VADER's own convention, give or take the boundary (it calls -0.05 itself negative)
    "en": Thresholds(negative=-0.05, positive=0.05),
    # our Dutch scorer: any net negativity is negative
    "nl": Thresholds(negative=0.0, positive=0.1),
}
ANALYZERS = {"en": "vader-en", "nl": "lexicon-nl"}
COMPLAINT_PULL = 0.35  # how far below neutral a complaint puts the score
# a clearly happy text keeps its label ("Congrats for the 6th time!", "thanks, no more waiting",
# "facebook isn't working is trending lol"), unless it also asks us for help: a complaint
# with a request is never positive, whatever its polite words ("@brand please help, bag
# never arrived"); nor is praise the post itself takes back ("Top service, echt niet")
COMPLAINT_OVERRULED_ABOVE = 0.5
_IRONY = frozenset(["irony", "ironie"])
_IRONY_WORDS = frozenset(["not", "niet"])  # a happy text needs one to be irony
OTHER = Need("other")


# Negation leans negative ("On the negativity of negation", Potts 2011): a text with no
# sentiment words of its own but a "not"/"niet" is mildly negative, never alert-worthy alone.
NEGATION_LEAN = -0.1
QUESTION_NEGATIVE_BELOW = -0.5  # a question this negative is a complaint all the same
COMPARISON_NEGATIVE_BELOW = -0.6  # a comparison this negative is a negative post all the same
NEUTRAL_BAND = 0.05  # |score| below this: the lexicon found next to nothing
# Where the lexicon found next to nothing, the learned layer alone may label a post but not
# page for it: 45 x 0.5 = 22.5 negativity points, under the default threshold of 25.
MODEL_ALONE_AT_MOST = 0.5
_NEGATION_WORDS = {
    "en": frozenset(
        ["not", "no", "never", "nothing", "nobody", "none", "nope", "cannot", "without"]
    ),
    "nl": frozenset(["niet", "geen", "nooit", "niets", "niks", "niemand", "nergens", "zonder"]),
}
# negations that do not complain: "can't wait", "no worries", "niet slecht" (they
# neither lean a text negative nor let the learned layer make a weak one negative)
_NOT_NEGATIVE = tuple(
    f" {phrase} "
    for phrase in (
        "can't wait", "cant wait", "cannot wait", "couldn't wait", "no problem", "no worries",
        "no doubt", "not bad", "geen probleem", "geen punt", "geen zorgen", "niet slecht",
        "niet erg",
    )
)  # fmt: skip


def _negated(cleaned: str, lang: str, signals: frozenset[str] | None = None) -> bool:
    """The text holds a negation that complains; `signals`: its words in `SIGNAL_WORDS`."""
    tokens = words(cleaned)
    negations = _NEGATION_WORDS[lang]
    if negations.isdisjoint(tokens if signals is None else signals) and not (
        lang == "en" and "n't" in cleaned and "n't " in f"{' '.join(tokens)} "
    ):
        return False
    return not _negation_idiom(tokens)


def _negation_idiom(tokens: tuple[str, ...]) -> bool:
    """The text holds a negation that does not complain ("can't wait", "no worries")."""
    joined = f" {' '.join(tokens)} "
    return any(phrase in joined for phrase in _NOT_NEGATIVE)


# every word a word-list check of `assess` may look for: complaint triggers, help and
# question words, stock praise, irony and negation words
SIGNAL_WORDS = frozenset().union(
    TRIGGER_WORDS, NEED_WORDS, PRAISE_VOCABULARY, _IRONY_WORDS, *_NEGATION_WORDS.values()
)


@dataclass(frozen=True, slots=True)
class Assessment:
    sentiment: Sentiment
    complaints: tuple[str, ...] = ()
    model_negative: float | None = None  # the learned layer's p(negative), when it ran
    need: Need = OTHER


def label_for(score: float, lang: str) -> str:
    limits = THRESHOLDS.get(lang)
    if limits is None:
        return "unknown"
    if score < limits.negative:
        return "negative"
    if score >= limits.positive:
        return "positive"
    return "neutral"


def assess(text: str, lang: str, *, models: ModelSource = shipped) -> Assessment:
    """Score `text` as language `lang` (ISO 639-1); `models` gives each language's
    learned layer (the shipped files; evaluation passes models trained without the text)."""
    if lang not in ANALYZERS:
        return Assessment(Sentiment(0.0, "unknown", "none"))
    cleaned = clean(text)
    if lang == "en":
        score = english.score(cleaned)
        evidence = True
    else:
        result = dutch.score(text)
        score, evidence = result.score, result.hits > 0
    lexicon = score
    learned = models(lang)
    negative_probability = None
    analyzer = ANALYZERS[lang]
    # where the lexicon is clear and the model's share there is 0, the model cannot move
    # the score: it runs only if the post ends up negative, for its reason
    silent = learned is not None and learned.blend.share == 0 and not learned.blend.weak(lexicon)
    model_cleared = False  # the model read a weak post as not negative
    if learned is not None and not silent:
        negative_probability = learned.negative_probability(text, lexicon)
        score = learned.blend.combine(score, negative_probability)
        if learned.blend.weak(lexicon):
            score = max(-MODEL_ALONE_AT_MOST, min(MODEL_ALONE_AT_MOST, score))
            # the model reads any negation as a complaint; "can't wait for…" is eager
            if score < lexicon and _negation_idiom(words(cleaned)):
                score = lexicon
            # it says whether a post is negative, not whether it praises: where the
            # lexicon found next to nothing it may make a post negative, never positive
            # (a polite "@brand please help…" was pushed up to +0.5); where it says "not
            # negative" the post is neutral at most, and clear of the negation lean
            if score > lexicon:
                score, model_cleared = max(lexicon, 0.0), True
    if learned is not None:
        evidence = True
        analyzer += "+model"
    tokens = word_set(cleaned)
    # one pass over the words for every word list below (negations, complaint triggers,
    # help, question openers, praise): the checks then test a handful of words
    signals = tokens & SIGNAL_WORDS
    if abs(score) < NEUTRAL_BAND and not model_cleared and _negated(cleaned, lang, signals):
        score = min(score, NEGATION_LEAN)
        evidence = True
    parts: tuple[str, ...] | None = None  # the sentences, split only when something needs them
    help_words = asks_for_help(cleaned, lang, signals)
    matches: tuple[tuple[str, str], ...] = ()
    if may_complain(tokens, signals):
        parts = sentences(cleaned)
        happy = score >= COMPLAINT_OVERRULED_ABOVE and not help_words
        sarcastic = happy and sarcastic_praise(parts, lang, signals)
        if not happy or sarcastic:
            matches = complaint_matches(parts, lang, tokens)
        elif not signals.isdisjoint(_IRONY_WORDS):  # a happy post: only irony can count
            matches = complaint_matches(parts, lang, tokens, _IRONY)
        if matches and not sarcastic and not happy:
            sarcastic = sarcastic_praise(parts, lang, signals)
        if matches and happy and not sarcastic:
            matches = tuple(m for m in matches if m[0] in _IRONY)
        if matches and sarcastic:
            matches = (*matches, ("sarcastic praise", "sarcastic praise"))
    complaints = tuple(name for name, _words in matches)
    if help_words and not complaints and score >= THRESHOLDS[lang].positive:
        # a request for help is never a positive post, however politely it asks
        score = 0.0
        evidence = True
    if complaints:
        pulled = min(score, 0.0) - COMPLAINT_PULL * min(len(complaints), 2)
        score = max(-1.0, min(score, pulled))
        evidence = True
    if (
        not complaints
        and score < THRESHOLDS[lang].negative
        and "?" in cleaned
        and all(is_question(part) for part in (parts or sentences(cleaned)))
    ):
        # "How do I cancel my subscription?" asks; it does not complain: a plain question
        # is judged by its words alone (the model reads "where is…" as a complaint)
        score = max(score, lexicon)
        if QUESTION_NEGATIVE_BELOW <= score < THRESHOLDS[lang].negative:
            score = THRESHOLDS[lang].negative
    if (
        not complaints
        and not help_words
        and COMPARISON_NEGATIVE_BELOW < score < THRESHOLDS[lang].negative
        and compares(cleaned, lang, signals)
    ):
        # "Nieuwe tarieven vergeleken met de rest van de markt: gemiddeld, niet
        # spectaculair" weighs a market; it raises no problem of the poster's: neutral,
        # unless plainly negative ("compared to them you are a ripoff and a disgrace")
        score = THRESHOLDS[lang].negative
    label = label_for(score, lang) if evidence else "neutral"
    if silent and label == "negative" and learned is not None:
        negative_probability = learned.negative_probability(text, lexicon)
    need = need_of(cleaned, parts, lang, label, matches, help_words, signals)
    return Assessment(
        Sentiment(round(score, 4), label, analyzer, need.kind),
        complaints,
        negative_probability,
        need,
    )


def assess_unplaced(text: str, *, models: ModelSource = shipped) -> tuple[str, Assessment]:
    """A text the detector placed in neither language ("wow", "Awful.", ":'("): English,
    unless only the Dutch lexicon finds something in it. Returns (language, assessment)."""
    lang = "en"
    if english.score(clean(text)) == 0 and dutch.score(text).hits > 0:
        lang = "nl"
    return lang, assess(text, lang, models=models)
