"""Text from the networks, made safe to show anywhere we write it.

A post's text, an author's handle and name, a URL: anyone can put control characters,
line breaks or Unicode bidi controls in them, to forge a line in an SMS or e-mail
("ACK: ok"), to reorder what a manager reads (U+202E), or to get a subject refused by
SNS. Every channel (SMS, e-mail, subjects, pages, the digest) shows them through
`line` (one line) or `block` (line breaks kept, nothing else); HTML escaping is the
templates' job on top of this.
"""

from __future__ import annotations

import unicodedata

# bidi embeddings, overrides and isolates; marks that change the order of what follows
BIDI = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # LRE RLE PDF LRO RLO
    "\u2066\u2067\u2068\u2069"  # LRI RLI FSI PDI
    "\u200e\u200f\u061c"  # LRM RLM ALM
)
# invisible characters that hide text or join what looks separate
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")


def _shown(char: str) -> bool:
    if char in BIDI or char in INVISIBLE:
        return False
    category = unicodedata.category(char)
    return category not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def line(text: str | None, limit: int | None = None) -> str:
    """One line: every control, bidi and invisible character gone, whitespace folded."""
    cleaned = "".join(ch if _shown(ch) else " " for ch in (text or ""))
    folded = " ".join(cleaned.split())
    return folded if limit is None else folded[:limit]


LINK_SCHEMES = ("https://", "http://")


def link(url: str | None, limit: int = 2048) -> str:
    """A post's URL as we write it anywhere (a button, an href, an e-mail, an SMS, the
    digest): `line`-cleaned, and only when it is http(s); anything else (``javascript:``,
    ``data:``, ``vbscript:``, a relative path) becomes "" and is shown as no link at all.
    `line` first, so ``java\tscript:`` or a leading space cannot sneak past the test.
    """
    cleaned = line(url)
    return cleaned if cleaned.lower().startswith(LINK_SCHEMES) and len(cleaned) <= limit else ""


def block(text: str | None) -> str:
    """Paragraphs kept (line breaks), each line as `line` makes it; no empty runs."""
    lines = [line(part) for part in (text or "").replace("\r\n", "\n").split("\n")]
    out: list[str] = []
    for part in lines:
        if part or (out and out[-1]):
            out.append(part)
    return "\n".join(out).strip("\n")
