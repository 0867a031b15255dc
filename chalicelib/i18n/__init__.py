"""The team's language: message catalogues, and dates, numbers and plurals by Babel.

Every word a person reads (SMS, e-mail, pages, digest, the weekly lessons, the CLIs) is
written in English in the code and templates, marked for translation (`_`, `ngettext`,
`N_` in Python; `{% trans %}` and `_()` in templates), and looked up in the catalogue
of the reader's language:

    locales/<code>/LC_MESSAGES/messages.po   what translators edit (nl; en is the source)
    locales/<code>/LC_MESSAGES/messages.mo   compiled (`make messages`), what runs

`TEAM_LOCALE` is the team's language (Dutch by default); a manager may have their own
(`Manager.locale` in alerts/roster/team.py), which wins for what is sent to them. `Lang` is one
language: its catalogue (stdlib `gettext`, read once per container) and Babel's
formatting (CLDR data: "ma 23 nov. 10:28", "1.234", "17%", "3 berichten"). Both load on
first use, so a cold start that renders nothing loads neither; Lambda's copy of Babel
holds only these locales' data (infra/bytecode.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import gettext

LOCALES = ("nl", "en")
DEFAULT = "nl"
DOMAIN = "messages"
FOLDER = Path(__file__).resolve().parent / "locales"
# the CLDR locales Babel needs for them (a locale, its parents, root): what Lambda gets
CLDR_LOCALES = ("root", "nl", "en")


def N_(message: str) -> str:
    """Marks a string for the catalogue where it is defined; `Lang.gettext` translates it
    where it is shown (module-level tables)."""
    return message


class Phrase(str):
    """A sentence made where the reader is not known (a reply's refusal, a network's
    advice), said in English wherever it is used as text (logs, tests), and in the
    reader's language where it is shown: `Lang.say`. `msgid` is the catalogue's sentence
    (marked `N_` where it is written), `values` its placeholders (a value may be a Phrase)."""

    msgid: str
    values: dict[str, Any]

    def __new__(cls, msgid: str, **values: Any) -> Phrase:
        made = super().__new__(
            cls, msgid % {k: str(v) for k, v in values.items()} if values else msgid
        )
        made.msgid = msgid
        made.values = values
        return made


def normalise(code: str | None) -> str | None:
    """ "nl-BE", "nl_NL", "NL" -> "nl"; a language the product does not speak -> None."""
    if not code:
        return None
    language = code.strip().replace("-", "_").split("_")[0].lower()
    return language if language in LOCALES else None


def choose(*wanted: str | None) -> str:
    """The first language of `wanted` the product speaks (a manager's own, then the
    team's), else Dutch."""
    for code in wanted:
        found = normalise(code)
        if found:
            return found
    return DEFAULT


@cache
def catalogue(code: str) -> gettext.NullTranslations:
    """The compiled catalogue of `code` (read once per container)."""
    import gettext

    if code not in LOCALES:
        raise ValueError(f"no catalogue for {code!r}: {', '.join(LOCALES)}")
    return gettext.translation(DOMAIN, FOLDER, languages=[code], fallback=code == "en")


@dataclass(frozen=True)
class Lang:
    """One language: translate, and format dates, times, numbers and durations."""

    code: str = DEFAULT

    def __post_init__(self) -> None:
        if self.code not in LOCALES:
            raise ValueError(f"language {self.code!r}: one of {', '.join(LOCALES)}")

    # messages
    def gettext(self, message: str) -> str:
        return catalogue(self.code).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return catalogue(self.code).ngettext(singular, plural, n)

    def _(self, message: str, **values: Any) -> str:
        """Translate, then fill in `%(name)s` placeholders."""
        text = self.gettext(message)
        return text % values if values else text

    def say(self, text: str) -> str:
        """A `Phrase` in this language (its values said too); any other text through the
        catalogue (a marked sentence translates, a name stays as it is)."""
        if isinstance(text, Phrase):
            values = {
                k: self.say(v) if isinstance(v, Phrase) else v for k, v in text.values.items()
            }
            return self._(text.msgid, **values)
        return self.gettext(text) if text else text

    def n_(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """The plural form for `n`, filled in (`%(num)s` is `n`, formatted)."""
        return self.ngettext(singular, plural, n) % {"num": self.number(n), **values}

    # Babel (imported on first use: the cold start of a function that formats nothing)
    def number(self, value: float | None) -> str:
        """1234567 -> "1.234.567" (nl), "1,234,567" (en); "—" for no value."""
        if value is None:
            return "—"
        from babel.numbers import format_decimal

        return str(format_decimal(round(value), locale=self.code))

    def decimal(self, value: float, digits: int = 1) -> str:
        """2.25 -> "2,3" (nl), "2.3" (en): at most `digits` decimals."""
        from babel.numbers import format_decimal

        return str(format_decimal(round(value, digits), locale=self.code))

    def fixed(self, value: float, digits: int = 1) -> str:
        """6 -> "6,0" (nl), "6.0" (en): always `digits` decimals."""
        from babel.numbers import format_decimal

        pattern = "#,##0." + "0" * digits if digits else "#,##0"
        return str(format_decimal(value, format=pattern, locale=self.code))

    def percent(self, fraction: float | None) -> str:
        """0.17 -> "17%"; "—" for no value."""
        if fraction is None:
            return "—"
        from babel.numbers import format_percent

        return str(format_percent(fraction, locale=self.code))

    def moment(self, moment: datetime, pattern: str, timezone: str | None = None) -> str:
        """`moment` (aware) in `timezone`, written by a CLDR pattern ("EEE d MMM HH:mm")."""
        from babel.dates import format_datetime

        zone = ZoneInfo(timezone) if timezone else None
        return str(format_datetime(moment, pattern, tzinfo=zone, locale=self.code))

    def day(self, day: date, pattern: str = "EEEE d MMMM y") -> str:
        """A day written by a CLDR pattern: "zondag 22 november 2026"."""
        from babel.dates import format_date

        return str(format_date(day, pattern, locale=self.code))

    def weekday(self, day: date, width: str = "wide") -> str:
        """ "zondag" (wide) or "zo" (abbreviated)."""
        return self.day(day, "EEEE" if width == "wide" else "EEE")

    def zone(self, timezone: str, moment: datetime) -> str:
        """A time zone's short name at `moment`, as people there write it ("CET")."""
        return moment.astimezone(ZoneInfo(timezone)).strftime("%Z")


EN = Lang("en")  # the language the code is written in: logs, tests, defaults


@cache
def lang(code: str | None = None) -> Lang:
    return Lang(choose(code))


def jinja_environment(package: str, code: str, **options: Any) -> Any:
    """A Jinja2 environment for `package`'s templates/ in language `code`: `{% trans %}`,
    `_()` and `ngettext()` from the catalogue (new-style: placeholders filled and escaped),
    and `lang` (the `Lang`) for dates and numbers. Jinja2 is imported here, on first use."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        **options,
    )
    env.install_gettext_translations(catalogue(code), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(lang=Lang(code), html_lang=code)
    env.filters["said"] = Lang(code).say  # a `Phrase` (made where the reader was unknown)
    return env
