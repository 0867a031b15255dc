"""The infra template deploys into moto and the app finds its resources from the outputs."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from chalicelib import wiring
from chalicelib.config import STACK_OUTPUTS, env_from_outputs
from devstack import moto_stack
from tests.conftest import load_template


@pytest.fixture
def aws(monkeypatch):
    for key, value in moto_stack.FAKE_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        yield


def test_template_deploys_with_every_output_the_app_needs(aws):
    outputs = moto_stack.deploy_stack(boto3.client("cloudformation"), "prod")
    assert set(STACK_OUTPUTS.values()) <= set(outputs)
    assert outputs["MentionsTableName"] == "social-listening-prod-mentions"
    table = boto3.client("dynamodb").describe_table(TableName=outputs["MentionsTableName"])
    # no by_day index: nothing in the product read it, and its ALL projection doubled writes
    assert table["Table"].get("GlobalSecondaryIndexes", []) == []
    assert table["Table"].get("DeletionProtectionEnabled") is True
    topic = boto3.client("sns").get_topic_attributes(TopicArn=outputs["AlertsTopicArn"])
    assert topic["Attributes"].get("KmsMasterKeyId")
    redrive = boto3.client("sqs").get_queue_attributes(
        QueueUrl=outputs["MentionsQueueUrl"], AttributeNames=["RedrivePolicy"]
    )
    policy = json.loads(redrive["Attributes"]["RedrivePolicy"])
    assert policy["deadLetterTargetArn"].endswith("social-listening-prod-mentions-dlq")
    assert int(policy["maxReceiveCount"]) == 5


def test_moto_skips_the_secret_so_provisioning_creates_it(aws):
    # GIVEN the stack alone: moto says CREATE_COMPLETE but skipped AWS::SecretsManager::Secret
    outputs = moto_stack.deploy_stack(boto3.client("cloudformation"), "dev")
    sm = boto3.client("secretsmanager")
    with pytest.raises(sm.exceptions.ResourceNotFoundException):
        sm.get_secret_value(SecretId=outputs["SecretsName"])
    # WHEN we ensure it THEN it exists with the keys the app reads
    moto_stack.ensure_secret(sm, outputs["SecretsName"], {"ack_signing_key": "k"})
    stored = json.loads(sm.get_secret_value(SecretId=outputs["SecretsName"])["SecretString"])
    assert stored == {"ack_signing_key": "k"}


def test_app_resolves_queue_urls_and_topic_arn_from_names_alone(aws, monkeypatch):
    # As in AWS: the Chalice stage gives names only (see .chalice/config.json).
    outputs = moto_stack.deploy_stack(boto3.client("cloudformation"), "dev")
    env = env_from_outputs(outputs)
    for key in ("MENTIONS_QUEUE_URL", "DEAD_LETTER_QUEUE_URL", "ALERTS_TOPIC_ARN"):
        monkeypatch.delenv(key, raising=False)
        env.pop(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    wiring.reset()
    try:
        settings = wiring.settings()
        assert settings.queue_url == outputs["MentionsQueueUrl"]
        assert settings.dead_letter_queue_url == outputs["DeadLetterQueueUrl"]
        assert settings.alerts_topic_arn == outputs["AlertsTopicArn"]
    finally:
        wiring.reset()


def test_chalice_stages_name_the_resources_the_template_creates(aws):
    config = json.loads((moto_stack.ROOT / ".chalice" / "config.json").read_text())
    for stage in ("dev", "prod"):
        outputs = moto_stack.deploy_stack(boto3.client("cloudformation"), stage)
        env = config["stages"][stage]["environment_variables"]
        assert env["MENTIONS_TABLE"] == outputs["MentionsTableName"]
        assert env["STATE_TABLE"] == outputs["StateTableName"]
        assert env["MENTIONS_QUEUE"] == outputs["MentionsQueueName"]
        assert env["DEAD_LETTER_QUEUE"] == outputs["DeadLetterQueueName"]
        assert env["ALERTS_TOPIC"] == outputs["AlertsTopicName"]
        assert env["SECRETS_ID"] == outputs["SecretsName"]


def _template() -> dict:
    return load_template()


def test_every_alarm_tells_the_ops_topic_and_each_function_has_errors_and_throttles():
    resources = _template()["Resources"]
    alarms = {k: r["Properties"] for k, r in resources.items() if r["Type"].endswith("::Alarm")}
    assert all(a["AlarmActions"] == [{"Ref": "OpsTopic"}] for a in alarms.values())
    functions = {
        f["Value"]["Sub"]
        for a in alarms.values()
        if a["Namespace"] == "AWS/Lambda"
        for f in a["Dimensions"]
    }
    import app
    from infra import iam

    names = {iam.function_name(f, "${Stage}") for f in iam.FUNCTIONS}
    names.add("social-listening-${Stage}")  # the API handler
    assert functions == names
    for function in names:
        metrics = {
            a["MetricName"]
            for a in alarms.values()
            if a["Namespace"] == "AWS/Lambda" and a["Dimensions"][0]["Value"]["Sub"] == function
        }
        assert metrics == {"Errors", "Throttles"}, function
    assert {"DigestOverdue", "Quarantined", "ApproximateAgeOfOldestMessage", "Exhausted"} <= {
        a["MetricName"] for a in alarms.values()
    }
    assert len(app.app.event_sources) + 1 == len(names)
