"""Stock praise after a complaint is sarcasm: "Still no refund. Top." The praise must not
overrule the complaint (`sentiment.py` asks `sarcastic_praise` only of a post that also
complains), in English and Dutch."""

from __future__ import annotations

from collections.abc import Sequence

from .text import words

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
