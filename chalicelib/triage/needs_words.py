"""The words and phrases `needs.py` reads a customer's need by, in English and Dutch: asking
for help, question words, greetings, praise, openers. Data only."""

from __future__ import annotations

import re

# A request for help, as pieces: (strings the lower-cased text must hold one of, the
# pattern). The first match in the text wins (at the same place, the earlier piece); a text
# without a piece's strings skips its pattern, so most texts run one or two of them.
HELP = {
    "en": (
        (
            "pleas pls plz",
            r"\b(please|pls|plz|pleas) (\w+ )?(help|assist|advise|check|look into|look at|sort|"
            r"fix|contact|call|dm|respond|reply|get back)\b",
        ),
        ("help", r"\bhelp (me|us)\b|\bhelp!|^\W*help\b"),
        (
            "can could would will",
            r"\b(can|could|would|will) (you|u|someone|anyone|somebody) (please |pls )?"
            r"(help|assist|check|look|sort|fix|tell me|advise|get back|call|dm|contact)\b",
        ),
        (
            "need want require",
            r"\b(need|want|require) (your |some |urgent )?(help|assistance|support)\b",
        ),
        ("any", r"\bany (help|idea|ideas|advice|update)\b"),
        ("me", r"\b(dm|message|contact|call) me\b"),
    ),
    "nl": (
        (
            "graag alsjeblieft alstublieft aub a.u.b. svp",
            r"\b(graag|alsjeblieft|alstublieft|aub|a\.u\.b\.|svp) (\w+ )?(hulp|helpen|contact|"
            r"reactie|bellen|terugbellen|uitzoeken|oplossen|kijken)\b|\bgraag hulp\b",
        ),
        (
            "kun kan wil",
            r"\b(kunnen|kun|kan|wil|willen) (jullie|je|u|iemand) (mij |me |ons |even |hier )*"
            r"(\w+ )?(helpen|kijken|nakijken|uitzoeken|oplossen|bellen|terugbellen|contact "
            r"opnemen|regelen)\b",
        ),
        ("help", r"\bhelp (me|mij|ons)\b|\bhelp!|^\W*help\b"),
        ("nodig", r"\b(hulp|assistentie) nodig\b"),
        ("helpen", r"\bwie kan (mij |me |ons )?helpen\b"),
        ("me mij ons", r"\b(bel|mail|dm|app) (me|mij|ons)\b"),
    ),
}
QUESTION_WORD = {
    "en": r"^\W*(how|what|when|where|why|who|which|whats|what's|wheres|where's|hows|how's)\b"
    r"|^\W*(can|could|may|is|are|does|do|did|should|will|would|has|have)\b",
    "nl": r"^\W*(hoe|wat|wanneer|waar|waarom|wie|welke|welk|hoelang)\b"
    r"|^\W*(kan|kun|kunnen|mag|moet|moeten|is|zijn|heeft|hebben|weet|wordt|komt|gaat)\b",
}
# asked without a question mark: a person asking how to do something or how to reach us
# ("What is the best way to contact support", "hoe kan ik opzeggen"), not an exclamation
# ("What a day", "Wat een boek")
ASKS_UNMARKED = {
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
GREETINGS = frozenset(
    [
        "hi",
        "hello",
        "hey",
        "dear",
        "hoi",
        "hallo",
        "beste",
        "goedemorgen",
        "goedemiddag",
        "goedenavond",
    ]
)
GREETING = re.compile(
    r"^\W*(hi|hello|hey|dear \w+|hoi|hallo|beste \w+|goedemorgen|goedemiddag|goedenavond)"
    r"\b\W*",
    re.IGNORECASE,
)
# the customer speaks of their own case
OWN = {
    "en": frozenset(["i", "my", "me", "mine", "i'm", "im", "i've", "ive", "we", "our", "us"]),
    "nl": frozenset(["ik", "mijn", "m'n", "mn", "me", "mij", "we", "wij", "ons", "onze"]),
}
# words that praise, looked up per word (a positive post's deciding words)
PRAISE_WORDS = frozenset(
    [
        "thanks",
        "thank",
        "thx",
        "ty",
        "love",
        "loving",
        "loved",
        "great",
        "awesome",
        "amazing",
        "brilliant",
        "excellent",
        "fantastic",
        "perfect",
        "helpful",
        "quick",
        "fast",
        "friendly",
        "kudos",
        "cheers",
        "happy",
        "pleased",
        "best",
        "appreciate",
        "appreciated",
        "recommend",
        "recommended",
        "superb",
        "wonderful",
        "lovely",
        "bedankt",
        "dank",
        "dankjewel",
        "dankuwel",
        "top",
        "toppie",
        "super",
        "geweldig",
        "geweldige",
        "fantastisch",
        "fantastische",
        "prima",
        "fijn",
        "fijne",
        "blij",
        "tevreden",
        "snel",
        "vriendelijk",
        "vriendelijke",
        "aanrader",
        "chapeau",
        "complimenten",
        "compliment",
        "klasse",
        "heerlijk",
        "perfecte",
    ]
)
# a request for help needs one of these words, or a pair of them (see `_may_ask_help`);
# most posts have neither and skip the regex
HELP_ALONE = frozenset(
    [
        "please",
        "pls",
        "plz",
        "pleas",
        "help",
        "graag",
        "alsjeblieft",
        "alstublieft",
        "aub",
        "a.u.b",
        "svp",
        "hulp",
        "assistentie",
        "helpen",
    ]
)
# pairs: a modal and whom it asks ("can you", "kunnen jullie"), "any" and what
# ("any idea"), a channel and whom ("dm me", "bel mij")
HELP_PAIRS = tuple(
    (frozenset(first.split()), frozenset(second.split()))
    for first, second in (
        ("can could would will", "you u someone anyone somebody"),
        ("need want require", "assistance support"),
        ("any", "idea ideas advice update"),
        ("dm message contact call bel mail app", "me us mij ons"),
        ("kunnen kun kan wil willen", "jullie iemand"),
        ("wie", "helpen"),
    )
)
# a sentence asked without "?" starts with one of these (after a greeting, if any)
OPENERS = frozenset(
    [
        "what",
        "what's",
        "whats",
        "how",
        "where",
        "who",
        "is",
        "can",
        "could",
        "when",
        "hi",
        "hello",
        "hey",
        "dear",
        "wat",
        "hoe",
        "waar",
        "kan",
        "kunnen",
        "wanneer",
        "hoi",
        "hallo",
        "beste",
        "goedemorgen",
        "goedemiddag",
        "goedenavond",
    ]
)

# a comparison with the market ("vergeleken met de rest van de markt", "pricier than the
# competition", "t.o.v. andere aanbieders"): a benchmark, not a verdict on a product
# ("minder dan de andere boeken" stays a negative review); the pattern per language, and
# the words it cannot match without
COMPARES = {
    "en": r"\b(compared (to|with)|in comparison (to|with)|relative to|than|as|versus|vs\.?) "
    r"(the |other |most )?(rest of the market|market( average)?|average|competition|competitors|"
    r"(providers|suppliers|companies))\b",
    "nl": r"\b(vergeleken (met|bij)|in vergelijking (met|tot)|ten opzichte van|t\.o\.v\.?|dan|als|"
    r"versus|vs\.?) (de |het |andere )?(rest van de markt|markt(gemiddelde)?|gemiddelde|"
    r"concurrentie|concurrenten|aanbieders|leveranciers|energiebedrijven|providers)\b",
}
COMPARES_NEEDS = frozenset(
    [
        "market",
        "average",
        "competition",
        "competitors",
        "providers",
        "suppliers",
        "companies",
        "markt",
        "marktgemiddelde",
        "gemiddelde",
        "concurrentie",
        "concurrenten",
        "aanbieders",
        "leveranciers",
        "energiebedrijven",
    ]
)
