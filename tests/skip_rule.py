"""Under CI (`CI=true`) a skipped test fails the run, unless it is declared here.

A run that skips the browser tests (no Chromium) or the real-data tests (no
`../shared/realdata`) has not tested what it claims: locally that is reported and the run
passes; under CI the run fails, naming each skip. `make preflight` (tests/preflight.py) says
at the start of `make test` what this machine would skip and how to get it. Works under
pytest-xdist: the controller sees every worker's reports.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

# node id prefix -> why it may skip on CI's machine. Empty: nothing may skip under CI.
DECLARED_SKIPS: dict[str, str] = {}
_skipped: list[tuple[str, str]] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _skipped.append((report.nodeid, reason))


def undeclared_skips() -> list[tuple[str, str]]:
    return [
        (nodeid, reason)
        for nodeid, reason in _skipped
        if not any(nodeid.startswith(prefix) for prefix in DECLARED_SKIPS)
    ]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput") or not os.environ.get("CI"):
        return
    if undeclared_skips() and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    undeclared = undeclared_skips()
    if not (os.environ.get("CI") and undeclared):
        return
    terminalreporter.section("skipped under CI, not declared: the run fails", red=True)
    for nodeid, reason in undeclared:
        terminalreporter.line(f"{nodeid}: {reason}")
