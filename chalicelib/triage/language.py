"""Which language a post is in: the platform's own tag first, a small detector otherwise.

The detector counts frequent function words (a word shared by several languages
counts for each a share) and a few spelling habits ("ij", "sch" for Dutch; "th",
"-ing" for English). It knows English and Dutch (Flemish included) well, and a few
neighbours (German, French, Spanish, Italian, Portuguese) well enough to say "not
English or Dutch" instead of guessing. Pure Python, ~10 kB, no load time: see the
README for why this and not `langdetect`.
"""

from __future__ import annotations

import re
import struct
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from .text import clean, words

SUPPORTED = ("en", "nl")
UNDETERMINED = "und"

_WORDS: dict[str, str] = {
    "en": """the a an and or but of to in on at for with from by about as into than then
        i me my mine you your yours he him his she her hers it its we us our they them their
        this that these those there here what which who whom whose when where why how
        is are was were be been being am do does did done doing have has had having
        will would shall should can could may might must not no nor yes so very too just
        also only still again already ever never always some any all each every both few more
        most other such own same up down out over under off after before while because if
        get got getting go goes going gone went make made take took come came see saw know
        knew think thought want wanted need say said tell told give gave let like love hate
        thanks thank please today tonight tomorrow yesterday day days week weeks hour hours
        minutes time people one two three good bad new great really well now back waiting
        it's i'm don't can't won't didn't doesn't isn't wasn't i've you're that's there's
        what's i'll haven't hasn't couldn't wouldn't shouldn't aren't weren't
        damn damnit wtf omg lmao lmfao yay sucks suck hell fun happy stupid boring bored
        awesome amazing nice cool ugly fucking shit bitch bloody hate hates agreed ugh
        anyone everyone nothing something morning night tired sad angry again yet""",
    "nl": """de het een en of maar van in op aan voor met door over bij uit naar om tot
        ik mij me mijn mijne jij je jou jouw u uw hij hem zijn zij ze haar het wij we ons
        onze jullie hun hen dit dat deze die daar hier wat wie welk welke waar waarom hoe
        wanneer is zijn was waren ben bent wordt worden werd werden heb hebt heeft hebben
        had hadden kan kun kunt kunnen kon konden zal zult zullen zou zouden moet moeten
        mag mogen wil wilt willen niet geen nooit niets niks wel ook nog al steeds altijd
        toch even weer dan als omdat want dus zo heel erg echt veel meer meest minder
        er naar zonder tegen na sinds tijdens vandaag morgen gisteren dag dagen week weken
        uur minuten keer mensen een twee drie vier vijf goed slecht nieuw bedankt dank
        alstublieft graag helaas jammer gewoon eigenlijk natuurlijk nu pas zelfs
        iets iemand niemand alles allemaal elke elk ieder andere ander eerst laatste
        ge gij gulle zijt da ni nie kei amai allez efkes wreed plezant goesting
        azo ook tis 't zo'n da's m'n z'n d'r wa nen zenne hé
        ja nee hallo hoi doei oké kom doe kijk blijf geef ga gaat ging komt zegt weg
        nou eens mee toe alsjeblieft alstublieft jongens meneer mevrouw pap mam
        klote kut gaaf leuk vet lekker mooi balen verdomme godverdomme verdomde jeetje
        tering zeker misschien volgens bedoel snap weet denk vind vond storing
        eindelijk hoera gelukkig helaas jammer weer nieuwe nieuw goe goeie""",
    "de": """der die das den dem des ein eine einen einem einer und oder aber nicht kein
        keine ich mich mir mein du dich dir dein er ihn ihm sie ihr wir uns unser es ist
        sind war waren bin bist hat haben hatte wird werden wurde kann können muss müssen
        auf mit von zu für bei aus nach über unter auch noch schon immer sehr wie was wer
        wo warum wenn dass weil nur heute gestern morgen jetzt hier gut schlecht danke""",
    "fr": """le la les un une des du de et ou mais ne pas plus je me moi mon ma mes tu te
        toi ton ta tes il elle nous vous ils elles leur leurs ce cette ces est sont était
        suis es avons avez ont avoir être fait faire dans sur avec pour par sans chez que
        qui quoi où quand comment pourquoi très bien mal aussi encore toujours jamais
        rien tout tous aujourd'hui hier demain merci bonjour c'est j'ai n'est qu'il""",
    "es": """el la los las un una unos unas y o pero no ni de del al en con por para sin
        yo me mi mis tú te tu tus él ella nosotros vosotros ellos ellas su sus es son era
        fue estoy está están estaba he ha han hay tengo tiene tienen que qué quien cuando
        donde dónde cómo porque muy bien mal también todavía siempre nunca nada todo hoy
        ayer mañana gracias hola este esta esto eso""",
    "it": """il lo la i gli le un uno una e o ma non di del della dei da in con su per tra
        fra io mi mio mia tu ti tuo tua lui lei noi voi loro è sono era erano ho hai ha
        abbiamo hanno che chi quando dove come perché molto bene male anche ancora sempre
        mai niente tutto oggi ieri domani grazie ciao questo questa quello quella""",
    "pt": """o a os as um uma uns umas e ou mas não nem de do da dos das em no na com por
        para sem eu me meu minha tu te teu tua ele ela nós vós eles elas seu sua é são
        era foi estou está estão tenho tem têm que quem quando onde como porque muito bem
        mal também ainda sempre nunca nada tudo hoje ontem amanhã obrigado obrigada olá""",
}


def _index() -> dict[str, dict[str, float]]:
    owners: dict[str, set[str]] = defaultdict(set)
    for lang, text in _WORDS.items():
        for word in text.split():
            owners[word].add(lang)
    return {word: {lang: 1 / len(langs) for lang in langs} for word, langs in owners.items()}


_WORD_INDEX = _index()

# spelling habits: (pattern, language, weight per token)
_SPELLING = [
    (re.compile(r"ij|sch|oe[^s]|ui|aa|uu|cht|tje$|lijk|eid$"), "nl", 0.3),
    (re.compile(r"^th|th$|wh|ing$|ly$|ough|tion$|'s$|n't$"), "en", 0.3),
    (re.compile(r"ß|ä|ö|ü|tz|ung$|sch[^e]"), "de", 0.3),
    (re.compile(r"ç|è|ê|à|eau|aux$|oi"), "fr", 0.3),
    (re.compile(r"ñ|ción$|¿|¡|á|í|ó|ú"), "es", 0.3),
    (re.compile(r"zione$|gli|ò|ù|ì"), "it", 0.3),
    (re.compile(r"ã|õ|ção$|ções$|lh|nh"), "pt", 0.3),
]

_MIN_EVIDENCE = 0.9
MAX_TOKENS = 30  # enough to tell; keeps long texts cheap


@dataclass(frozen=True, slots=True)
class Detection:
    lang: str  # ISO 639-1 code, or "und" when the text gives too little to go on
    confidence: float  # share of the evidence that went to `lang`, 0..1


LANGUAGES = tuple(_WORDS)
# Evidence is counted in whole units of 1/420 (420 = lcm(1..7): a word shared by up to 7
# languages and the 0.3 of a spelling habit are whole units), each language in its own
# 32 bits of one integer, so a text's totals are one sum() of one int per token and one
# struct.unpack: no per-language Python loop, and exact (no float rounding in ties).
_UNITS = 420
_UNPACK = struct.Struct(f"<{len(LANGUAGES)}I").unpack  # 30 tokens x <= 1.3 x 420 < 2**32
_WIDTH = 4 * len(LANGUAGES)
_PACKED: dict[str, int] = {}  # token -> packed evidence, filled lazily
_PACKED_LIMIT = 50_000  # distinct tokens remembered; past it, evidence is recomputed
_MIN_UNITS = round(_MIN_EVIDENCE * _UNITS)


def _evidence(token: str) -> dict[str, float]:
    """What one token says about each language: function-word shares and spelling habits."""
    weights = dict(_WORD_INDEX.get(token, {}))
    for pattern, lang, weight in _SPELLING:
        if pattern.search(token):
            weights[lang] = weights.get(lang, 0.0) + weight
    return weights


def _packed(token: str) -> int:
    weights = _evidence(token)
    found = sum(
        round(weights.get(lang, 0.0) * _UNITS) << (32 * k) for k, lang in enumerate(LANGUAGES)
    )
    if len(_PACKED) < _PACKED_LIMIT:
        _PACKED[token] = found
    return found


@lru_cache(maxsize=256)  # detect() and then leaning() ask for the same text
def _totals(text: str) -> tuple[int, ...] | None:
    """The evidence per language (in LANGUAGES order, in units of 1/420); None when no
    word gave any."""
    tokens = words(clean(text))[:MAX_TOKENS]
    found = list(map(_PACKED.get, tokens))
    try:
        total: int = sum(found)  # type: ignore[arg-type]
    except TypeError:  # a token seen for the first time
        total = sum(_packed(t) if f is None else f for t, f in zip(tokens, found, strict=True))
    if not total:
        return None
    return _UNPACK(total.to_bytes(_WIDTH, "little"))


def detect(text: str) -> Detection:
    """Guess the language of a (short) post; long texts are judged on their first words."""
    totals = _totals(text)
    if totals is None:
        return Detection(UNDETERMINED, 0.0)
    return Detection(_placed(totals), round(max(totals) / sum(totals), 2))


def _placed(totals: tuple[int, ...]) -> str:
    top = max(totals)
    if top < _MIN_UNITS or totals.count(top) > 1:
        return UNDETERMINED
    return LANGUAGES[totals.index(top)]


CLEARLY_OTHER = 0.5  # share of the evidence that makes a text "clearly" another language


def leaning(text: str) -> str | None:
    """For a text `detect` could not place: the likelier of English and Dutch, "" when
    neither is likelier (no evidence, or a tie), None when it is clearly another language
    (most of what evidence there is points to one of the neighbours)."""
    totals = _totals(text)
    if totals is None:
        return ""
    total = sum(totals)
    top = max(totals)
    best = LANGUAGES[totals.index(top)]
    if best not in SUPPORTED and totals.count(top) == 1 and top / total >= CLEARLY_OTHER:
        return None
    en, nl = totals[LANGUAGES.index("en")], totals[LANGUAGES.index("nl")]
    if en == nl:
        return ""
    return "en" if en > nl else "nl"


def normalise_tag(tag: str | None) -> str | None:
    """A platform language tag as a bare ISO 639-1 code ("nl-BE" -> "nl"); None if unusable."""
    if not tag:
        return None
    code = tag.strip().lower().replace("_", "-").split("-")[0]
    # X uses "und" (undetermined), "qme" (media only), "zxx" (no text) and the like
    if len(code) != 2 or not code.isalpha():
        return None
    return code


def resolve_language(text: str, platform_tag: str | None = None) -> str:
    """The platform's tag when it gives a usable one, otherwise what `detect` says."""
    if platform_tag and (tag := normalise_tag(platform_tag)):
        return tag
    totals = _totals(text)  # detect(text).lang, without building the Detection
    return UNDETERMINED if totals is None else _placed(totals)
