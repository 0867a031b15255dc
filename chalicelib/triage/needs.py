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

from .text import words

NEEDS = ("complaint", "help", "question", "praise", "other")
# what each kind is called in a reason
TITLES = {
    "complaint": "complaint",
    "help": "request for help",
    "question": "question to the brand",
    "praise": "praise",
    "other": "other",
}

_HELP = {
    "en": (
        r"\b(please|pls|plz|pleas) (\w+ )?(help|assist|advise|check|look into|look at|sort|fix|"
        r"contact|call|dm|respond|reply|get back)\b"
        r"|\bhelp (me|us)\b|\bhelp!|^\W*help\b"
        r"|\b(can|could|would|will) (you|u|someone|anyone|somebody) (please |pls )?"
        r"(help|assist|check|look|sort|fix|tell me|advise|get back|call|dm|contact)\b"
        r"|\b(need|want|require) (your |some |urgent )?(help|assistance|support)\b"
        r"|\bany (help|idea|ideas|advice|update)\b|\b(dm|message|contact|call) me\b"
    ),
    "nl": (
        r"\b(graag|alsjeblieft|alstublieft|aub|a\.u\.b\.|svp) (\w+ )?(hulp|helpen|contact|"
        r"reactie|bellen|terugbellen|uitzoeken|oplossen|kijken)\b|\bgraag hulp\b"
        r"|\b(kunnen|kun|kan|wil|willen) (jullie|je|u|iemand) (mij |me |ons |even |hier )*"
        r"(\w+ )?(helpen|kijken|nakijken|uitzoeken|oplossen|bellen|terugbellen|contact "
        r"opnemen|regelen)\b|\bhelp (me|mij|ons)\b|\bhelp!|^\W*help\b"
        r"|\b(hulp|assistentie) nodig\b|\bwie kan (mij |me |ons )?helpen\b"
        r"|\b(bel|mail|dm|app) (me|mij|ons)\b"
    ),
}
_QUESTION_WORD = {
    "en": r"^\W*(how|what|when|where|why|who|which|whats|what's|wheres|where's|hows|how's)\b"
    r"|^\W*(can|could|may|is|are|does|do|did|should|will|would|has|have)\b",
    "nl": r"^\W*(hoe|wat|wanneer|waar|waarom|wie|welke|welk|hoelang)\b"
    r"|^\W*(kan|kun|kunnen|mag|moet|moeten|is|zijn|heeft|hebben|weet|wordt|komt|gaat)\b",
}
# asked without a question mark: a person asking how to do something or how to reach us
# ("What is the best way to contact support", "hoe kan ik opzeggen"), not an exclamation
# ("What a day", "Wat een boek")
_ASKS_UNMARKED = {
    "en": r"^\W*(hi|hello|hey|dear \w+)?\W*(what('s| is) the (best |quickest |easiest )?way to|"
    r"how (do|can|should|would) (i|we|you)|where (do|can|should) (i|we)|who (do|can|should) "
    r"(i|we)|is (there|it possible)|can (i|we|you|u)|could (i|we|you|u)|when (will|do|does|is|"
    r"are|can) (my|our|the|you|it))\b",
    "nl": r"^\W*(hoi|hallo|hey|beste \w+|goedemorgen|goedemiddag|goedenavond)?\W*(wat is de "
    r"(beste |snelste |makkelijkste )?manier|hoe (kan|moet|kun) (ik|je|we|u)|waar (kan|moet) "
    r"(ik|je|we|u)|is (er|het mogelijk)|kan (ik|je|u|jullie)|kunnen (jullie|we)|wanneer "
    r"(komt|wordt|krijg|is|gaat|kan))\b",
}
ASKS_AT_MOST = 50  # words: a longer post with a question in it is a review, not a request
_GREETING = re.compile(
    r"^\W*(hi|hello|hey|dear \w+|hoi|hallo|beste \w+|goedemorgen|goedemiddag|goedenavond)"
    r"\b\W*",
    re.IGNORECASE,
)
# the customer speaks of their own case
_OWN = {
    "en": frozenset(["i", "my", "me", "mine", "i'm", "im", "i've", "ive", "we", "our", "us"]),
    "nl": frozenset(["ik", "mijn", "m'n", "mn", "me", "mij", "we", "wij", "ons", "onze"]),
}
_PRAISE = {
    "en": r"\b(thanks?|thank you|thx|ty|love|loving|loved|great|awesome|amazing|brilliant|"
    r"excellent|fantastic|perfect|well done|good job|best|helpful|quick|fast|friendly|kudos|"
    r"cheers|appreciate\w*|recommend\w*|happy|pleased)\b",
    "nl": r"\b(bedankt|dank|dankjewel|dankuwel|top|toppie|super|geweldig\w*|fantastisch\w*|"
    r"prima|fijn\w*|blij|tevreden|snel|vriendelijk\w*|goed geholpen|aanrader|chapeau|"
    r"complimenten|compliment|klasse|heerlijk|perfect\w*)\b",
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
    table = {
        "help": _HELP,
        "question": _QUESTION_WORD,
        "unmarked": _ASKS_UNMARKED,
        "praise": _PRAISE,
    }[kind]
    return re.compile(table.get(lang, table["en"]), re.IGNORECASE)


def asks_for_help(cleaned: str, lang: str) -> str:
    """The words asking for help ("please help"), or "" when the text asks none."""
    found = _pattern("help", lang).search(cleaned)
    return " ".join(found.group(0).lower().split()).strip(" !") if found else ""


def question_in(sentences: tuple[str, ...], lang: str) -> str:
    """The first sentence asked as a question: one ending in "?" with more than a word
    ("How do I cancel?", "Pakket al binnen?"; not a bare "Really?"), or one that asks
    without its mark ("What is the best way to contact support", "hoe kan ik opzeggen")."""
    marked, unmarked = _pattern("question", lang), _pattern("unmarked", lang)
    for sentence in sentences:
        stripped = _GREETING.sub("", sentence.strip())
        if stripped.endswith("?"):
            if marked.match(stripped) or len(words(stripped)) >= 3:
                return stripped
        elif unmarked.match(stripped):
            return stripped
    return ""


def about_own_case(text: str, lang: str) -> bool:
    return not _OWN.get(lang, _OWN["en"]).isdisjoint(words(text.lower()))


def need_of(
    cleaned: str,
    sentences: tuple[str, ...],
    lang: str,
    label: str,
    complaints: tuple[tuple[str, str], ...] = (),
    help_words: str | None = None,
) -> Need:
    """What the post asks of us (see the module's docstring); `complaints` are the complaint
    rules' (name, matched words), `label` the sentiment label of the post, `help_words`
    what `asks_for_help` found when the caller has it already."""
    if help_words is None:
        help_words = asks_for_help(cleaned, lang)
    question = question_in(sentences, lang)
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
        praised = _pattern("praise", lang).finditer(cleaned)
        return Need(
            "praise", ", ".join(list(dict.fromkeys(m.group(0).lower() for m in praised))[:3])
        )
    return Need("other")


def _distinct(spans: Iterable[str]) -> list[str]:
    """The matched words, each once, leaving out any inside another, shortened."""
    found = list(dict.fromkeys(spans))
    kept = [s for s in found if not any(s != other and s in other for other in found)]
    return [_short(s, 40) for s in kept]


def _short(sentence: str, limit: int = 60) -> str:
    text = " ".join(sentence.split()).rstrip("?!. ").lower()
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
