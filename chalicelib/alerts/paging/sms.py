"""SMS as a phone receives it: the GSM-7 alphabet, segments, and text folded to fit one.

One segment is 160 GSM-7 septets (153 a part once split) or 70 UCS-2 units (67): a single
character outside GSM-7 — a curly quote, an emoji, Dutch ë — makes the whole message
UCS-2, and the characters of the extension table (``^ { } \\ [ ~ ] | €``) take two
septets. `fold` turns any text into GSM-7 (quotes and dashes to their plain forms,
accented letters outside the alphabet to their base letter, the rest dropped);
`compose` builds a message of at most one segment around a link that is never cut.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ... import untrusted

BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = frozenset("^{}\\[~]|€")
GSM7 = BASIC | EXTENSION
SEGMENT = 160  # GSM-7 septets in a single-segment message
PART = 153  # septets per part of a split message
UCS2_SEGMENT = 70
UCS2_PART = 67
ELLIPSIS = "..."

# What a phone would otherwise turn into UCS-2, written the way GSM-7 can.
_PLAIN = {
    **dict.fromkeys("‘’‚‛′`´", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
    **dict.fromkeys("‐‑‒–—―−", "-"),
    "…": "...",
    "•": "*",
    "·": "-",
    "×": "x",
    "÷": "/",
    "©": "(c)",
    "®": "(R)",
    "™": "TM",
}


@dataclass(frozen=True)
class Measured:
    encoding: str  # "GSM-7" | "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def is_gsm7(text: str) -> bool:
    return all(char in GSM7 for char in text)


def units(text: str) -> int:
    """Septets a GSM-7 text takes (extension characters count two)."""
    return sum(2 if char in EXTENSION else 1 for char in text)


def measure(text: str) -> Measured:
    """Encoding, length and segments of `text` as an SMS."""
    if is_gsm7(text):
        count = units(text)
        parts = 1 if count <= SEGMENT else -(-count // PART)
        return Measured("GSM-7", count, parts)
    count = len(text.encode("utf-16-le")) // 2
    parts = 1 if count <= UCS2_SEGMENT else -(-count // UCS2_PART)
    return Measured("UCS-2", count, parts)


def fold(text: str | None) -> str:
    """One line of GSM-7: network text made safe (`untrusted.line`), then folded."""
    out: list[str] = []
    for char in untrusted.line(text):
        if char in GSM7 and char not in "\n\r":
            out.append(char)
        elif char in _PLAIN:
            out.append(_PLAIN[char])
        else:
            base = "".join(
                c
                for c in unicodedata.normalize("NFKD", char)
                if c in GSM7 and c not in "\n\r" and not unicodedata.combining(c)
            )
            out.append(base)  # emoji and scripts GSM-7 cannot write: dropped
    return " ".join("".join(out).split())


def cut(text: str, room: int) -> str:
    """`text` (GSM-7) in at most `room` septets, cut at a word with "..." when it must be."""
    if units(text) <= room:
        return text
    if room < len(ELLIPSIS):
        return ""
    kept: list[str] = []
    used = 0
    for char in text:
        cost = 2 if char in EXTENSION else 1
        if used + cost > room - len(ELLIPSIS):
            break
        kept.append(char)
        used += cost
    head = "".join(kept)
    if " " in head.strip():
        head = head.rsplit(" ", 1)[0]
    return head.rstrip() + ELLIPSIS


def compose(head: str, link: str, *, quote: str = "", tail: str = "") -> str:
    """One GSM-7 segment: `head`, then `"quote"` as far as it fits, `tail`, and `link`.

    The link is never cut: the head and quote give way. `link` must be GSM-7 and
    shorter than a segment (the settings check the base URL once).
    """
    link = fold(link)
    if units(link) > SEGMENT - 10:
        raise ValueError("the link alone does not leave room for a message")
    head, quote, tail = fold(head), fold(quote), fold(tail)
    room = SEGMENT - units(link) - 1
    tail_part = f" {tail}" if tail else ""
    head = cut(head, max(room - units(tail_part), 0))
    room -= units(head) + units(tail_part)
    quoted = ""
    if quote and room >= 8:  # ': "' + a word + '..."'
        quoted = f': "{cut(quote, room - 4)}"'
        if quoted == ': ""':
            quoted = ""
    text = f"{head}{quoted}{tail_part}".strip()
    return f"{text} {link}" if text else link
