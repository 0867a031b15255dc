"""The shortcuts triage takes for speed find what the plain reading finds: the help request's
pieces (the first in the text wins), the words remembered per process (topics, key words,
the Dutch lexicon's words) and the one pass over the words for the word-list checks."""

from __future__ import annotations

import pytest

from chalicelib.triage import dutch, needs, themes, topics
from chalicelib.triage.sentiment import SIGNAL_WORDS
from chalicelib.triage.text import clean, word_set


@pytest.mark.parametrize(
    ("text", "lang", "words"),
    [
        # two pieces match: the one earlier in the text wins, whatever the pieces' order
        ("Can you help? Please check my account", "en", "can you help"),
        ("Please check my account, can you help", "en", "please check"),
        ("so, any update? dm me", "en", "any update"),
        ("HELP! my order is gone", "en", "help"),
        ("Wie kan mij helpen? Bel me terug", "nl", "wie kan mij helpen"),
        ("Bel me terug, wie kan mij helpen", "nl", "bel me"),
        ("Graag hulp, ik kom er niet uit", "nl", "graag hulp"),
        # a piece's strings present but not its words: no request
        ("Canned soup is all I want", "en", ""),
    ],
)
def test_a_request_for_help_is_the_first_one_in_the_text(text: str, lang: str, words: str) -> None:
    cleaned = clean(text)
    assert needs.asks_for_help(cleaned, lang) == words
    # the same with the post's words given, and with only those in the signal words
    assert needs.asks_for_help(cleaned, lang, word_set(cleaned)) == words
    assert needs.asks_for_help(cleaned, lang, word_set(cleaned) & SIGNAL_WORDS) == words


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("What is the best way to contact support", "question"),
        ("Thanks, great and quick help, thanks again", "praise"),
        ("Het pakket kwam aan", "other"),
    ],
)
def test_the_need_is_the_same_from_all_words_or_the_signal_words_only(text: str, need: str) -> None:
    cleaned = clean(text)
    label = "positive" if need == "praise" else "neutral"
    lang = "nl" if text.startswith("Het") else "en"
    whole = needs.need_of(cleaned, None, lang, label, tokens=word_set(cleaned))
    signals = needs.need_of(cleaned, None, lang, label, tokens=word_set(cleaned) & SIGNAL_WORDS)
    plain = needs.need_of(cleaned, None, lang, label)
    assert whole == signals == plain
    assert whole.kind == need


def test_praise_words_are_named_in_the_order_the_post_uses_them() -> None:
    cleaned = clean("Quick and friendly, thanks! Great, thanks again")
    assert needs.need_of(cleaned, None, "en", "positive").words == "quick, friendly, thanks"


def test_topics_are_the_same_the_first_time_a_word_is_seen_and_after() -> None:
    configured = (
        topics.Topic.parse("outage", ["storing", "*storing", "outage", "geen stroom"]),
        topics.Topic.parse("billing", ["factuur", "factu*"]),
    )
    matcher = topics._Matcher(configured)
    post = ("de", "stroomstoring", "en", "de", "facturen", "geen", "stroom")
    assert matcher.named(post) == ["outage", "billing"]
    assert matcher.named(post) == ["outage", "billing"]  # now from what it remembered
    assert matcher.named(("facturen",)) == ["billing"]
    assert matcher.named(("de", "en")) == []


def test_topics_past_the_memory_limit_are_still_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topics._Matcher, "_LIMIT", 0)
    matcher = topics._Matcher((topics.Topic.parse("billing", ["factu*"]),))
    assert matcher.named(("mijn", "factuur")) == ["billing"]
    assert matcher.named(("mijn", "factuur")) == ["billing"]


def test_key_words_are_the_longest_the_first_used_ahead_at_equal_length() -> None:
    # no configured topic: key words of its own; "wasmachine" and "koelkast" are content,
    # "drogers" and "toaster" are as long as each other: the first used goes first
    picked = themes.extract_themes("toaster drogers wasmachine", "en", topics=())
    assert picked == ("wasmachine", "toaster")
    assert themes.extract_themes("drogers toaster wasmachine", "en", topics=()) == (
        "wasmachine",
        "drogers",
    )


def test_key_words_past_the_memory_limit_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "the thermostat display keeps blinking"
    first = themes.extract_themes(text, "en", topics=())
    monkeypatch.setattr(themes._KeyWords, "LIMIT", 0)
    monkeypatch.setattr(themes, "_KEY_WORDS", {})
    assert themes.extract_themes(text, "en", topics=()) == first == ("thermostat", "display")


@pytest.mark.parametrize(
    "text",
    [
        "Niet goed, maar de bezorger was wel heel erg vriendelijk.",
        "te duur; naar gevoel best slecht. Valt tegen!",
        "niks mis mee, echt super",
    ],
)
def test_the_dutch_score_is_the_same_with_its_word_memory_full(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    remembered = dutch.score(text)
    monkeypatch.setattr(dutch, "_FOUND_LIMIT", 0)
    monkeypatch.setattr(dutch, "_found_cache", {})
    monkeypatch.setattr(dutch, "_visit", set(dutch._SPECIAL))
    assert dutch.score(text) == remembered
    assert remembered.hits > 0
