"""How `make test` shares the suite between its workers (pytest-xdist, `--dist loadfile`).

A file is a unit of work, run whole by one worker, so a module's fixtures are built once;
but the browser tests' files are one unit together: they share one served morning per
worker (tests/browser/conftest.py, `Morning`), which takes over a minute to play.

Units start longest first (`LONGEST_FIRST`, measured), the rest in collection order, so
the short files come last and the two workers end within seconds of each other: xdist
never takes back a unit it has handed out. With `-p no:xdist` or another `--dist` this
changes nothing but the order of the files.
"""

from __future__ import annotations

from typing import Any

import pytest

# folders whose files go to one worker together (they share a session fixture)
TOGETHER = ("tests/browser/",)

# the units that take longest (seconds of one worker, `make bench-suite`, 2026-12-08),
# started first; a file missing here merely starts in collection order
LONGEST_FIRST = (
    "tests/browser/",  # one served morning, then 18 tests in Chromium
    "tests/conformance/test_sentiment_eval.py",  # five refits with a tolerance of 1e-8
    "tests/unit/triage/test_triage_model.py",  # one refit, every labelled text judged twice
    "tests/functional/test_demo.py",  # `make demo` as a process of its own
    "tests/functional/test_alerting.py",
    "tests/functional/test_digest_loop.py",
    "tests/functional/test_faults_dlq.py",
    "tests/functional/test_incidents.py",
)


def unit_of(nodeid: str) -> str:
    """The unit of work a test belongs to: its file, or its folder in `TOGETHER`."""
    path = nodeid.split("::", 1)[0]
    return next((folder for folder in TOGETHER if path.startswith(folder)), path)


def rank(nodeid: str) -> int:
    """Where the test's unit starts: its place in `LONGEST_FIRST`, else after them all."""
    unit = unit_of(nodeid)
    return next(
        (place for place, first in enumerate(LONGEST_FIRST) if unit.startswith(first)),
        len(LONGEST_FIRST),
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # stable: within a rank, pytest's own order (every worker collects the same order)
    items.sort(key=lambda item: rank(item.nodeid))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class Units(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

    # xdist would otherwise start the units with the most tests first
    config.option.loadscopereorder = False
    return Units(config, log)
