"""The team's language: which one a reader gets, and Babel's Dutch and English."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chalicelib.alerts.roster.team import Manager
from chalicelib.config import Settings
from chalicelib.errors import ConfigError
from chalicelib.i18n import Lang, choose, normalise

BASE_ENV = {
    "MENTIONS_TABLE": "m",
    "STATE_TABLE": "s",
    "MENTIONS_QUEUE": "q",
    "DEAD_LETTER_QUEUE": "d",
    "ALERTS_TOPIC": "t",
    "SECRETS_ID": "x",
}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("nl", "nl"), ("nl-BE", "nl"), ("nl_NL", "nl"), ("EN", "en"), ("en-GB", "en"), ("fr", None)],
)
def test_a_locale_is_read_as_the_language_it_names(raw: str, expected: str | None) -> None:
    assert normalise(raw) == expected


def test_a_managers_own_language_wins_then_the_teams_then_dutch() -> None:
    assert choose("en", "nl") == "en"
    assert choose("", "en") == "en"
    assert choose(None, "fr") == "nl"


def test_team_locale_is_dutch_unless_set_and_refuses_a_language_it_cannot_write() -> None:
    assert Settings.from_env(BASE_ENV).locale == "nl"
    assert Settings.from_env({**BASE_ENV, "TEAM_LOCALE": "en-GB"}).locale == "en"
    with pytest.raises(ConfigError, match="TEAM_LOCALE 'de'"):
        Settings.from_env({**BASE_ENV, "TEAM_LOCALE": "de"})


def test_a_manager_keeps_their_own_language_and_may_not_pick_one_we_do_not_write() -> None:
    ann = Manager("ann", "Ann", locale="en")
    assert Manager.from_dict(ann.to_dict()).locale == "en"
    assert Manager.from_dict({"id": "bo", "name": "Bo"}).locale == ""
    with pytest.raises(ValueError, match="locale"):
        Manager("cas", "Cas", locale="de")


def test_dutch_numbers_percentages_and_decimals() -> None:
    nl, en = Lang("nl"), Lang("en")
    assert (nl.number(1234567), en.number(1234567)) == ("1.234.567", "1,234,567")
    assert (nl.percent(0.17), en.percent(0.17)) == ("17%", "17%")
    assert (nl.decimal(15.3), en.decimal(15.3)) == ("15,3", "15.3")
    assert nl.number(None) == "—"


def test_dutch_dates_and_times_in_the_teams_zone() -> None:
    nl, en = Lang("nl"), Lang("en")
    moment = datetime(2026, 11, 23, 9, 28, tzinfo=UTC)  # 10:28 in Amsterdam
    assert nl.moment(moment, "EEE d MMM HH:mm", "Europe/Amsterdam") == "ma 23 nov 10:28"
    assert en.moment(moment, "EEE d MMM HH:mm", "Europe/Amsterdam") == "Mon 23 Nov 10:28"
    assert nl.day(date(2026, 11, 22)) == "zondag 22 november 2026"
    assert nl.weekday(date(2026, 11, 22)) == "zondag"


def test_plurals_come_from_the_catalogue() -> None:
    nl = Lang("nl")
    one = nl.n_("%(num)s negative post", "%(num)s negative posts", 1)
    many = nl.n_("%(num)s negative post", "%(num)s negative posts", 1234)
    assert (one, many) == ("1 negatief bericht", "1.234 negatieve berichten")
    assert Lang("en").n_("%(num)s negative post", "%(num)s negative posts", 2) == (
        "2 negative posts"
    )


def test_a_language_the_product_does_not_write_is_refused() -> None:
    with pytest.raises(ValueError, match="language 'de'"):
        Lang("de")
