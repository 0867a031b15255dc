"""Shared fixtures: real data location, fake AWS credentials."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def realdata_dir() -> Path:
    return Path(os.environ.get("REALDATA", ROOT.parent / "shared" / "realdata"))


@pytest.fixture
def realdata() -> Path:
    path = realdata_dir()
    if not path.is_dir():
        pytest.skip(f"real data not found at {path} (set REALDATA)")
    return path
