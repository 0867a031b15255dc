"""The digest and the pages name each network by its display name, from the registry
(`sources/registry.py` NETWORKS), in the reader's language."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.alerts.paging import message
from chalicelib.digest import render, report
from chalicelib.i18n import Lang

STATS = {
    "total": 6,
    "source#app_store": 2,
    "source#app_store#negative": 2,
    "source#google_play": 1,
    "source#mastodon": 1,
    "source#trustpilot": 1,
    "source#forum": 1,
}


def test_review_and_open_network_sources_appear_under_their_display_names_in_english():
    built = report.build(report.DayData(date(2026, 11, 22), "Europe/Amsterdam", STATS, {}, {}))
    digest = render.render(built, brand="Voltera", locale="en")
    assert "- App Store reviews: 2 posts" in digest.text
    assert "- Google Play reviews: 1 posts" in digest.text
    assert "- Trustpilot reviews: 1 posts" in digest.text
    assert "- Mastodon: 1 posts" in digest.text
    assert ">App Store reviews</td>" in digest.html


def test_and_in_dutch():
    built = report.build(report.DayData(date(2026, 11, 22), "Europe/Amsterdam", STATS, {}, {}))
    digest = render.render(built, brand="Voltera", locale="nl")
    assert ">App Store-recensies</td>" in digest.html
    assert ">Google Play-recensies</td>" in digest.html
    assert ">Trustpilot-recensies</td>" in digest.html
    assert ">Mastodon</td>" in digest.html


@pytest.mark.parametrize(
    ("source", "english", "dutch"),
    [
        ("google_business", "Google reviews", "Google-recensies"),
        ("bluesky", "Bluesky", "Bluesky"),
        ("threads", "Threads", "Threads"),
        ("generic-mastodon", "Mastodon", "Mastodon"),
        ("generic-my-forum", "My forum", "My forum"),
        ("feed", "News and blogs", "Nieuws en blogs"),
    ],
)
def test_a_page_names_the_network_in_the_readers_language(source, english, dutch):
    assert message.source_name(source, Lang("en")) == english
    assert message.source_name(source, Lang("nl")) == dutch


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("mastodon", "@anna"),
        ("bluesky", "@anna"),
        ("threads", "@anna"),
        ("app_store", "anna"),  # a reviewer's nickname is a name, not a handle
        ("google_play", "anna"),
        ("trustpilot", "anna"),
        ("google_business", "anna"),
        ("facebook", "anna"),
        ("some-new-network", "@anna"),  # unknown: as sent
    ],
)
def test_review_sites_send_names_and_open_networks_handles(source, shown):
    assert message.who({"source": source, "handle": "anna"}) == shown
