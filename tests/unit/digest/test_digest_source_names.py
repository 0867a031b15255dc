"""The digest names each network by its display name (sources/registry.py NETWORKS)."""

from __future__ import annotations

from datetime import date

from chalicelib.digest import render, report


def test_review_and_open_network_sources_appear_under_their_display_names():
    stats = {
        "total": 6,
        "source#app_store": 2,
        "source#app_store#negative": 2,
        "source#google_play": 1,
        "source#mastodon": 1,
        "source#trustpilot": 1,
        "source#forum": 1,  # a generic webhook's own source name stays as it is
    }
    built = report.build(report.DayData(date(2026, 11, 22), "Europe/Amsterdam", stats, {}, {}))
    assert [(s.name, s.label) for s in built.sources] == [
        ("app_store", "App Store reviews"),
        ("forum", "forum"),
        ("google_play", "Google Play reviews"),
        ("mastodon", "Mastodon"),
        ("trustpilot", "Trustpilot reviews"),
    ]
    digest = render.render(built, brand="Voltera")
    assert "- App Store reviews: 2 posts" in digest.text
    assert ">App Store reviews</td>" in digest.html
