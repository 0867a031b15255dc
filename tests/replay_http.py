"""Serving recorded HTTP traffic in tests: the loaders live in `chalicelib.sources.replay`
(also used by ``python -m chalicelib.sources.replay``); `need` skips a test whose
recording is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.sources.replay import (
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
