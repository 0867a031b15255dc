"""What the customer needs from us, beside how they feel: complaint, request for help,
question, praise or other, in English and Dutch.

A webcare team answers people who need something, polite ones most of all: "@brand please
help, bag never arrived" is full of friendly words and is a complaint all the same. The
kind is decided in this order, the first that applies:

    complaint         a complaint rule matched (`complaints.py`: what happened, stated as
                      fact or feeling: "never arrived", "al 3 dagen zonder stroom")
    help              a request for help ("please help", "can you check", "graag hulp",
                      "kunnen jullie mij helpen")
    question          a sentence asked as a question ("How do I cancel my subscription?",
                      "What is the best way to contact support"); `own` when it is about
                      the customer's own case (I/my, ik/mijn: "How do I cancel my…")
    praise            the post is positive and none of the above ("Thanks, fixed!")
    other             anything else (news, chatter, a neutral remark)

`words` are the words that decided, for the reason a person reads ("request for help:
please help"). Pure functions, no state; the patterns compile on first use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from .needs_words import (
    ASKS_AT_MOST,
    ASKS_UNMARKED,
    COMPARES,
    COMPARES_NEEDS,
    GREETING,
    GREETINGS,
    HELP,
    HELP_ALONE,
    HELP_PAIRS,
    OPENERS,
    OWN,
    PRAISE_WORDS,
    QUESTION_WORD,
)
from .text import sentences as split
from .text import word_set, words

NEEDS = ("complaint", "help", "question", "praise", "other")
# what each kind is called in a reason
TITLES = {
    "complaint": "complaint",
    "help": "request for help",
    "question": "question to the brand",
    "praise": "praise",
    "other": "other",
}


@dataclass(frozen=True, slots=True)
class Need:
    kind: str  # one of NEEDS
    words: str = ""  # the words that decided ("please help"), "" when none in particular
    asks: bool = False  # asks us about the customer's own case (a question or request)

    @property
    def reason(self) -> str:
        """The line a person reads: "request for help: please help", "question to the brand"."""
        if self.kind == "question" and self.asks:
            title = "question about their own case"
        else:
            title = TITLES[self.kind]
        return f"{title}: {self.words}" if self.words else title

    @property
    def needs_us(self) -> bool:
        """A complaint or a request for help: never a positive post, whatever its words."""
        return self.kind in ("complaint", "help")


@cache
def _pattern(kind: str, lang: str) -> re.Pattern[str]:
    table = {"question": QUESTION_WORD, "unmarked": ASKS_UNMARKED}[kind]
    return re.compile(table.get(lang, table["en"]), re.IGNORECASE)


@cache
def _comparison(lang: str) -> re.Pattern[str]:
    return re.compile(COMPARES.get(lang, COMPARES["en"]), re.IGNORECASE)


def compares(cleaned: str, lang: str, tokens: frozenset[str] | None = None) -> bool:
    """The post compares ("vergeleken met de rest van de markt", "compared to last year").
    `tokens`: its words (or those of them in `NEED_WORDS`), when the caller has them."""
    if tokens is not None and tokens.isdisjoint(COMPARES_NEEDS):
        return False
    return _comparison(lang).search(cleaned) is not None


@cache
def _help_pieces(lang: str) -> tuple[tuple[tuple[str, ...], re.Pattern[str]], ...]:
    """HELP's pieces for `lang`, compiled for lower-cased text (no IGNORECASE: faster)."""
    return tuple(
        (tuple(needs.split()), re.compile(pattern)) for needs, pattern in HELP.get(lang, HELP["en"])
    )


_HELP_FIRSTS = frozenset().union(*(first for first, _second in HELP_PAIRS))
_HELP_SECOND_OF = {
    word: frozenset().union(*(second for first, second in HELP_PAIRS if word in first))
    for word in _HELP_FIRSTS
}


# every word `asks_for_help` and `need_of` look up among a post's words: a caller may pass
# only those of its words that are in this set
NEED_WORDS = frozenset().union(
    HELP_ALONE, _HELP_FIRSTS, *_HELP_SECOND_OF.values(), OPENERS, PRAISE_WORDS, COMPARES_NEEDS
)


def _may_ask_help(tokens: frozenset[str]) -> bool:
    if not tokens.isdisjoint(HELP_ALONE):
        return True
    firsts = tokens & _HELP_FIRSTS
    return bool(firsts) and any(not tokens.isdisjoint(_HELP_SECOND_OF[w]) for w in firsts)


def asks_for_help(cleaned: str, lang: str, tokens: frozenset[str] | None = None) -> str:
    """The words asking for help ("please help"), or "" when the text asks none.
    `tokens`: the text's words (or those of them in `NEED_WORDS`) when the caller has them
    (most texts then skip the regex)."""
    if tokens is not None and not _may_ask_help(tokens):
        return ""
    lowered = cleaned.lower()
    found: re.Match[str] | None = None
    for needs, pattern in _help_pieces(lang):
        if not any(map(lowered.__contains__, needs)):
            continue
        match = pattern.search(lowered)
        # the match that starts first wins; at the same place, the earlier piece's
        if match is not None and (found is None or match.start() < found.start()):
            found = match
    return " ".join(found.group(0).split()).strip(" !") if found else ""


def question_in(sentences: tuple[str, ...], lang: str) -> str:
    """The first sentence asked as a question: one ending in "?" with more than a word
    ("How do I cancel?", "Pakket al binnen?"; not a bare "Really?"), or one that asks
    without its mark ("What is the best way to contact support", "hoe kan ik opzeggen")."""
    marked, unmarked = _pattern("question", lang), _pattern("unmarked", lang)
    for sentence in sentences:
        stripped = sentence.strip()
        if not stripped.endswith("?"):
            first = stripped.split(None, 1)[0].lower().strip(".,!:;\"'()") if stripped else ""
            if first not in OPENERS:
                continue
        if stripped.split(None, 1)[0].lower().strip(".,!:;\"'()") in GREETINGS:
            stripped = GREETING.sub("", stripped)
        if stripped.endswith("?"):
            if marked.match(stripped) or len(words(stripped)) >= 3:
                return stripped
        elif unmarked.match(stripped):
            return stripped
    return ""


def _opens_with_a_question_word(cleaned: str) -> bool:
    """The post's first word, or the one after a greeting, can start a question."""
    first_words = [w.lower().strip(".,!:;\"'()@") for w in cleaned.split(None, 3)[:3]]
    return any(w in OPENERS for w in first_words)


def about_own_case(text: str, lang: str) -> bool:
    return not OWN.get(lang, OWN["en"]).isdisjoint(words(text.lower()))


def need_of(
    cleaned: str,
    sentences: tuple[str, ...] | None,
    lang: str,
    label: str,
    complaints: tuple[tuple[str, str], ...] = (),
    help_words: str | None = None,
    tokens: frozenset[str] | None = None,
) -> Need:
    """What the post asks of us (see the module's docstring); `complaints` are the complaint
    rules' (name, matched words), `label` the sentiment label of the post, `help_words`
    what `asks_for_help` found and `tokens` the post's words (or those of them in
    `NEED_WORDS`), when the caller has them;
    `sentences` None: split here if a question may be among them."""
    if help_words is None:
        help_words = asks_for_help(cleaned, lang, tokens)
    question = ""
    if "?" in cleaned:
        question = question_in(split(cleaned) if sentences is None else sentences, lang)
    elif (  # asked without its mark: the post's opening (an opener is one of its words)
        tokens is None or not tokens.isdisjoint(OPENERS)
    ) and _opens_with_a_question_word(cleaned):
        question = question_in((split(cleaned) if sentences is None else sentences)[:2], lang)
    # a message to a care team, not a review that wonders aloud
    own = bool(question) and about_own_case(question, lang) and len(words(cleaned)) <= ASKS_AT_MOST
    if complaints:
        said = ", ".join(_distinct(w for _name, w in complaints))
        return Need("complaint", said, bool(help_words) or own)
    if help_words:
        return Need("help", help_words, True)
    if question:
        return Need("question", _short(question) if own else "", own)
    if label == "positive":
        present = (word_set(cleaned) if tokens is None else tokens) & PRAISE_WORDS
        # in order of first use (a C-level look-up each, not a loop over a long review)
        praised = sorted(present, key=words(cleaned).index) if len(present) > 1 else present
        return Need("praise", ", ".join(list(praised)[:3]))
    return Need("other")


def _distinct(spans: Iterable[str]) -> list[str]:
    """The matched words, each once, leaving out any inside another, shortened."""
    found = list(dict.fromkeys(spans))
    kept = [s for s in found if not any(s != other and s in other for other in found)]
    return [_short(s, 40) for s in kept]


def _short(sentence: str, limit: int = 60) -> str:
    text = " ".join(sentence.split()).rstrip("?!. ").lower()
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
