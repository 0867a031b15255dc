"""The catalogues hold every word a person reads, in Dutch, and templates hide none.

Three ways a word can reach a reader untranslated, each with a test that names it:
a marked string missing from nl.po (or left empty or fuzzy), a .mo file older than its
.po, and text written in a template outside `{% trans %}` / `_()`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import ROOT

CATALOGUES = ROOT / "chalicelib" / "i18n" / "locales"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "n_": (1, 2)}
TEMPLATES = sorted(
    p for p in (ROOT / "chalicelib").rglob("templates/*") if p.suffix in (".html", ".txt")
)
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# Templates not translated yet (issue 28): each is rendered in English with
# <html lang="en">, so what it says is at least true. Empty when done.
NOT_YET: set[str] = set()


def marked() -> dict[str, str]:
    """Every string the code and templates mark for translation -> where it is."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        key = message[0] if isinstance(message, tuple) else message
        found.setdefault(key, f"{filename}:{lineno}")
    return found


def catalogue(code: str):  # type: ignore[no-untyped-def]
    with open(CATALOGUES / code / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=code)


@pytest.fixture(scope="module")
def dutch():  # type: ignore[no-untyped-def]
    return catalogue("nl")


def test_every_marked_string_has_a_dutch_translation(dutch) -> None:
    missing = []
    for key, where in marked().items():
        entry = dutch.get(key)
        strings = entry.string if entry is not None else ""
        translated = all(strings) if isinstance(strings, tuple) else bool(strings)
        if entry is None or not translated or entry.fuzzy:
            missing.append(f"{where}: {key!r}")
    assert missing == [], "run `make messages` and translate in nl/messages.po"


def test_dutch_translations_keep_every_placeholder(dutch) -> None:
    wrong = []
    for entry in dutch:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for text in strings:
            # a Dutch singular may say "één" instead of the count: num may be left out
            if set(PLACEHOLDER.findall(text)) - wanted or wanted - {"num"} - set(
                PLACEHOLDER.findall(text)
            ):
                wrong.append(f"{ids[0]!r} -> {text!r}")
    assert wrong == []


@pytest.mark.parametrize("code", ["nl", "en"])
def test_the_compiled_catalogue_is_its_po_file(code: str) -> None:
    # GIVEN the .po a translator edits WHEN it is compiled as `make messages` does
    compiled = BytesIO()
    write_mo(compiled, catalogue(code))
    # THEN it is what runs: the .mo beside it
    shipped = (CATALOGUES / code / "LC_MESSAGES" / "messages.mo").read_bytes()
    assert compiled.getvalue() == shipped, "run `make messages`"


class _Words(HTMLParser):
    """Words a reader would see that no catalogue holds: text between tags and the
    attributes people read (alt, title, placeholder, aria-label), outside <style>."""

    READ = ("alt", "title", "placeholder", "aria-label", "content")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._style = tag in ("style", "script")
        for name, value in attrs:
            if name in self.READ and not (tag == "meta" and name == "content"):
                self._check(value or "")

    def handle_endtag(self, tag: str) -> None:
        self._style = False

    def handle_data(self, data: str) -> None:
        if not self._style:
            self._check(data)

    def _check(self, text: str) -> None:
        # a word: two letters or more; "P" (priority), "%" and figures are not words
        words = re.findall(r"[^\W\d_]{2,}", text)
        if words:
            self.found.append(" ".join(words))


def untranslated(source: str, env) -> list[str]:  # type: ignore[no-untyped-def]
    """The words of `source` (a template) a reader sees whatever the language: its text
    with every `{{ … }}`, `{% … %}` and the inside of `{% trans %}` blocks taken out."""
    kept: list[str] = []
    literals: list[str] = []
    depth = 0
    called = 0  # open parentheses inside a call of _(), gettext() or ngettext()
    keyword = False
    tokens = [(kind, value) for _lineno, kind, value in env.lex(source) if kind != "whitespace"]
    for index, (kind, value) in enumerate(tokens):
        key = index + 1 < len(tokens) and tokens[index + 1] == ("operator", ":")
        if kind == "name" and value == "trans":
            depth += 1
        elif kind == "name" and value == "endtrans":
            depth -= 1
        elif kind == "data" and depth == 0:
            kept.append(value)
        elif kind in ("variable_begin", "block_begin"):
            kept.append("\x00")  # an expression: never glues two words into one
        elif kind == "string" and depth == 0 and not called and not key and _prose(value):
            literals.append(value)  # a sentence in an expression, not given to _()
        if kind == "operator" and value == "(" and (called or keyword):
            called += 1
        elif kind == "operator" and value == ")" and called:
            called -= 1
        keyword = kind == "name" and value in KEYWORDS
    words = _Words()
    words.feed("".join(kept))
    return words.found + literals


def _prose(literal: str) -> bool:
    """A string literal a reader would see: words with a space, or a capitalised word
    ("Spike"); not a key, a colour or a CSS value ("resolved", "#067647", "12px")."""
    text = literal[1:-1]
    return bool(re.search(r"[^\W\d_]{2,}", text)) and (
        bool(re.search(r"[^\W\d_]{2,}\s+[^\W\d_]{2,}", text)) or text[:1].isupper()
    )


@pytest.fixture(scope="module")
def env():  # type: ignore[no-untyped-def]
    import jinja2

    return jinja2.Environment(extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_template_has_no_text_outside_the_catalogue(template: Path, env) -> None:
    if str(template.relative_to(ROOT / "chalicelib")) in NOT_YET:
        pytest.xfail("not translated yet (NOT_YET)")
    assert untranslated(template.read_text(encoding="utf-8"), env) == []


def test_the_template_check_finds_a_word_outside_the_catalogue(env) -> None:
    # GIVEN a template with one translated and one forgotten sentence THEN only that one
    source = (
        "<p>{% trans %}Waiting{% endtrans %}</p><p>{{ _('Resolved') }}</p>"
        '<p title="Open it">{{ n }} min</p><style>body{color:red}</style><h2>Yours</h2>'
        '{{ section("How the team did", _("Bars: share")) }}{{ {"not alerted": "#067647"}[s] }}'
        '{{ ngettext("%(num)s case", "%(num)s cases", n) }}'
    )
    assert untranslated(source, env) == ["Open it", "min", "Yours", '"How the team did"']


def test_a_phrase_is_english_as_text_and_said_in_the_readers_language() -> None:
    from chalicelib.i18n import Lang, Phrase

    # GIVEN a refusal made where the reader is unknown, its advice a phrase of its own
    advice = Phrase("X refused the reply (%(said)s).", said="duplicate content")
    said = Phrase("Not sent: %(advice)s", advice=advice)
    # THEN as text (a log line, a test) it is English; each reader gets their language
    assert said == "Not sent: X refused the reply (duplicate content)."
    assert Lang("nl").say(said) == "Niet verstuurd: X weigerde het antwoord (duplicate content)."
    assert Lang("en").say(said) == said
    # AND plain text goes through the catalogue: a marked sentence translates, a name stays
    assert Lang("nl").say("Type a reply first.") == "Typ eerst een antwoord."
    assert Lang("nl").say("ann") == "ann" and Lang("nl").say("") == ""
