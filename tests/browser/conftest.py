"""Real headless Chromium (Debian's `chromium`) driven by Playwright, at phone width.

Never `playwright install`: the browser is the system's (`apt-get install -y chromium`,
which `.ci/run` does). Without it the browser tests skip, saying so. The app runs on a
moto server seeded with the demo's morning (`devstack/serve.py`), played once per worker
and put back as it was played before each module (`Morning`), on the suite's clock.
Screenshots go to out/screenshots/, or to docs/ with `DOCS_SCREENSHOTS=1` (`make
screenshots`).
"""

from __future__ import annotations

import copy
import os
import shutil
import warnings
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


class Morning:
    """The served morning of this worker (one per session: playing it takes over a minute),
    and what each test module gets from it: the same state as a morning played for the
    module alone.

    A module changes the morning (acknowledges, resolves, answers); before the next module
    starts, the state it changed is put back as the morning left it: moto's DynamoDB
    tables (deep copies, as moto's own transactions take them), the messages of the SNS
    topics, the networks' stand-ins and their replies.jsonl. Everything else the morning
    made (queues and their messages, mails sent, subscriptions, secrets) a module must
    leave as it found it: `intact()` compares, and when anything differs (or moto was
    reset meanwhile) the next module plays a morning of its own, with a warning.
    """

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self._folders = tmp_path_factory
        self.served: Any = None
        self.env: dict[str, str] = {}
        self._outside: tuple[dict[str, str], Any] = ({}, None)
        self._play()

    def _play(self) -> None:
        import boto3
        import time_machine

        from chalicelib import wiring
        from devstack import serve
        from tests.conftest import SUITE_NOW

        saved, session = dict(os.environ), boto3.DEFAULT_SESSION
        try:  # (the environment is put back even when the morning fails to play)
            with time_machine.travel(SUITE_NOW, tick=True):
                self.served = serve.start(out=self._folders.mktemp("served"))
            self.env = dict(os.environ)
            self.served.pause()
        finally:
            os.environ.clear()
            os.environ.update(saved)
            boto3.DEFAULT_SESSION = session
            wiring.reset()
        self._tables = {
            name: copy.deepcopy(table) for name, table in self._dynamodb().tables.items()
        }
        self._topics = {arn: len(t.sent_notifications) for arn, t in self._sns().topics.items()}
        self._replies = self.served.stand_ins.mark()
        self._left = self.unchanged_state()

    def _region(self) -> tuple[str, str]:
        _, _, _, region, account, _ = self.env["ALERTS_TOPIC_ARN"].split(":", 5)
        return account, region

    def _dynamodb(self) -> Any:
        from moto.dynamodb.models import dynamodb_backends

        account, region = self._region()
        return dynamodb_backends[account][region]

    def _sns(self) -> Any:
        from moto.sns.models import sns_backends

        account, region = self._region()
        return sns_backends[account][region]

    def unchanged_state(self) -> dict[str, Any]:
        """What a module must leave as it found it, as plain data."""
        from moto.secretsmanager.models import secretsmanager_backends
        from moto.ses.models import ses_backends
        from moto.sqs.models import sqs_backends

        account, region = self._region()
        sns = self._sns()
        secrets = secretsmanager_backends[account][region].secrets
        return {
            "tables": sorted(self._dynamodb().tables),
            "topics": sorted(sns.topics),
            "subscriptions": sorted(
                (s.topic.arn, s.protocol, s.endpoint) for s in sns.subscriptions.values()
            ),
            "sms": len(sns.sms_messages),
            "queues": {
                name: (len(queue._messages), len(queue._pending_messages))
                for name, queue in sqs_backends[account][region].queues.items()
            },
            "mails": len(ses_backends[account][region].sent_messages),
            "secrets": sorted((name, len(secret.versions)) for name, secret in secrets.items()),
        }

    def published(self) -> int:
        """Messages published to the morning's topics so far."""
        return sum(len(topic.sent_notifications) for topic in self._sns().topics.values())

    def intact(self) -> bool:
        """Nothing changed that `take()` cannot put back."""
        return self.unchanged_state() == self._left

    def take(self) -> Any:
        """The morning as it was played, in this process's environment, for one module."""
        import boto3

        from chalicelib import wiring

        if not self.intact() or any(
            len(topic.sent_notifications) < self._topics.get(arn, 0)
            for arn, topic in self._sns().topics.items()
        ):
            warnings.warn(
                "the served morning was changed beyond what a module may change (or moto"
                " was reset): this module plays a morning of its own",
                stacklevel=1,
            )
            self.served.stop()
            self._play()
        self._dynamodb().tables = copy.deepcopy(self._tables)
        for arn, topic in self._sns().topics.items():
            del topic.sent_notifications[self._topics[arn] :]
        self.served.stand_ins.back_to(self._replies)
        self._outside = dict(os.environ), boto3.DEFAULT_SESSION
        os.environ.clear()
        os.environ.update(self.env)
        boto3.DEFAULT_SESSION = None
        wiring.reset()
        self.served.resume()
        return self.served

    def give_back(self) -> None:
        """After a module: the servers wait, idle, for the next; the environment is put
        back as `take()` found it."""
        import boto3

        from chalicelib import wiring

        self.served.pause()
        saved, session = self._outside
        os.environ.clear()
        os.environ.update(saved)
        boto3.DEFAULT_SESSION = session
        wiring.reset()

    def stop(self) -> None:
        if self.served is not None:
            self.served.stop()


@pytest.fixture(scope="session")
def served_morning(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Morning]:
    morning = Morning(tmp_path_factory)
    yield morning
    morning.stop()


@pytest.fixture(scope="module")
def served(served_morning: Morning) -> Iterator[Any]:
    """The API on a moto server, the demo's morning played (with its four weeks of
    history) on the suite's clock, as if for this module alone (`Morning`); the
    environment put back after. Each test then runs on its own `clock`, from the same
    moment."""
    morning = served_morning.take()
    try:
        yield morning
    finally:
        served_morning.give_back()


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
