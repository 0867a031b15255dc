"""Least privilege, checked: every Lambda function has its own fresh, narrow policy file."""

from __future__ import annotations

import json
import re

import pytest

from infra import iam
from tests.conftest import ROOT, load_template

CONFIG = json.loads((ROOT / ".chalice" / "config.json").read_text())
# API operations each function's code calls; an action missing from its policy fails in AWS
# with AccessDenied, which moto does not check.
CALLS = {
    "triage": {
        "dynamodb:BatchGetItem",
        "dynamodb:TransactWriteItems",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:GetItem",
        "dynamodb:Query",
        "sqs:DeleteMessageBatch",
        "sqs:GetQueueUrl",
        "sns:Publish",
        "secretsmanager:GetSecretValue",
    },
    "api_handler": {
        "sqs:SendMessageBatch",
        "secretsmanager:GetSecretValue",
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",  # the shift board (test_alerting_desk records the calls)
        "dynamodb:DeleteItem",
        "sns:Publish",  # a case handed over tells the colleague
    },
    "redrive_dead_letters": {
        "sqs:ReceiveMessage",
        "sqs:SendMessage",
        "sqs:SendMessageBatch",  # the schedule, ten letters a request
        "sqs:DeleteMessage",
        "sqs:DeleteMessageBatch",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
        "dynamodb:PutItem",
    },
    "daily_digest": {"ses:SendRawEmail", "dynamodb:Query", "dynamodb:GetItem"},
    "alerts_every_minute": {
        "sns:Publish",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
        "dynamodb:BatchGetItem",
        "dynamodb:DeleteItem",
    },
    "poll_x": {"sqs:SendMessageBatch", "dynamodb:PutItem", "secretsmanager:GetSecretValue"},
    "poll_feeds": {"sqs:SendMessageBatch", "dynamodb:PutItem", "dynamodb:GetItem"},
    "weekly_lessons": {
        "ses:SendRawEmail",
        "dynamodb:BatchGetItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
    },
}
# ... and what it must not be able to do (finding 13: granted, never called)
NEVER = {
    "poll_feeds": {"secretsmanager:GetSecretValue", "sns:Publish"},
    "poll_x": {"sns:Publish"},
    "poll_reddit": {"sns:Publish"},
    "daily_digest": {"sns:Publish", "dynamodb:DeleteItem", "ses:SendEmail"},
    "redrive_dead_letters": {"sns:Publish", "secretsmanager:GetSecretValue"},
    "triage": {"sqs:SendMessage"},  # poison goes to the quarantine table, not the DLQ
}
# AWS has no resource narrower than `*` for these (X-Ray tracing, on per stage)
STAR_ONLY = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
# IAM authorises some API operations under other action names
IAM_ACTIONS = {
    "sqs:SendMessageBatch": {"sqs:SendMessage"},
    "sqs:DeleteMessageBatch": {"sqs:DeleteMessage"},
    "sqs:ChangeMessageVisibilityBatch": {"sqs:ChangeMessageVisibility"},
    # a transaction is authorised item by item
    "dynamodb:TransactWriteItems": {
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:ConditionCheckItem",
    },
}


def app_functions() -> set[str]:
    """Lambda functions Chalice deploys for app.py: the API handler and each event source."""
    import app

    functions = {source.name for source in app.app.event_sources}
    functions |= {function.name for function in app.app.pure_lambda_functions}
    if app.app.routes:
        functions.add("api_handler")
    return functions


def statements():
    for path, text in iam.render_all().items():
        for statement in json.loads(text)["Statement"]:
            yield path.name, statement


def test_policy_files_are_exactly_what_infra_iam_renders():
    stale = [
        path.name
        for path, text in iam.render_all().items()
        if not path.exists() or path.read_text() != text
    ]
    assert stale == [], f"run `python -m infra.iam`: stale {stale}"


def test_no_statement_allows_every_action_or_an_unnamed_resource():
    for name, statement in statements():
        assert statement["Effect"] == "Allow", name
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        assert not any("*" in action for action in actions), (name, statement["Sid"])
        for resource in statement["Resource"]:
            if resource == "*":
                assert set(actions) <= STAR_ONLY, (name, statement["Sid"])
                continue
            # the region and the account are named too, and the resource itself
            assert re.fullmatch(r"arn:aws:[a-z-]+:[a-z]{2}-[a-z]+-\d:\d{12}:.+", resource), resource
            named = resource.split(":", 5)[5]
            assert named not in ("*", "table/*", "secret:*", "log-group:*"), (name, resource)


@pytest.mark.parametrize("stage", sorted(CONFIG["stages"]))
def test_every_function_in_app_py_has_its_own_policy_file_in_each_stage(stage):
    assert CONFIG["autogen_policy"] is False
    functions = CONFIG["stages"][stage].get("lambda_functions", {})
    for function in sorted(app_functions()):
        settings = functions.get(function)
        assert settings is not None, f"{stage}: {function} has no entry in config.json"
        policy_file = settings.get("iam_policy_file")
        assert policy_file == f"policy-{stage}-{function}.json", (stage, function)
        assert (ROOT / ".chalice" / policy_file).exists(), policy_file
        assert function in iam.FUNCTIONS, f"infra/iam.py does not describe {function}"


@pytest.mark.parametrize("function", sorted(CALLS))
def test_each_function_may_call_what_its_code_calls(function):
    statements_ = iam.policy(function, "prod")["Statement"]
    allowed = {action for statement in statements_ for action in statement["Action"]}
    needed = set().union(*(IAM_ACTIONS.get(call, {call}) for call in CALLS[function]))
    assert needed <= allowed, sorted(needed - allowed)


@pytest.mark.parametrize("function", sorted(NEVER))
def test_no_function_may_do_what_its_code_never_does(function):
    for stage in iam.STAGES:
        statements_ = iam.policy(function, stage)["Statement"]
        allowed = {action for statement in statements_ for action in statement["Action"]}
        assert allowed.isdisjoint(NEVER[function]), sorted(allowed & NEVER[function])


def test_each_function_writes_only_its_own_log_group():
    for stage in iam.STAGES:
        for function in iam.FUNCTIONS:
            (logs,) = [s for s in iam.policy(function, stage)["Statement"] if s["Sid"] == "Logs"]
            name = iam.function_name(function, stage)
            assert logs["Resource"][0].endswith(f":log-group:/aws/lambda/{name}:*")
            assert "logs:CreateLogGroup" not in logs["Action"]  # the stage config creates it


def test_a_stage_policy_names_only_its_own_stage_resources():
    for path, text in iam.render_all().items():
        stage = path.name.split("-")[1]
        other = {"dev": "prod", "prod": "dev"}[stage]
        assert f"social-listening-{other}" not in text and f"social-listening/{other}" not in text


# ---------------------------------------------------------------- issue 25, item 10


def template_secrets() -> dict[str, dict]:
    """The template's secrets: resource name -> properties (tags such as !Sub kept)."""
    template = load_template()
    return {
        name: resource["Properties"]
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::SecretsManager::Secret"
    }


def secret_arn(properties: dict, stage: str) -> str:
    """The ARN AWS gives the secret: its name and a random six-character suffix."""
    region, account = iam.STAGE_ACCOUNTS[stage]
    name = properties["Name"]["Sub"].replace("${Stage}", stage)
    return f"arn:aws:secretsmanager:{region}:{account}:secret:{name}-Ab12Cd"


def readers(arn: str, stage: str) -> set[str]:
    from fnmatch import fnmatchcase

    return {
        function
        for function in iam.FUNCTIONS
        for statement in iam.policy(function, stage)["Statement"]
        if "secretsmanager:GetSecretValue" in statement["Action"]
        and any(fnmatchcase(arn, resource) for resource in statement["Resource"])
    }


def holds(properties: dict, key: str) -> bool:
    generated = properties.get("GenerateSecretString") or {}
    document = properties.get("SecretString") or generated.get("SecretStringTemplate") or "{}"
    return generated.get("GenerateStringKey") == key or key in json.loads(document)


@pytest.mark.parametrize("stage", iam.STAGES)
def test_only_the_functions_that_sign_or_verify_passes_can_read_the_signing_key(stage):
    # (was: the key lived in the one secret the X and Reddit pollers read: a 30-day board
    # pass was made with it)
    (signing,) = [p for p in template_secrets().values() if holds(p, "ack_signing_key")]
    assert readers(secret_arn(signing, stage), stage) == {
        "api_handler",  # verifies case codes and board passes, signs hand-over pages
        "triage",  # each page carries a signed case code
        "alerts_every_minute",  # resends, escalations, shift hand-over messages
    }


@pytest.mark.parametrize("stage", iam.STAGES)
def test_the_pollers_read_only_the_document_of_network_credentials(stage):
    secrets = template_secrets()
    credentials = [p for p in secrets.values() if holds(p, "x_bearer_token")]
    assert len(credentials) == 1 and not holds(credentials[0], "ack_signing_key")
    for poller in ("poll_x", "poll_reddit"):
        readable = {
            name for name, p in secrets.items() if poller in readers(secret_arn(p, stage), stage)
        }
        assert readable == {"Secrets"}, poller
    assert all("poll_feeds" not in readers(secret_arn(p, stage), stage) for p in secrets.values())
