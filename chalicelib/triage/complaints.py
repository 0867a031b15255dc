# ruff: noqa: E501 - one rule per line reads better than a regex split over lines
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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from .text import words

_NUM = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|many|few)"
_NUM_NL = r"(?:\d+|een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|paar|aantal|vele)"
_UNIT = r"(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?)"
_UNIT_NL = r"(?:minuten|min|uur|uren|dagen|dag|weken|week|maanden|maand)"


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    source: str  # the regex, compiled on first use (keeps `import` cheap for cold starts)
    strong: bool = True

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compiled(self.source)


@cache
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source, re.IGNORECASE)


def _rules(lang: str, spec: list[tuple[str, str, bool]]) -> list[Rule]:
    del lang
    return [Rule(name, source, strong) for name, source, strong in spec]


ENGLISH = _rules(
    "en",
    [
        ("still waiting", r"\b(still|been|keep|kept) (\w+ )?waiting\b", True),
        ("waiting for days", rf"\bwaiting (for |since )?(over |more than )?{_NUM} {_UNIT}", True),
        (
            "on hold",
            rf"\bon hold (for )?(over |more than |almost |nearly )?({_NUM} {_UNIT})?",
            True,
        ),
        (
            "still not fixed",
            r"\bstill (no|not|nothing|hasn'?t|haven'?t|isn'?t|doesn'?t|can'?t|won'?t|broken|down)\b",
            True,
        ),
        (
            "no response",
            r"\bno ?(one|body) (has )?(replied|answered|responded|got back|called)|\bno (reply|response|answer|word|update) (yet|from|since|after)\b|\bnever (got|received) (a|any) (reply|response|answer)",
            True,
        ),
        (
            "never arrived",
            r"\b(never|hasn'?t|haven'?t|didn'?t|still not) (arrived|came|shown up|showed up|been delivered|delivered|received|got (it|my|the))\b",
            True,
        ),
        ("where is my", r"\bwhere('?s| is| are) my\b", True),
        (
            "charged twice",
            r"\b(charged|billed) (me )?(twice|double|two times)|\bdouble[- ](charged|billed)\b",
            True,
        ),
        (
            "refund demand",
            r"\b(want|need|demand|still no|where'?s) (a |my )?(refund|money back)\b",
            True,
        ),
        (
            "not working",
            r"\b(doesn'?t|does not|don'?t|won'?t|can'?t|cannot|isn'?t|stopped|not) (even |really |properly )?(work|working|load|loading|connect|connecting|log ?in|sign ?in)\b|\b(keeps?|kept) (crashing|freezing|failing|dropping|disconnecting|logging me out)\b",
            False,
        ),
        (
            "cannot reach you",
            r"\b(trying|tried|been trying) to (reach|contact|call|get hold of|get through to)\b|\b(can'?t|cannot|couldn'?t|unable to) (reach|contact|get through|get hold of)\b",
            True,
        ),
        ("thanks for nothing", r"\bthanks? for nothing\b|\byeah,? right\b", True),
        (
            "service down",
            r"\b(is|are|been|went|keeps? going) (down|offline|broken)\b|\b(internet|wi-?fi|app|site|website|service|network|connection|tv|phone|account|server|login)s? (is |are |went |keeps? going )?(still )?(down|offline|broken)\b|\b(outage|no (internet|signal|service|power|connection))\b",
            False,
        ),
        (
            "cancelling",
            r"\b(cancel+(ing)?|closing|terminate|terminating|leaving|quit+ing) (my|our|the) (account|subscription|contract|membership|plan|service)\b|\bi'?m (switching|leaving) (to|for)\b",
            False,
        ),
        (
            "again",
            r"\b(for )?the (second|third|fourth|fifth|\d+(st|nd|rd|th)) time (this|today|in)\b|\bfor the (second|third|fourth|fifth|\d+(st|nd|rd|th)) time\b|\byet again\b",
            True,
        ),
        (
            "hours lost",
            rf"\b(took|wasted|spent|lost) (me )?(over |more than )?{_NUM} {_UNIT}\b",
            True,
        ),
        (
            "bad service",
            r"\b(terrible|awful|horrible|worst|poor|bad|useless|rude) (customer )?(service|support|experience)\b",
            True,
        ),
    ],
)

DUTCH = _rules(
    "nl",
    [
        (
            "nog steeds",
            r"\bnog (steeds|altijd) (geen|niet|niets|niks|aan het wachten|wachten|kapot|storing)\b",
            True,
        ),
        (
            "wachten",
            rf"\b(wacht|wachten|gewacht) (al |nu al |inmiddels )?(meer dan |ruim |bijna )?{_NUM_NL} {_UNIT_NL}|\bal {_NUM_NL} {_UNIT_NL} (aan het )?wachten\b|\bnog steeds aan het wachten\b|\b(wacht|wachten) (nog steeds|nog altijd|al) op\b",
            True,
        ),
        ("in de wacht", r"\b(in de wacht|in de wachtrij)\b", True),
        (
            "al dagen",
            rf"\b(al|sinds|inmiddels) ({_NUM_NL} )?{_UNIT_NL} (storing|geen|niets|niks|zonder|kapot|plat)\b",
            True,
        ),
        (
            "storing",
            r"\b(storing|storingen|stroomstoring|internetstoring|(ligt|liggen) (er )?(\w+ )?(plat|eruit|uit)|is uit de lucht)\b",
            True,
        ),
        (
            "geen reactie",
            r"\bgeen (reactie|antwoord|reply|bericht|terugkoppeling)\b|\bniemand (reageert|belt terug|neemt op)\b",
            True,
        ),
        (
            "geen verbinding",
            r"\bgeen (internet|bereik|verbinding|stroom|tv|netwerk|signaal|wifi)\b",
            True,
        ),
        (
            "opzeggen",
            r"\b(zeg|zeggen|zegt) (mijn|m'n|ons|onze|het|de|dat|jullie|hierbij) (\w+ ){0,3}op\b|\b(opzeggen|opgezegd|opzegging)\b",
            False,
        ),
        (
            "niet ontvangen",
            r"\b(niet|nooit|nog niet|nog steeds niet) (\w+ )?(bezorgd|geleverd|ontvangen|aangekomen|binnen|teruggestort|terugbetaald)\b",
            True,
        ),
        (
            "werkt niet",
            r"\b(werkt|werken|doet) (het )?(nog steeds |alweer |weer |gewoon )?(niet|het niet)\b",
            False,
        ),
        (
            "kan niet inloggen",
            r"\b(kan|kun|kunnen|kon) (ik |we |je |u )?(\w+ )?(niet|nergens) (meer )?(inloggen|aanmelden|bellen|betalen|bestellen|verbinden|streamen|internetten|tv kijken)\b",
            True,
        ),
        (
            "dubbel betaald",
            r"\bdubbel (afgeschreven|betaald|gefactureerd)|\btwee keer (afgeschreven|betaald)\b",
            True,
        ),
        (
            "geld terug",
            r"\b(wil|willen|eis|eisen|nog steeds geen|geen) (mijn |ons )?geld terug\b|\bgeld (is )?weg\b",
            True,
        ),
        ("waar blijft", r"\bwaar (blijft|blijven|is) (mijn|m'n|ons|onze)\b", True),
        ("weer", r"\b(voor )?de (tweede|derde|vierde|vijfde|\d+e) keer\b|\b(alweer|wéér)\b", True),
        (
            "slechte service",
            r"\b(slechte|waardeloze|belabberde|klantonvriendelijke) (service|klantenservice|bereikbaarheid)\b",
            True,
        ),
        (
            "klacht",
            r"\b(klacht|klachten) (ingediend|indienen|over)\b|\bik (wil|ga) (een )?klacht\b",
            True,
        ),
    ],
)

RULES = {"en": ENGLISH, "nl": DUTCH}

_QUESTION_START = re.compile(
    r"^\s*(how|can|could|may|is|are|does|do|what|when|which|should|will|would|"
    r"hoe|kan|kun|kunnen|mag|moet|wat|wanneer|welke|is|zijn|heeft|hebben|weet)\b",
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
    "no response": "no never nobody noone",
    "never arrived": "never hasn't hasnt haven't havent didn't didnt still",
    "where is my": "where where's wheres",
    "charged twice": "charged billed double double-charged double-billed",
    "refund demand": "refund money",
    "not working": "doesn't doesnt does don't dont won't wont can't cant cannot isn't isnt "
    "stopped not keep keeps kept",
    "cannot reach you": "trying tried can't cant cannot couldn't couldnt unable",
    "thanks for nothing": "nothing right",
    "service down": "down offline broken outage no",
    "cancelling": "cancel- quit- closing terminate terminating leaving switching",
    "again": "time again",
    "hours lost": "took wasted spent lost",
    "bad service": "service support experience",
    "nog steeds": "nog",
    "wachten": "wacht wachten gewacht",
    "in de wacht": "wacht wachtrij",
    "al dagen": "al sinds inmiddels",
    "storing": "-storing -storingen plat lucht uit eruit",
    "geen reactie": "geen niemand",
    "geen verbinding": "geen",
    "opzeggen": "zeg zeggen zegt opzeggen opgezegd opzegging",
    "niet ontvangen": "niet nooit",
    "werkt niet": "werkt werken doet",
    "kan niet inloggen": "kan kun kunnen kon",
    "dubbel betaald": "dubbel keer",
    "geld terug": "geld",
    "waar blijft": "waar",
    "weer": "keer alweer wéér",
    "slechte service": "service klantenservice bereikbaarheid",
    "klacht": "klacht klachten",
}


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
_PREFIXES = tuple(p for name in _AFFIXED for p in _NEEDS[name].prefixes)
_SUFFIXES = tuple(p for name in _AFFIXED for p in _NEEDS[name].suffixes)
# the same affixes, found in one scan of the space-joined words
_AFFIX_RE = re.compile(
    "|".join(
        [f"(?:^| ){re.escape(p)}" for p in _PREFIXES]
        + [f"{re.escape(s)}(?: |$)" for s in _SUFFIXES]
    )
)


def _affixed(tokens: frozenset[str]) -> list[str]:
    """The tokens that start with a needed prefix or end with a needed suffix."""
    if not _AFFIX_RE.search(" ".join(tokens)):
        return []
    return [t for t in tokens if t.startswith(_PREFIXES) or t.endswith(_SUFFIXES)]


def _candidates(tokens: frozenset[str]) -> set[str]:
    """Names of the rules whose needed words occur among `tokens`."""
    names: set[str] = set()
    for token in tokens & _TRIGGER_WORDS:
        names.update(_BY_WORD[token])
    affixed = _affixed(tokens)
    if affixed:
        names.update(name for name in _AFFIXED if _NEEDS[name].met_by(frozenset(affixed)))
    return names


def may_complain(tokens: Sequence[str]) -> bool:
    """False when no complaint rule of any language can match these words (most posts)."""
    present = frozenset(tokens)
    return not present.isdisjoint(_TRIGGER_WORDS) or bool(_affixed(present))


def complaint_signals(
    sentences: Sequence[str], lang: str, tokens: Sequence[str] | None = None
) -> tuple[str, ...]:
    """Names of the complaint rules the sentences match (each at most once).

    `tokens` are the words of the whole text when the caller has them already.
    """
    rules = RULES.get(lang, ())
    if not rules:
        return ()
    present = frozenset(words("\n".join(sentences)) if tokens is None else tokens)
    candidates = _candidates(present)
    whole = "\n".join(sentences)  # rules never match across a line break
    found: list[str] = []
    for rule in rules:
        if rule.name not in candidates or not rule.pattern.search(whole):
            continue
        if rule.strong or any(
            not is_question(sentence) and rule.pattern.search(sentence) for sentence in sentences
        ):
            found.append(rule.name)
    return tuple(found)
