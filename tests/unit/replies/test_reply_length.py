"""A reply's length, counted as the networks count it. The X figures follow twitter-text's
published v3 rules (weights written out by hand here, never by the counter)."""

from __future__ import annotations

import pytest

from chalicelib.sources.reply import CHANNELS
from chalicelib.sources.reply.length import mastodon_length, x_length

RULES = {name: channel.rule for name, channel in CHANNELS.items()}


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("hello", 5),
        ("a" * 280, 280),
        ("België", 6),  # ë is in U+0000–U+10FF: weight 1
        ("e\u0301", 1),  # e + combining acute: NFC makes it one é
        ("日本語", 6),  # CJK: weight 2 each
        ("“quoted” – yes", 14),  # curly quotes and en dash: U+2010–U+201F, weight 1
        ("👍", 2),
        ("👍🏽", 2),  # with a skin tone: one emoji
        ("👨\u200d👩\u200d👧", 2),  # a ZWJ family: one emoji
        ("❤️", 2),  # heart + variation selector 16
        ("see https://www.voltera.nl/storingen/amsterdam-noord-2026-12-07?ref=x", 4 + 23),
        ("see voltera.nl/status.", 4 + 23 + 1),  # a bare domain; the full stop is no URL
        ("mail ann@voltera.nl", 19),  # an e-mail address is not a URL
    ],
)
def test_x_weighs_as_twitter_text_v3(text, weight):
    assert x_length(text) == weight


def test_x_limit_is_280_weighted():
    rule = RULES["x"]
    assert rule.check("a" * 280) == (280, True)
    assert rule.check("a" * 281) == (281, False)
    assert rule.check("日" * 141) == (282, False)
    # 257 characters and a 60-character link: 257 + 23 = 280, fits
    assert rule.check("a" * 256 + " https://example.com/" + "p" * 40) == (280, True)


def test_mastodon_counts_links_as_23_and_remote_mentions_by_the_username():
    assert mastodon_length("@ann@mastodon.social hi") == len("@ann hi")
    assert mastodon_length("zie https://example.com/" + "x" * 100) == 4 + 23
    assert mastodon_length("zie voltera.nl") == len("zie voltera.nl")  # no scheme: characters
    assert RULES["mastodon"].limit == 500


def test_the_other_networks_count_characters():
    assert RULES["facebook"].check("x" * 8000) == (8000, True)
    assert RULES["instagram"].check("x" * 2201) == (2201, False)
    assert RULES["reddit"].limit == 10000


def test_a_saved_reply_fills_its_placeholders_by_plain_replacement():
    from chalicelib.alerts.desk.saved_replies import SavedReply, case_ref, fill

    reply = SavedReply("t", "en", "Title", "Hi {name} ({case}) {status_page} {other}")
    assert fill(reply, name="", alert_id="alert:x:9", status_page="") == (
        f"Hi there ({case_ref('alert:x:9')}) our status page {{other}}"
    )
    assert case_ref("alert:x:9").startswith("C-") and len(case_ref("alert:x:9")) == 8
    dutch = SavedReply("t", "nl", "T", "Hoi {name}, zie {status_page}")
    assert fill(dutch, name="", alert_id="a", status_page="") == "Hoi daar, zie onze statuspagina"
