"""Secrets stay secret: a full run's log output carries no secret value and no ack token."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from chalicelib import logs, wiring
from chalicelib.sources.signing import hex_signature
from tests.functional.conftest import drain, post_webhook, scheduled
from tests.functional.desk import act, case_link
from tests.functional.test_walking_skeleton import post, sent_emails


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Everything logged, by the app (at DEBUG, stricter than production) and by libraries."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    app_logger = logging.getLogger(logs.LOGGER_NAME)
    root = logging.getLogger()
    saved = (app_logger.level, root.level)
    app_logger.addHandler(handler)
    root.addHandler(handler)
    app_logger.setLevel(logging.DEBUG)
    root.setLevel(logging.INFO)
    yield stream
    app_logger.removeHandler(handler)
    root.removeHandler(handler)
    app_logger.setLevel(saved[0])
    root.setLevel(saved[1])


def test_a_full_run_logs_no_secret_and_no_ack_token(
    client, stack, team, secret_values, log_output, capfd
):
    secret = secret_values["generic_webhook_secret"]
    # refused and accepted webhooks, a handshake with a wrong token
    assert post_webhook(client, post("8001"), "wrong-secret").status_code == 401
    assert post_webhook(client, post("8001"), secret).status_code == 202
    meta = "/webhooks/meta?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=42"
    assert client.http.get(meta).status_code == 403
    # triage, page, acknowledge (a forged link first)
    drain(client, stack)
    (page,) = team["ann"].messages()
    path = case_link(page)
    token = path.rsplit("/", 1)[1]  # the case code is the link's secret
    assert act(client, f"{path[:-4]}AAAA").status_code == 403
    assert act(client, path).status_code == 200
    # the next morning's digest
    tz = wiring.settings().tz
    morning = datetime.combine(
        datetime.now(tz).date() + timedelta(days=1), datetime.min.time(), tzinfo=tz
    ).replace(hour=8, minute=5)
    client.lambda_.invoke("daily_digest", scheduled(client, morning))
    assert len(sent_emails()) == 1

    captured = capfd.readouterr()
    output = log_output.getvalue() + captured.out + captured.err
    lines = [line for line in log_output.getvalue().splitlines() if line.strip()]
    assert len(lines) >= 5 and all(json.loads(line)["message"] for line in lines)
    for name, value in secret_values.items():
        assert value not in output, f"secret {name} appears in the logs"
    assert token not in output and token[:16] not in output
    assert hex_signature(secret, post("8001")) not in output


def test_secrets_repr_names_keys_never_values(stack, secret_values):
    secrets = wiring.secrets()
    secrets.require("generic_webhook_secret")
    shown = repr(secrets)
    assert "generic_webhook_secret" in shown
    assert all(value not in shown for value in secret_values.values())


def test_secrets_are_read_once_per_container(stack, monkeypatch):
    client = wiring.aws.secretsmanager()
    calls = []
    original = client.get_secret_value

    def counting(**kwargs):
        calls.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(client, "get_secret_value", counting)
    wiring.secrets.cache_clear()
    wiring.signing_secrets.cache_clear()
    for _ in range(3):
        wiring.secrets().require("generic_webhook_secret")
        wiring.signing_secrets().require("ack_signing_key")
    # each of the stage's two secrets once (the credentials, the signing key)
    assert sorted(c["SecretId"] for c in calls) == [
        stack["SECRETS_ID"],
        f"{stack['SECRETS_ID']}/signing",
    ]
