"""Real headless Chromium (Debian's `chromium`) driven by Playwright, at phone width.

Never `playwright install`: the browser is the system's (`apt-get install -y chromium`,
which `.ci/run` does). Without it the browser tests skip, saying so. The app runs on a
moto server seeded with the demo's morning (`devstack/serve.py`), once per module, on the
suite's clock. Screenshots go to out/screenshots/, or to docs/ with
`DOCS_SCREENSHOTS=1` (`make screenshots`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}


def phone_page(browser: Any) -> Any:
    """A page as a phone opens it: 390 px, twice the pixels, touch, no script (the pages
    run none; the page's CSP would refuse it anyway)."""
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, java_script_enabled=False
    )
    return context.new_page()


# a form post on every post of an incident through the moto server has taken over
# Playwright's default 30 s on a busy 2-core machine (not a timing goal: a patience)
PATIENCE = 180_000


def follow(page: Any, target: Any) -> None:
    """Click a link or a form's button and wait until the page it leads to has loaded.

    The pages run no script, so every click navigates. Playwright's click returns once the
    navigation has started, not when the new page is there: a check right after it could
    read the page being left (its "Acknowledged" status line where "Resolved" is due).
    """
    with page.expect_navigation(wait_until="load", timeout=PATIENCE):
        target.click()


@pytest.fixture
def screenshots() -> Path:
    folder = ROOT / "docs" if os.environ.get("DOCS_SCREENSHOTS") else ROOT / "out" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module (each test opens its own pages in it)."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The API on a moto server, the demo's morning played (with its four weeks of
    history: over a minute, so once per module) on the suite's clock; the environment put
    back after. Each test then runs on its own `clock`, from the same moment."""
    import boto3
    import time_machine

    from chalicelib import wiring
    from devstack import serve
    from tests.conftest import SUITE_NOW

    saved, session = dict(os.environ), boto3.DEFAULT_SESSION
    handle = None
    try:  # (the environment is put back even when the morning fails to play)
        with time_machine.travel(SUITE_NOW, tick=True):
            handle = serve.start(out=tmp_path_factory.mktemp("served"))
        yield handle
    finally:
        if handle is not None:
            handle.stop()
        os.environ.clear()
        os.environ.update(saved)
        boto3.DEFAULT_SESSION = session
        wiring.reset()


@pytest.fixture
def reads(served: Any) -> Iterator[Any]:
    """`reads("sanne", "en")`: a demo manager reads a language of their own (the team is
    Dutch) for this test; put back after it."""
    from dataclasses import replace

    from chalicelib import wiring

    team = wiring.team()
    before: dict[str, str] = {}

    def choose(manager: str, language: str) -> None:
        found = team.manager(manager)
        assert found is not None
        before.setdefault(manager, found.locale)
        team.add_manager(replace(found, locale=language))

    yield choose
    for manager, language in before.items():
        found = team.manager(manager)
        if found is not None:
            team.add_manager(replace(found, locale=language))
