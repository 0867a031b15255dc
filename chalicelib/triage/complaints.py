"""Complaints phrased without strong sentiment words, in English and Dutch.

"still waiting for my refund", "been on hold for 90 minutes", "nog steeds geen
reactie", "al drie dagen storing", "ik zeg mijn abonnement op": a lexicon calls these
neutral, a webcare team calls them its job. Each rule is a regex with a short name
that becomes the alert's reason. A *weak* rule does not count in a plain question
("how do I cancel my subscription?"); a strong one counts everywhere ("where is my
refund?").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .complaint_rules import RULES
from .text import words

_QUESTION_START = re.compile(
    # after a greeting, if any ("Hoi, hoe laat gaan jullie open?")
    r"^\s*(?:(?:hi|hello|hey|hoi|hallo|dag|beste \w+|goedemorgen|goedemiddag|goedenavond)\W+)?"
    r"(how|can|could|may|is|are|does|do|what|when|where|who|which|should|will|would|"
    r"hoe|hoeveel|hoelang|kan|kun|kunnen|mag|moet|wat|wanneer|welke|is|zijn|heeft|hebben|weet)\b",
    re.IGNORECASE,
)


def is_question(sentence: str) -> bool:
    """A sentence asked as a question: "How do I cancel?", "Kan ik opzeggen?"."""
    stripped = sentence.strip()
    return stripped.endswith("?") and bool(_QUESTION_START.match(stripped))


# The words a rule cannot match without ("cancel-": a word starting with "cancel";
# "-storing": a word ending in it): a text with none of them skips the rule's regex, as
# most texts do. tests/unit/triage check every rule and branch against these lists.
NEEDS = {
    "still waiting": "waiting",
    "waiting for days": "waiting",
    "on hold": "hold",
    "still not fixed": "still",
    "no response": "no never nobody noone zero heard reply replies response answer word",
    "never arrived": "never hasn't hasnt haven't havent didn't didnt still not",
    "where is my": "where where's wheres",
    "where is it": "where where's wheres",
    "waiting since": "wait waiting waited",
    "waiting hours": "waiting waited stuck stranded queuing queueing hold queue",
    "without service": "power electricity internet wifi wi-fi water heating gas signal tv "
    "phone service connection",
    "cancelled": "cancelled canceled called",
    "finally": "finally ever last long",  # and "when" or "how" (ALSO_NEEDS)
    "irony": "not right if",
    "logged out": "keep keeps kept logs signs kicks logged signed",
    "talking to a wall": "wall",
    "charged twice": "charged billed double double-charged double-billed overcharged "
    "over-charged overbilled over-billed",
    "refund demand": "refund money",
    "not working": "doesn't doesnt does don't dont won't wont can't cant cannot isn't isnt "
    "stopped not keep keeps kept",
    "cannot reach you": "trying tried can't cant cannot couldn't couldnt unable",
    "thanks for nothing": "nothing right",
    "service down": "down offline broken outage no",
    "cancelling": "cancel- quit- closing terminate terminating leaving switching",
    "again": "time again second third fourth fifth",
    "hours lost": "took wasted spent lost",
    "bad service": "service support experience",
    "what a joke": "joke farce shambles disgrace show circus mess fail epicfail failure "
    "epicfailure",
    "nog steeds": "nog",
    "wachten": "wacht wachten gewacht",
    "in de wacht": "wacht wachtrij",
    "al dagen": "al sinds inmiddels",
    "storing": "-storing -storingen plat lucht uit eruit",
    "geen reactie": "geen niemand niks niets",
    "geen verbinding": "geen",
    "zonder stroom": "zonder",
    "geannuleerd": "geannuleerd afgezegd gekomen verschenen geweest opdagen",
    "eindelijk": "eindelijk ooit eens lang",
    "ironie": "niet",
    "opzeggen": "zeg zeggen zegt opzeggen opgezegd opzegging",
    "niet ontvangen": "niet nooit",
    "werkt niet": "werkt werken doet",
    "kan niet inloggen": "kan kun kunnen kon",
    "dubbel betaald": "dubbel keer tweekeer teveel veel",
    "geld terug": "geld",
    "waar blijft": "waar",
    "wachten sinds": "wacht wachten gewacht wachtend sinds",
    "uitgelogd": "uitgelogd logt gooit blijft",
    "tegen een muur": "muur",
    "weer": "keer alweer wéér",
    "slechte service": "service klantenservice bereikbaarheid",
    "klacht": "klacht klachten",
    "wat een grap": "grap lachertje aanfluiting poppenkast wanvertoning schertsvertoning farce "
    "puinhoop zooitje janboel circus faal fail epicfail",
}


# A second need, checked after the first: every match of the rule contains one of these
# strings (in the lower-cased words), so a text without any skips the rule's regex. Most
# texts with "niet" or "not" say nothing about deliveries or logging in.
ALSO_NEEDS = {
    "not working": "work load connect log sign crash freez fail dropp disconnect",
    "no response": "repl answer respon got call gets picks word update heard",
    "never arrived": "arrived came come turned shown showed delivered received got refunded",
    "without service": "min mins hour hours hrs day days week weeks month 0 1 2 3 4 5 6 7 8 9",
    "irony": "great awesome fantastic brilliant amazing excellent wonderful superb perfect good "
    "nice",
    "finally": "when how",
    "eindelijk": "wanneer hoe",
    "geannuleerd": "afspraak bestelling vlucht levering reservering order monteur bezorging "
    "installatie aansluiting geannuleerd afgezegd",
    "ironie": "top super geweldig fantastisch prima fijn goed lekker mooi klasse perfect",
    "cannot reach you": "reach contact call hold through",
    "service down": "down offline broken outage internet signal service power connection",
    "nog steeds": "steeds altijd",
    "al dagen": "min uur uren dag week weken maand",
    "geen reactie": "reactie antwoord reply bericht terugkoppeling reageert belt neemt gehoord "
    "hoor horen",
    "geen verbinding": "internet bereik verbinding stroom tv netwerk signaal wifi",
    "niet ontvangen": "bezorgd geleverd ontvangen aangekomen binnen teruggestort terugbetaald",
    "kan niet inloggen": "inloggen aanmelden bellen betalen bestellen verbinden streamen "
    "internetten kijken",
    "waar blijft": "blijf blijven mijn m'n ons",
    "storing": "storing ligt liggen lucht",
    "dubbel betaald": "afgeschreven betaald gefactureerd",
    "weer": "tweede derde vierde vijfde alweer wéér 0 1 2 3 4 5 6 7 8 9",
    "uitgelogd": "uitgelogd uitloggen logt gooit",
}
_ALSO = {name: tuple(spec.split()) for name, spec in ALSO_NEEDS.items()}


@dataclass(frozen=True, slots=True)
class Needs:
    words: frozenset[str]
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]

    @classmethod
    def parse(cls, spec: str) -> Needs:
        items = spec.split()
        return cls(
            frozenset(i for i in items if not (i.startswith("-") or i.endswith("-"))),
            tuple(i[:-1] for i in items if i.endswith("-")),
            tuple(i[1:] for i in items if i.startswith("-")),
        )

    def met_by(self, tokens: frozenset[str]) -> bool:
        if not self.words.isdisjoint(tokens):
            return True
        if not (self.prefixes or self.suffixes):
            return False
        return any(
            (self.prefixes and t.startswith(self.prefixes))
            or (self.suffixes and t.endswith(self.suffixes))
            for t in tokens
        )


_NEEDS = {name: Needs.parse(spec) for name, spec in NEEDS.items()}
# word -> names of the rules that need it; rules with affixes are always checked
_BY_WORD: dict[str, set[str]] = {}
for _name, _needs in _NEEDS.items():
    for _word in _needs.words:
        _BY_WORD.setdefault(_word, set()).add(_name)
_AFFIXED = frozenset(name for name, needs in _NEEDS.items() if needs.prefixes or needs.suffixes)


_TRIGGER_WORDS = frozenset(_BY_WORD)
TRIGGER_WORDS = _TRIGGER_WORDS  # the whole words a rule may need first
_PREFIXES = tuple(p for name in _AFFIXED for p in _NEEDS[name].prefixes)
_SUFFIXES = tuple(p for name in _AFFIXED for p in _NEEDS[name].suffixes)
# (a suffix inside another, "storing" in "storingen", need not be looked for twice)
_AFFIXES = tuple(
    sorted(
        a
        for a in set(_PREFIXES + _SUFFIXES)
        if not any(b != a and b in a for b in _PREFIXES + _SUFFIXES)
    )
)
# the same affixes, found in one scan of the space-joined words
_AFFIX_RE = re.compile(
    "|".join(
        [f"(?:^| ){re.escape(p)}" for p in _PREFIXES]
        + [f"{re.escape(s)}(?: |$)" for s in _SUFFIXES]
    )
)


@lru_cache(maxsize=256)  # may_complain() and then _candidates() ask for the same words
def _joined(tokens: frozenset[str]) -> str:
    return " ".join(tokens)


@lru_cache(maxsize=256)
def _affixed(tokens: frozenset[str]) -> tuple[str, ...]:
    """The tokens that start with a needed prefix or end with a needed suffix."""
    joined = _joined(tokens)
    # most texts hold none of the few affixes anywhere: one substring test each says so
    if not any(map(joined.__contains__, _AFFIXES)) or not _AFFIX_RE.search(joined):
        return ()
    return tuple(t for t in tokens if t.startswith(_PREFIXES) or t.endswith(_SUFFIXES))


def _candidates(tokens: frozenset[str]) -> set[str]:
    """Names of the rules whose needed words (and second needs) occur among `tokens`."""
    names: set[str] = set()
    for token in tokens & _TRIGGER_WORDS:
        names.update(_BY_WORD[token])
    affixed = _affixed(tokens)
    if affixed:
        names.update(name for name in _AFFIXED if _NEEDS[name].met_by(frozenset(affixed)))
    joined = _joined(tokens)
    return {
        name for name in names if name not in _ALSO or any(map(joined.__contains__, _ALSO[name]))
    }


# Stock praise that, after a complaint in the same post, is sarcasm ("still no refund. Top.")
_PRAISE = {
    "en": """top|great|great job|good job|nice job|nice one|well done|good work|great work|
        great service|excellent service|brilliant|perfect|lovely|fantastic|awesome|amazing|
        wonderful|nice|superb|thanks a lot|thanks a bunch|thanks a million|thank you so much|
        way to go|bravo|love it|just great|just perfect|top service""",
    "nl": """top|toppie|super|prima|geweldig|fantastisch|fijn|heel fijn|lekker|lekker bezig|
        goed bezig|goed geregeld|top geregeld|netjes|knap|mooi|mooi zo|mooi werk|chapeau|
        bravo|klasse|proficiat|bedankt|dank je wel|dank u wel|dankjewel|echt top|top service|
        topservice|heerlijk|perfect|geweldige service|super service""",
}
# words around stock praise that leave it stock ("Top hoor.", "Great job again guys")
_FILLER = frozenset(
    [
        "again",
        "guys",
        "folks",
        "as",
        "always",
        "usual",
        "there",
        "team",
        "hoor",
        "weer",
        "jongens",
        "jullie",
        "zoals",
        "altijd",
        "gewoon",
        "echt",
        "hè",
        "he",
    ]
)
_PRAISE_PHRASES = {
    lang: frozenset(tuple(phrase.split()) for phrase in " ".join(text.split()).split("|"))
    for lang, text in _PRAISE.items()
}


# every word of the stock praise: a post with none of them holds no such sentence
_PRAISE_VOCABULARY = {
    lang: frozenset(word for phrase in phrases for word in phrase)
    for lang, phrases in _PRAISE_PHRASES.items()
}
PRAISE_VOCABULARY = frozenset().union(*_PRAISE_VOCABULARY.values())


def sarcastic_praise(
    sentences: Sequence[str], lang: str, tokens: frozenset[str] | None = None
) -> bool:
    """A sentence after the first that is only stock praise ("Top.", "Great job…"): when
    the post also complains, the praise is sarcasm and must not overrule the complaint.
    `tokens`: the words of the whole text (or those of them in `PRAISE_VOCABULARY`),
    when the caller has them (most posts then skip the sentences)."""
    phrases = _PRAISE_PHRASES.get(lang)
    if not phrases or len(sentences) < 2:
        return False
    if tokens is not None and tokens.isdisjoint(_PRAISE_VOCABULARY[lang]):
        return False
    for sentence in sentences[1:]:
        found = words(sentence)
        if 0 < len(found) <= 6:
            trimmed = tuple(token for token in found if token not in _FILLER)
            if trimmed in phrases:
                return True
    return False


def may_complain(tokens: Iterable[str], signals: frozenset[str] | None = None) -> bool:
    """False when no complaint rule of any language can match these words (most posts).
    `signals`: those of the words in `TRIGGER_WORDS` (or more), when the caller has them."""
    present = tokens if isinstance(tokens, frozenset) else frozenset(tokens)
    triggers = present if signals is None else signals
    return not triggers.isdisjoint(_TRIGGER_WORDS) or bool(_affixed(present))


TAIL_RULES = frozenset(["irony", "ironie"])
TAIL = 80  # characters: praise and the words that take it back ("Top service, echt niet")


# a problem asked about as a case that may happen, not one that did: "what happens to my
# credit if there is an outage?", "hoeveel compensatie krijg ik bij een storing?"
_SAME_SENTENCE = r"[^\w.!?…\n]"
_HYPOTHETICAL_BEFORE = re.compile(
    rf"(\b(if|in case of|in case|whenever|als|indien|mocht|ingeval|in geval van)\b"
    rf"({_SAME_SENTENCE}+[\w']+){{0,3}}|\bbij( een)?|\bin the event of( an?)?){_SAME_SENTENCE}*$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?…\n]")


def _hypothetical(whole: str, match: re.Match[str]) -> bool:
    """The match is the subject of an "if"/"als"/"bij een" clause in a question."""
    end = _SENTENCE_END.search(whole, match.end())
    if end is None or end.group(0) != "?":
        return False
    return _HYPOTHETICAL_BEFORE.search(whole, max(0, match.start() - 60), match.start()) is not None


def complaint_signals(
    sentences: Sequence[str], lang: str, tokens: Iterable[str] | None = None
) -> tuple[str, ...]:
    """Names of the complaint rules the sentences match (each at most once).

    `tokens` are the words of the whole text when the caller has them already.
    """
    return tuple(name for name, _words in complaint_matches(sentences, lang, tokens))


def complaint_matches(
    sentences: Sequence[str],
    lang: str,
    tokens: Iterable[str] | None = None,
    only: frozenset[str] | None = None,
) -> tuple[tuple[str, str], ...]:
    """(rule name, the words it matched) for each complaint rule the sentences match
    (of the rules named in `only`, when given)."""
    rules = RULES.get(lang, ())
    if not rules:
        return ()
    present = frozenset(words("\n".join(sentences)) if tokens is None else tokens)
    candidates = _candidates(present)
    if only is not None:
        candidates &= only
        if not candidates:
            return ()
    whole = "\n".join(sentences)  # rules never match across a line break
    found: list[tuple[str, str]] = []
    for rule in rules:
        if rule.name not in candidates:
            continue
        # irony is praise the post's last words take back: only its end is searched
        match = rule.pattern.search(whole[-TAIL:] if rule.name in TAIL_RULES else whole)
        if match is None or (rule.name not in TAIL_RULES and _hypothetical(whole, match)):
            continue
        if rule.strong or any(
            not is_question(sentence) and rule.pattern.search(sentence) for sentence in sentences
        ):
            found.append((rule.name, " ".join(match.group(0).lower().split())))
    return tuple(found)
