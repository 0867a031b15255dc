"""Text from the networks shows as one clean line (or clean lines) in every channel."""

from __future__ import annotations

import pytest
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


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "\u202ejavascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "/relative",
        "ftp://files.example/x",
        "https://" + "a" * 2050,
        "",
    ],
)
def test_only_http_links_are_links(url):
    assert untrusted.link(url) == ""


def test_http_and_https_links_are_kept_cleaned():
    assert untrusted.link("https://x.com/a/status/1") == "https://x.com/a/status/1"
    assert untrusted.link("HTTP://forum.example/t/1\n") == "HTTP://forum.example/t/1"
