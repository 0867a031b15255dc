"""SMS as the phone receives it: GSM-7 folding, segments, one segment for any post.

The property tests throw any text, handle, name, source and post URL at the renderer:
the SMS is always one GSM-7 segment ending in the case link, and no channel (SMS,
e-mail, subject) carries a control, bidi or invisible character from the input.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib import untrusted
from chalicelib.alerts.paging import message, sms
from chalicelib.i18n import Lang
from chalicelib.model import Author, Mention, Sentiment

EN = Lang("en")  # these tests read the English messages; Dutch: tests/unit/i18n


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("“Storing” – al 3 dagen…", '"Storing" - al 3 dagen...'),
        ("België, Curaçao, naïef, coördinator", "Belgie, Curacao, naief, coördinator"),
        ("café à la crème, Ñandú, Øre, Ærø", "café à la crème, Ñandu, Øre, Ærø"),
        ("kinderen moeten huiswerk inleveren 😩🙄", "kinderen moeten huiswerk inleveren"),
        ("ﬁne ＦＵＬＬ width", "fine FULL width"),
        ("zero\u200bwidth \u202eesrever\u202c and\nnew\tline", "zero width esrever and new line"),
        ("東京 ok", "ok"),
    ],
)
def test_fold_writes_any_text_in_gsm7(text, folded):
    assert sms.fold(text) == folded
    assert sms.is_gsm7(sms.fold(text))


def test_segments_are_counted_as_a_phone_counts_them():
    assert sms.measure("a" * 160) == sms.Measured("GSM-7", 160, 1)
    assert sms.measure("a" * 161) == sms.Measured("GSM-7", 161, 2)
    assert sms.measure("€" * 80).units == 160 and sms.measure("€" * 81).segments == 2
    assert sms.measure("a" * 306).segments == 2 and sms.measure("a" * 307).segments == 3
    # one character outside GSM-7 makes it UCS-2: 70 units, emoji count two
    assert sms.measure("ë" + "a" * 69) == sms.Measured("UCS-2", 70, 1)
    assert sms.measure("😩" + "a" * 69) == sms.Measured("UCS-2", 71, 2)


def test_compose_never_cuts_the_link_and_gives_way_with_the_quote_then_the_head():
    link = "https://webcare.example.com/c/AbCdEfGhIjKlMnOp"
    text = sms.compose("HIGH P83 x @someone 1.2k", link, quote="word " * 100)
    assert text.endswith(" " + link) and sms.units(text) <= 160
    assert '"word word' in text and '..."' in text
    huge = sms.compose("H" * 500, link)
    assert huge.endswith(link) and sms.units(huge) <= 160
    assert sms.compose("{[€]}" * 40, link).endswith(link)


def test_a_link_that_leaves_no_room_is_a_mistake_not_a_two_part_sms():
    with pytest.raises(ValueError):
        sms.compose("head", "https://x/" + "a" * 160)


# ---------------------------------------------------------------- properties

CONTROL = "\n\r\t\x00\x1b\x07\u2028\u2029\u202e\u202d\u2066\u2067\u2069\u200b\u200f\ufeff"
hostile = st.text(
    alphabet=st.one_of(st.characters(), st.sampled_from(CONTROL + "“”–…€{}[]|^~\\😩ë")),
    max_size=600,
)
urls = st.one_of(st.just(""), st.builds(lambda tail: f"https://x.com/{tail}", hostile), hostile)
BASES = ("http://localhost:8000", "https://abc1234567.execute-api.eu-west-1.amazonaws.com/api")


def _unsafe(text: str, *, newlines: bool = False) -> list[str]:
    """Characters no channel may show: controls (but our own line breaks), bidi, invisible."""
    return [
        c
        for c in text
        if (c in untrusted.BIDI or c in untrusted.INVISIBLE)
        or (unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") and not (newlines and c == "\n"))
    ]


def _mention(text: str, handle: str, name: str, url: str, source: str) -> Mention:
    return Mention(
        source=source,
        native_id="1",
        url=url,
        author=Author("42", handle, name, 15_300),
        text=text,
        created_at="2026-11-23T09:28:00Z",
        received_at="2026-11-23T09:28:05Z",
        sentiment=Sentiment(-0.8, "negative", "vader-en"),
        priority=88,
        reasons=(text[:50],),
    )


@given(
    text=hostile,
    handle=hostile,
    name=hostile,
    url=urls,
    source=st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-", min_size=1, max_size=30),
    base=st.sampled_from(BASES),
    band=st.sampled_from(["high", "normal", "low", ""]),
    note=st.sampled_from(["", "ESCALATED (step 2): not acknowledged by ann within 5 min."]),
)
def test_any_post_gives_one_gsm7_segment_with_the_link_and_no_smuggled_characters(
    text, handle, name, url, source, base, band, note
):
    links = message.Links(case=f"{base}/c/AbCdEfGhIjKlMn_-", board=f"{base}/board/ann.t.x")
    card = message.card_for(_mention(text, handle, name, url, source))
    rendered = message.render(
        card, links, timezone="Europe/Amsterdam", lang=EN, band=band, note=note
    )
    measured = sms.measure(rendered.sms)
    assert measured.encoding == "GSM-7" and measured.segments == 1
    assert rendered.sms.endswith(" " + links.case) or rendered.sms == links.case
    assert _unsafe(rendered.sms) == [] and _unsafe(rendered.subject) == []
    assert _unsafe(rendered.email, newlines=True) == []
    assert 0 < len(rendered.subject) <= message.SUBJECT_LIMIT
    # the post's lines are quoted: none can pass for a line of ours
    ours = ("Negative post on", "Why you were paged", "Open the", "Your shift board")
    ours += (message.who(card),)  # the author line: "@handle (…" or the name
    quoted = [line for line in rendered.email.splitlines() if line.startswith("> ")]
    assert len(quoted) >= 1
    for line in rendered.email.splitlines():
        assert line == "" or line.startswith(("> ", *ours, "ESCALATED"))
    assert f"Open the case (acknowledge, resolve, hand over): {links.case}" in (
        rendered.email.splitlines()
    )


def test_an_author_without_a_handle_is_named_not_asked_about():
    """Meta sends no handle: the name stands where the handle would (was "@?")."""
    links = message.Links(case="https://webcare.example.com/c/AbCdEfGhIjKlMnOp")
    mention = _mention("Al drie dagen wachten op een monteur.", "", "Koen Maes", "", "facebook")
    card = message.card_for(mention)
    rendered = message.render(card, links, timezone="Europe/Amsterdam", lang=EN, band="high")
    assert rendered.sms.startswith("HIGH P88 Facebook Koen Maes 15.3k: ")
    assert "@" not in rendered.sms + rendered.subject
    assert "Koen Maes (15.3k followers), posted" in rendered.email
    assert message.who({"handle": "", "name": ""}) == "someone"
    assert message.who({"handle": "koen", "name": "Koen Maes"}) == "@koen"


@given(
    texts=st.lists(hostile, min_size=1, max_size=6),
    handle=hostile,
    base=st.sampled_from(BASES),
)
def test_any_storm_gives_one_gsm7_segment_with_the_link(texts, handle, base):
    cards = [message.card_for(_mention(t, handle, handle, "", "x")) for t in texts]
    card = message.group_card("group", "more than 5 alerts", cards, len(cards))
    links = message.Links(case=f"{base}/c/AbCdEfGhIjKlMnOp")
    rendered = message.render(card, links, timezone="Europe/Amsterdam", lang=EN, band="normal")
    assert sms.measure(rendered.sms).segments == 1 and rendered.sms.endswith(links.case)
    assert _unsafe(rendered.sms) == [] and _unsafe(rendered.subject) == []
    assert _unsafe(rendered.email, newlines=True) == []


# Dutch and Flemish letters outside GSM-7 and what a phone should read instead, written
# out (é è ü ö ä à are in GSM-7 and stay as they are)
DUTCH_FOLDS = {"ë": "e", "ï": "i", "á": "a", "ó": "o", "ú": "u", "í": "i", "ê": "e", "ô": "o"}
DUTCH_KEPT = "éèüöäà"
dutch_words = st.lists(
    st.text(alphabet="abcdeijklmnoprstuvz" + "".join(DUTCH_FOLDS) + DUTCH_KEPT, min_size=1),
    min_size=1,
    max_size=40,
).map(" ".join)


@given(
    text=dutch_words,
    handle=st.sampled_from(["bramvl", "", "an_dewit"]),
    name=st.sampled_from(["Koen Maes", "Anaïs Coppée", "Zoë ter Hörst"]),
    band=st.sampled_from(["high", "normal", "low", ""]),
    step=st.integers(min_value=0, max_value=3),
    base=st.sampled_from(BASES),
)
def test_a_dutch_page_is_one_gsm7_segment_and_folds_dutch_letters_safely(
    text, handle, name, band, step, base
):
    # GIVEN a Dutch team and a Dutch post full of ë, ï and é-like letters
    nl = Lang("nl")
    links = message.Links(case=f"{base}/c/AbCdEfGhIjKlMn_-", board=f"{base}/board/ann.t.x")
    card = message.card_for(_mention(text, handle, name, "", "x"))
    note = f"ESCALATIE (stap {step}): niet opgepakt door ann binnen 5 min." if step else ""
    rendered = message.render(
        card, links, timezone="Europe/Amsterdam", lang=nl, band=band, note=note
    )
    # THEN the SMS is one GSM-7 segment, in Dutch, ending in the whole case link
    measured = sms.measure(rendered.sms)
    assert (measured.encoding, measured.segments) == ("GSM-7", 1)
    assert rendered.sms.endswith(" " + links.case)
    if band == "high":
        assert "HOOG P88" in rendered.sms
    # AND what it quotes is the post with each Dutch letter folded to its base letter
    expected = "".join(DUTCH_FOLDS.get(c, c) for c in " ".join(text.split()))
    if ': "' in rendered.sms:
        quote = rendered.sms.split(': "', 1)[1].rsplit('" ', 1)[0]
        kept = quote.removesuffix("...")
        assert expected.startswith(kept)
        if quote.endswith("...") and kept:  # cut at a word, never inside one
            assert expected[len(kept)] == " " or kept == expected
