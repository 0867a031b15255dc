"""A cold start imports only what every function needs: network clients, the sentiment
lexicons, the templates and the languages load inside the functions that use them.

Checked in a fresh interpreter (`sys.modules` after `import app`), never timed: the
timing lives in `benchmarks/run.py` (`cold_import_ratio`).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from benchmarks import packaging

LAZY = (
    "tweepy",
    "praw",
    "prawcore",
    "feedparser",
    "vaderSentiment",
    "jinja2",
    "requests",
    "babel",  # dates and numbers: loaded by what writes for people (chalicelib/i18n)
    "gettext",  # the message catalogues, likewise
)
# Never in Lambda: test and local-run tooling that is not in the deployment package.
DEV_ONLY = ("moto", "yaml", "responses", "pytest", "devstack.moto_stack")

_SCRIPT = "import json, sys; import app; print(json.dumps(sorted(sys.modules)))"


@pytest.fixture(scope="module")
def loaded() -> set[str]:
    """GIVEN a fresh interpreter WHEN it imports app: the modules it loaded."""
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        cwd=packaging.ROOT,
        env=packaging.offline_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_import_app_loads_no_network_client_lexicon_or_template_engine(loaded: set[str]) -> None:
    assert sorted(m for m in LAZY if m in loaded) == []


def test_import_app_loads_no_dev_only_module(loaded: set[str]) -> None:
    assert sorted(m for m in DEV_ONLY if m in loaded) == []


def test_import_app_does_not_import_boto3(loaded: set[str]) -> None:
    # boto3 (and its ~100 ms import) waits for the first client a handler asks for
    assert "boto3" not in loaded
