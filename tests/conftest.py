"""Shared fixtures: real data location, fake AWS credentials."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

ROOT = Path(__file__).resolve().parent.parent

# CI (CI=true) replays the same examples every run, so main stays green on what was
# tested; locally, hypothesis explores new examples each run.
hypothesis_settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "default")


def realdata_dir() -> Path:
    return Path(os.environ.get("REALDATA", ROOT.parent / "shared" / "realdata"))


@pytest.fixture
def realdata() -> Path:
    path = realdata_dir()
    if not path.is_dir():
        pytest.skip(f"real data not found at {path} (set REALDATA)")
    return path
