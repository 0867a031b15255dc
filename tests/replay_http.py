"""Serving recorded HTTP traffic in tests: the loaders live in `devstack.recorded`
(also used by ``python -m devstack.recorded``); `need` skips a test whose
recording is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack.recorded import (
    Recorded,
    praw_cassette,
    ruby_yaml,
    serve,
    tweepy_cassette,
)

__all__ = ["Recorded", "need", "praw_cassette", "ruby_yaml", "serve", "tweepy_cassette"]


def need(root: Path, *parts: str) -> Path:
    """A file under the real-data folder (the `realdata` fixture); skips when missing."""
    path = root.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"recorded real data file missing: {path}")
    return path
