"""Operator commands answer a missing region, credential or table with one line, exit 2."""

from __future__ import annotations

import pytest

from tools import dlq, erase


@pytest.fixture
def bare(monkeypatch: pytest.MonkeyPatch) -> None:
    """A shell with no AWS configuration at all."""
    for key in (
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "STATE_TABLE",
    ):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.mark.parametrize(
    "command",
    [
        lambda: dlq.main(["list"]),
        lambda: dlq.main(["--stage", "prod", "release", "x"]),
        lambda: erase.main(["--stage", "prod", "--source", "x", "--author-id", "1"]),
    ],
)
def test_no_region_is_one_line_and_exit_code_2(bare, command, capsys):
    assert command() == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: no AWS region"), err


def test_no_credentials_is_one_line(bare, monkeypatch, capsys):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert dlq.main(["--stage", "prod", "list"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "no AWS credentials" in line or "AWS unreachable" in line, line
