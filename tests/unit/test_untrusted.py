"""Text from the networks shows as one clean line (or clean lines) in every channel."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chalicelib import untrusted


def test_a_forged_line_break_and_a_bidi_override_are_gone():
    text = "Great service\r\nACK: ok \u202eevil\u202c\x00 end"
    assert untrusted.line(text) == "Great service ACK: ok evil end"


def test_block_keeps_paragraphs_and_drops_empty_runs():
    assert untrusted.block("one\n\n\n two\u2028three \n") == "one\n\ntwo three"


def test_letters_emoji_and_accents_stay():
    assert untrusted.line("België 😩 café – “ok”") == "België 😩 café – “ok”"


@given(st.text())
def test_no_control_bidi_or_line_break_survives_in_a_line(text):
    shown = untrusted.line(text)
    assert "\n" not in shown and "\r" not in shown
    assert not any(ch in untrusted.BIDI or ch in untrusted.INVISIBLE for ch in shown)
    assert all(ch.isprintable() or ch == " " for ch in shown)
