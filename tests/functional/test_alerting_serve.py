"""Trying the case desk locally: `make serve` answers over HTTP, and `chalice local` with no
AWS region answers a clear 503 instead of a 500 (NoRegionError).
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from pathlib import Path

from chalice.test import Client

from chalicelib import wiring
from devstack import phones
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
    assert b"Temporarily unavailable" in answers[0].body
    assert answers[0].headers["Cache-Control"] == "no-store"


def test_make_serve_answers_the_recorded_links_over_http(clock, tmp_path):
    from devstack import serve

    saved = dict(os.environ)
    served = serve.start(out=tmp_path)
    try:
        records = phones.read_jsonl(Path(served.summary["pages_jsonl"]))
        texts = [r for r in records if r["channel"] == "sms"]
        assert texts and {r["segments"] for r in texts} == {1}
        assert {r["encoding"] for r in texts} == {"GSM-7"}
        assert {r["channel"] for r in records} == {"sms", "email"}
        for link in (phones.case_links(texts)[0], served.board_url()):
            assert link.startswith(served.base_url)
            with urllib.request.urlopen(link) as answer:
                assert answer.status == 200
                assert answer.headers["Referrer-Policy"] == "no-referrer"
        try:
            urllib.request.urlopen(served.base_url + "/c/AAAAAAAAAAAAAAAA")
        except urllib.error.HTTPError as refused:
            assert refused.code == 403
        else:
            raise AssertionError("a guessed code opened a case")
    finally:
        served.stop()
        os.environ.clear()
        os.environ.update(saved)
        wiring.reset()
