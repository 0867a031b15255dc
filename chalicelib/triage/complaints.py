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
from collections.abc import Iterable, Sequence
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
            r"\bno ?(one|body) (has )?(ever )?(replied|answered|responded|got back|called|answers|replies|responds|gets back|picks up|calls back)|\bno (reply|response|answer|word|update) (yet|from|since|after|whatsoever|at all)\b|\bnever (got|received) (a|any) (reply|response|answer)|\b(no|zero) (reply|replies|response|answer|callback)(?= *([.!?…]|$))|\b(haven'?t|never|didn'?t) heard (anything |a thing )?back\b|\bnot (a|one) (single )?(reply|response|answer|word)\b",
            True,
        ),
        (
            "never arrived",
            r"\b(never|hasn'?t|haven'?t|didn'?t|still not) (arrived|came|shown up|showed up|been delivered|delivered|received|got (it|my|the))\b",
            True,
        ),
        ("where is my", r"\bwhere('?s| is| are) my\b", True),
        (
            "where is it",
            r"\bwhere (the hell |on earth )?(is|'s) (it|this|that|the (order|package|parcel|delivery|refund|engineer|technician|driver|money))\b(?! (located|held|hosted|situated|based))|\bwhere'?s it\b",
            True,
        ),
        ("waiting since", r"\b(wait|waiting|waited)( \w+){0,3} since\b", True),
        (
            "logged out",
            r"\b(keeps?|kept) (\w+ )?(logging|signing|kicking|throwing) (me|us) out\b|\b(logs|signs|kicks) (me|us) out (all the time|constantly|every)|\b(keep|kept) (getting|being) (logged|signed|kicked) out\b|\b(logged|signed) out (again|constantly|all the time|every)",
            True,
        ),
        ("talking to a wall", r"\b(talking|speaking|talk|writing) to a (brick )?wall\b", True),
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
            r"\bgeen (reactie|antwoord|reply|bericht|terugkoppeling)\b|\bniemand (reageert|belt terug|neemt op)\b|\b(niks|niets) (meer )?(van jullie )?gehoord\b|\b(hoor|hoorde|horen) (\w+ ){0,2}(niks|niets) (meer )?(terug|van)\b",
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
        (
            "waar blijft",
            r"\bwaar (blijft|blijven) (het|hij|ze|die|dat|de|mijn|m'n|mn|ons|onze|jullie)\b|\bwaar is (mijn|m'n|ons|onze)\b",
            True,
        ),
        (
            "wachten sinds",
            r"\b(wacht|wachten|gewacht|wachtend)( \w+){0,3} sinds\b|\bsinds (maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|gisteren|eergisteren|vorige week|vanochtend|vanmorgen) (\w+ ){0,3}(aan het wachten|wachten|wacht|niets|niks|geen)\b",
            True,
        ),
        (
            "uitgelogd",
            r"\b(steeds|telkens|constant|continu|weer|alweer|elke keer|de hele tijd|om de haverklap) (\w+ ){0,2}uitgelogd\b|\buitgelogd (\w+ ){0,2}(steeds|telkens|constant|continu|weer|alweer|elke keer|de hele tijd)\b|\b(logt|gooit) (me|mij|ons|je) (\w+ ){0,3}(uit|eruit)\b|\bblijft (me|mij|ons) (\w+ )?uitloggen\b",
            True,
        ),
        (
            "tegen een muur",
            r"\btegen een (blinde )?muur (aan )?(te )?(praten|praat|gepraat|lullen)\b|\b(praten|praat|praatte) (\w+ ){0,2}tegen een (blinde )?muur\b",
            True,
        ),
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
    r"^\s*(how|can|could|may|is|are|does|do|what|when|where|who|which|should|will|would|"
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
    "no response": "no never nobody noone zero heard reply replies response answer word",
    "never arrived": "never hasn't hasnt haven't havent didn't didnt still",
    "where is my": "where where's wheres",
    "where is it": "where where's wheres",
    "waiting since": "wait waiting waited",
    "logged out": "keep keeps kept logs signs kicks logged signed",
    "talking to a wall": "wall",
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
    "geen reactie": "geen niemand niks niets",
    "geen verbinding": "geen",
    "opzeggen": "zeg zeggen zegt opzeggen opgezegd opzegging",
    "niet ontvangen": "niet nooit",
    "werkt niet": "werkt werken doet",
    "kan niet inloggen": "kan kun kunnen kon",
    "dubbel betaald": "dubbel keer",
    "geld terug": "geld",
    "waar blijft": "waar",
    "wachten sinds": "wacht wachten gewacht wachtend sinds",
    "uitgelogd": "uitgelogd logt gooit blijft",
    "tegen een muur": "muur",
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


def sarcastic_praise(sentences: Sequence[str], lang: str) -> bool:
    """A sentence after the first that is only stock praise ("Top.", "Great job…"): when
    the post also complains, the praise is sarcasm and must not overrule the complaint."""
    phrases = _PRAISE_PHRASES.get(lang)
    if not phrases or len(sentences) < 2:
        return False
    for sentence in sentences[1:]:
        found = words(sentence)
        if 0 < len(found) <= 6:
            trimmed = tuple(token for token in found if token not in _FILLER)
            if trimmed in phrases:
                return True
    return False


def may_complain(tokens: Iterable[str]) -> bool:
    """False when no complaint rule of any language can match these words (most posts)."""
    present = frozenset(tokens)
    return not present.isdisjoint(_TRIGGER_WORDS) or bool(_affixed(present))


def complaint_signals(
    sentences: Sequence[str], lang: str, tokens: Iterable[str] | None = None
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
