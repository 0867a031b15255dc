"""Cold starts: importing the app must not import the network clients (tweepy, praw,
feedparser); each poller loads its own when it runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("tweepy", "praw", "prawcore", "feedparser", "requests_oauthlib")


def test_importing_the_app_and_every_source_module_loads_no_network_client():
    code = (
        "import sys, app, chalicelib.sources.polling\n"
        "from chalicelib.sources import x, x_webhook, reddit, feeds, meta, watch\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_a_poller_does_load_its_client_when_it_builds_one():
    code = (
        "import sys\n"
        "from chalicelib.sources import x\n"
        "x.make_client({'x_bearer_token': 't'})\n"
        "print('tweepy' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "True"
