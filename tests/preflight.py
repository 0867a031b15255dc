"""What `make test` can run on this machine, said before it runs (`make preflight`).

Each line names a group of tests, what it needs, and whether this machine has it; a
missing need says how to get it. Without it those tests skip, and under CI (`CI=true`) a
skip that is not declared in `tests/skip_rule.py` (`DECLARED_SKIPS`) fails the run.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks import packaging
from tests.browser.conftest import CHROMIUM
from tests.conftest import realdata_dir


@dataclass(frozen=True)
class Need:
    tests: str
    what: str
    met: bool
    how: str


def needs() -> list[Need]:
    chromium = Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None
    realdata = realdata_dir()
    return [
        Need(
            "tests/browser (every page a person opens, in real Chromium)",
            f"Debian's Chromium at {CHROMIUM}",
            chromium,
            "apt-get install -y chromium fonts-dejavu-core (.ci/run does it)",
        ),
        Need(
            "tests/conformance and the real-data tests (recorded API traffic, labelled sets)",
            f"the shared real data at {realdata}",
            (realdata / "SOURCES.md").is_file(),
            "put the shared folder beside the checkout, or set REALDATA=/path/to/realdata",
        ),
        Need(
            "tests/deploy/test_package.py (chalice package fetches Lambda wheels)",
            "the package index (PyPI)",
            packaging.index_reachable(),
            "a network that reaches PyPI (or set PIP_INDEX_URL to a mirror)",
        ),
    ]


def report(items: list[Need]) -> str:
    python = ".".join(map(str, sys.version_info[:3]))
    lines = [f"make test on this machine: Python {python}, {os.cpu_count()} cores"]
    for need in items:
        if need.met:
            lines.append(f"  runs   {need.tests}: {need.what}")
        else:
            lines.append(f"  SKIPS  {need.tests}: no {need.what}; to run them: {need.how}")
    if any(not need.met for need in items) and os.environ.get("CI"):
        lines.append("  under CI a skipped test fails the run (tests/skip_rule.py, DECLARED_SKIPS)")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(needs()))
