"""Trying the case desk locally: `chalice local` with no AWS region answers a clear 503
instead of a 500 (NoRegionError). (`make serve` answering over HTTP is tested beside the
browser tests, on the same served morning: tests/browser/test_case_desk_browser.py.)
"""

from __future__ import annotations

from chalice.test import Client

from chalicelib import wiring
from tests.conftest import ROOT

NAMES = {
    "MENTIONS_TABLE": "m",
    "STATE_TABLE": "s",
    "MENTIONS_QUEUE": "q",
    "DEAD_LETTER_QUEUE": "d",
    "ALERTS_TOPIC": "t",
    "SECRETS_ID": "social-listening/dev",
}


def test_the_case_desk_without_an_aws_region_says_so_with_a_503(monkeypatch, tmp_path):
    import boto3

    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # and put back the one before
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    for name, value in NAMES.items():
        monkeypatch.setenv(name, value)
    wiring.reset()
    import app

    with Client(app.app, stage_name="local", project_dir=str(ROOT)) as client:
        answers = [client.http.get(p) for p in ("/c/AAAAAAAAAAAAAAAA", "/board/ann.x.y")]
    wiring.reset()
    assert [a.status_code for a in answers] == [503, 503]
    # in the team's language (Dutch unless TEAM_LOCALE says otherwise)
    assert b"niet bereiken" in answers[0].body or b"Temporarily unavailable" in answers[0].body
    assert answers[0].headers["Cache-Control"] == "no-store"
