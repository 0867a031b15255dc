"""The app against moto, with the infra template deployed into moto's CloudFormation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import boto3
import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib import aws, wiring
from chalicelib.alerts.roster.rotation import Rotation
from chalicelib.alerts.roster.team import Manager
from chalicelib.model import iso
from chalicelib.sources.signing import hex_signature
from devstack import moto_stack
from devstack.chaos import Faults
from tests.conftest import ROOT


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """moto with infra/template.yaml deployed; the app's environment set from its outputs.

    moto as `make demo` runs it (`moto_stack.at_scale()`): the same answers, without the
    deep copy of every table per transaction item nor the model-driven serialiser of every
    answer (a quarter of the functional tests' time; tests/unit/test_moto_at_scale.py
    holds it to moto's own answers)."""
    for key, value in moto_stack.FAKE_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws(), moto_stack.at_scale():
        env = moto_stack.provision("dev")
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        # the suite's functional tests read the pages in English; Dutch (the product's
        # default) has tests of its own (tests/functional/test_team_language.py)
        monkeypatch.setenv("TEAM_LOCALE", "en")
        wiring.reset()
        yield env
        wiring.reset()


@pytest.fixture
def client(stack: dict[str, str]) -> Iterator[Client]:
    import app  # after the environment is in place: decorators read it at import

    with Client(app.app, stage_name="local", project_dir=str(ROOT)) as test_client:
        yield test_client


@pytest.fixture
def secret_values(stack: dict[str, str]) -> dict[str, str]:
    sm = boto3.client("secretsmanager")
    return json.loads(sm.get_secret_value(SecretId=stack["SECRETS_ID"])["SecretString"])


class Inbox:
    """An SQS queue subscribed to the alerts topic for one manager (a phone stand-in)."""

    def __init__(self, manager_id: str, url: str) -> None:
        self.manager_id = manager_id
        self.url = url

    def messages(self) -> list[dict[str, Any]]:
        sqs = boto3.client("sqs")
        out = []
        while True:
            got = sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10)
            batch = got.get("Messages", [])
            if not batch:
                return out
            for message in batch:
                out.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])


def manager_with_inbox(manager_id: str, prefix: str) -> Inbox:
    """A team member with an e-mail address and an SQS queue subscribed to the alerts
    topic for them (no channel filter: it receives every page addressed to them)."""
    wiring.team().add_manager(
        Manager(manager_id, manager_id.title(), email=f"{manager_id}@example.com")
    )
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=f"{prefix}-{manager_id}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    wiring.notifier().subscribe(manager_id, "sqs", arn)
    return Inbox(manager_id, url)


@pytest.fixture
def oncall(stack: dict[str, str]) -> dict[str, Inbox]:
    """ann and bob rotate weekly from Mon 23 Nov 2026 09:00; lea is the team lead."""
    inboxes = {m: manager_with_inbox(m, "oncall") for m in ("ann", "bob", "lea")}
    wiring.team().set_rotation(
        Rotation(("ann", "bob"), start=date(2026, 11, 23), handoff=time(9), lead="lea")
    )
    return inboxes


@pytest.fixture
def faults(stack: dict[str, str]) -> Iterator[Faults]:
    injected = Faults()
    for service in ("dynamodb", "sns", "sqs", "ses"):
        injected.attach(getattr(aws, service)())
    yield injected
    injected.detach()


@pytest.fixture
def secret(secret_values: dict[str, str]) -> str:
    return secret_values["generic_webhook_secret"]


@pytest.fixture
def team(stack: dict[str, str]) -> dict[str, Inbox]:
    """Two managers, ann on duty this week and bob next, each with a filtered inbox."""
    inboxes = {m: manager_with_inbox(m, "inbox") for m in ("ann", "bob")}
    today = datetime.now(wiring.settings().tz).date()
    # weekly shifts, the first one began 3 days ago at local midnight: ann is on duty now
    wiring.team().set_rotation(
        Rotation(
            managers=("ann", "bob"),
            start=today - timedelta(days=3),
            shift_days=7,
            handoff=time(0, 0),
        )
    )
    return inboxes


def post_webhook(
    client: Client,
    body: bytes,
    secret: str,
    *,
    signature: str | None = None,
    content_type: str = "application/json",
) -> Any:
    headers = {
        "Content-Type": content_type,
        "X-Signature-256": signature if signature is not None else hex_signature(secret, body),
    }
    return client.http.post("/webhooks/generic", headers=headers, body=body)


def drain(client: Client, stack: dict[str, str]) -> dict[str, int]:
    return moto_stack.drain_queue(
        client.lambda_.invoke, boto3.client("sqs"), stack["MENTIONS_QUEUE_URL"]
    )


def scheduled(client: Client, at: datetime) -> dict[str, Any]:
    """A scheduled EventBridge event fired at `at`."""
    event = client.events.generate_cw_event("aws.events", "Scheduled Event", {}, [])
    event["time"] = iso(at)
    return event


def press(client: Client, link: str) -> Any:
    """What a manager does with a page's case link: open it, press Acknowledge (a POST
    with the page's CSRF token). See tests/functional/desk.py for the other buttons."""
    from tests.functional.desk import act

    return act(client, link)
