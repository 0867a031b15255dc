"""Whatever text arrives, judge() answers within its ranges and never raises."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.model import SENTIMENT_LABELS
from chalicelib.triage import classify

_PIECES = st.sampled_from(
    [
        "niet", "geen", "storing", "still", "waiting", "refund", "?", "!", ".", "#fail",
        "@voltera", "https://t.co/x", "😡", "😍", ":(", "&amp;", "’", "\n", "maar", "te",
        "heel", "superslecht", "don't", "wéér", "3", "", " ",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.text(max_size=300), st.lists(_PIECES, max_size=40).map(" ".join)),
    st.sampled_from([None, "en", "nl", "de", "und", "nl-BE", ""]),
)
def test_judge_stays_in_range_for_any_text(text: str, lang: str | None) -> None:
    judged = classify(text, lang)
    assert judged.sentiment is not None
    assert -1.0 <= judged.sentiment.score <= 1.0
    assert judged.sentiment.label in SENTIMENT_LABELS
    assert 0.0 <= judged.priority <= 100.0
    assert all(isinstance(reason, str) and reason for reason in judged.reasons)
    assert len(judged.themes) <= 5


def test_a_very_long_post_is_judged() -> None:
    judged = classify("al drie dagen storing, nog steeds geen reactie. " * 2000, "nl")
    assert judged.is_negative
