"""The words and set phrases the Dutch scorer (`dutch.py`) gives a role: negations,
intensifiers, excess and contrast words, the context of "naar", function words that are
no opinion words, set phrases and compound heads. Plain data, no logic.
"""

from __future__ import annotations

NEGATIONS = frozenset(
    [
        "niet", "geen", "nooit", "niets", "niks", "nergens", "allerminst", "zonder", "noch", "ni",
        "nie", "gene",
    ]
)  # fmt: skip
INTENSIFIERS = {
    "heel": 1.4, "erg": 1.5, "zeer": 1.5, "echt": 1.3, "enorm": 1.6, "ontzettend": 1.6,
    "ongelooflijk": 1.6, "vreselijk": 1.5, "verschrikkelijk": 1.5, "super": 1.6,
    "hartstikke": 1.5, "bijzonder": 1.4, "uiterst": 1.6, "zwaar": 1.4, "totaal": 1.5,
    "compleet": 1.5, "volledig": 1.4, "absoluut": 1.5, "wreed": 1.5, "kei": 1.5,
    "best": 1.1, "zo": 1.2, "zó": 1.3, "veel": 1.2, "nogal": 0.9, "vrij": 0.8,
    "redelijk": 0.7, "beetje": 0.6, "wat": 0.8, "tamelijk": 0.8, "weinig": -0.6,
    "minder": -0.5, "amper": -0.6, "nauwelijks": -0.6,
}  # fmt: skip
INTENSIFYING_PREFIXES = {
    "super": 1.5, "hyper": 1.5, "mega": 1.5, "reuze": 1.4, "oer": 1.4, "bloed": 1.5,
    "knetter": 1.6, "dood": 1.5, "steen": 1.4, "bere": 1.5, "kei": 1.5, "ultra": 1.5,
    "over": 1.0, "loei": 1.5, "snoei": 1.5, "top": 1.3,
}  # fmt: skip
# "te" + one of these is too much of something, which customers complain about
EXCESS_WORDS = frozenset(
    [
        "lang", "duur", "veel", "traag", "langzaam", "laat", "klein", "groot", "kort", "moeilijk",
        "zwaar", "simpel", "weinig", "warm", "koud", "vol", "druk", "hoog", "laag", "oud", "vaag",
        "ingewikkeld",
    ]
)  # fmt: skip
CONTRAST = frozenset({"maar", "echter", "doch", "alleen"})
# "naar" is the preposition ("naar huis", "waar kijk je naar") unless one of these comes
# first ("een naar gevoel", "wat naar"), or it says how one feels ("ik voel me naar")
DEGREE_WORDS = frozenset(
    [
        "een", "'n", "heel", "erg", "echt", "best", "nogal", "behoorlijk", "ontzettend",
        "vreselijk", "verschrikkelijk", "zeer", "te", "wat",
    ]
)  # fmt: skip
FEEL_WORDS = frozenset(["voel", "voelt", "voelde", "voelden", "voelen"])
NAAR = "naar"
NAAR_ADJECTIVE = (-0.65, 0.9)  # pattern's entry for the adjective
# function words spelled like an opinion word: "naar" (to; the adjective is found by
# context), "waar" (where, not "true"), "langs" (along, not "lang" + s)
FUNCTION_WORDS = frozenset([NAAR, "waar", "langs"])
# set phrases whose words say little alone (separable verbs, idioms): (a word the phrase
# cannot do without, so most sentences skip the regex; the regex; polarity)
PHRASES = [
    ("tegen", r"\b(valt|vallen|viel|vielen) (\w+ ){0,4}tegen\b", -0.7),
    ("net", r"\bnet niet\b", -0.6),
    ("verwacht", r"\b(had|hadden) (er )?(\w+ ){0,3}meer (van )?verwacht", -0.7),
    ("verwacht", r"\bniet wat (ik|we|wij) (had|hadden) verwacht", -0.7),
    ("moeite", r"\bmet (veel )?moeite\b", -0.5),
    ("van", r"\b(zonde|jammer) van (het|de|mijn|m'n|ons) (geld|tijd)\b", -0.8),
    ("weggegooid", r"\bweggegooid geld\b", -0.8),
    ("niet", r"\bniet (de moeite|aan te raden|aan te bevelen)\b", -0.8),
    ("meer", r"\b(niet|nooit) (meer )?(uitgelezen|afgemaakt)\b", -0.7),
    ("uitgelezen", r"\b(niet|nooit) (uitgelezen|afgemaakt)\b", -0.7),
    ("afgemaakt", r"\b(niet|nooit) (afgemaakt)\b", -0.7),
    ("waard", r"\b(de moeite|het lezen|het geld) (meer dan |zeker |echt |wel )?waard\b", 0.6),
    ("waard", r"\bniet (meer )?waard\b", -0.7),
    ("must", r"\b(een )?must\b", 0.6),
    ("nergens", r"\b(slaat|sloeg) (helemaal |echt )?nergens op\b", -0.8),
    ("mee", r"\bblij mee\b", 0.6),
    ("terug", r"\b(niet|nooit) (meer )?terug\b", -0.3),
    ("opnieuw", r"\b(niet|nooit) (meer )?opnieuw\b", -0.3),
]


NEGATIVE_HEADS = {
    "kut": -0.7, "klote": -0.7, "rot": -0.6, "kanker": -0.8, "tering": -0.7, "faal": -0.7,
}  # fmt: skip
POSITIVE_HEADS = {"top": 0.6, "wereld": 0.6}

# an adjective that is part of a product's name before these nouns, no opinion: "de slimme
# meter" is a smart meter (a topic), not praise for one
NAME_ADJECTIVES = {
    "slimme": frozenset(["meter", "meters", "thermostaat", "stekker", "stekkers", "lamp"]),
}
