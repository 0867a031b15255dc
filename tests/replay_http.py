"""Serve recorded HTTP traffic (tweepy VCR cassettes, praw cassettes) with `responses`,
so the real tweepy / praw clients run against it and nothing touches the network.

Matching is on method + URL without the query string: our clients ask for more fields
than the recordings did. Give `serve` a ``RequestsMock(registry=OrderedRegistry)`` to
serve each recorded response once, in order (a request the recording lacks then fails
instead of getting the last page again).
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import responses
import yaml

_RUBY_TAG = re.compile(r" ?!ruby/hash:[A-Za-z:]+")
_DROP_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "set-cookie"}


@dataclass(frozen=True)
class Recorded:
    method: str
    url: str  # without the query string
    status: int
    headers: dict[str, str]
    body: bytes


def need(root: Path, *parts: str) -> Path:
    """A file under the real-data folder (the `realdata` fixture); skips when missing."""
    path = root.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"recorded real data file missing: {path}")
    return path


def tweepy_cassette(path: Path) -> list[Recorded]:
    """A VCR.py cassette: bodies are base64 (`!!binary`) of gzip JSON."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for interaction in data["interactions"]:
        request, response = interaction["request"], interaction["response"]
        body = response["body"]["string"]
        if isinstance(body, str):
            body = body.encode()
        if body[:2] == b"\x1f\x8b":
            body = gzip.decompress(body)
        out.append(
            Recorded(
                method=request["method"],
                url=request["uri"].split("?", 1)[0],
                status=int(response["status"]["code"]),
                headers=_headers(response["headers"]),
                body=body,
            )
        )
    return out


def praw_cassette(path: Path, subreddit: str = "placeholder_subreddit") -> list[Recorded]:
    """A praw cassette (JSON); ``<TEST_SUBREDDIT>`` becomes `subreddit`."""
    text = path.read_text(encoding="utf-8").replace("<TEST_SUBREDDIT>", subreddit)
    data = json.loads(text)
    out = []
    for interaction in data["interactions"]:
        request, response = interaction["request"], interaction["response"]
        out.append(
            Recorded(
                method=request["method"],
                url=request["uri"].split("?", 1)[0],
                status=int(response["status"]["code"]),
                headers=_headers(response["headers"]),
                body=response["body"]["string"].encode(),
            )
        )
    return out


def serve(mock: responses.RequestsMock, recorded: list[Recorded]) -> None:
    for item in recorded:
        headers = dict(item.headers)
        content_type = headers.pop("content-type", "application/json")
        mock.add(
            item.method,
            item.url,
            body=item.body,
            status=item.status,
            headers=headers,
            content_type=content_type,
        )


def ruby_yaml(path: Path) -> Any:
    """A Rails-dumped YAML hash (X Account Activity fixtures), without its Ruby tags."""
    return yaml.safe_load(_RUBY_TAG.sub("", path.read_text(encoding="utf-8")))


def _headers(raw: Mapping[str, Any]) -> dict[str, str]:
    out = {}
    for key, value in raw.items():
        if key.lower() in _DROP_HEADERS:
            continue  # the body is served decoded
        out[key.lower()] = value[0] if isinstance(value, list) else str(value)
    return out
