"""Least privilege, checked: every Lambda function has its own fresh, narrow policy file."""

from __future__ import annotations

import json
import re

import pytest

from infra import iam
from tests.conftest import ROOT

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
        "sqs:SendMessage",
        "sns:Publish",
        "secretsmanager:GetSecretValue",
    },
    "api_handler": {
        "sqs:SendMessageBatch",
        "secretsmanager:GetSecretValue",
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
        "sns:Publish",
    },
    "daily_digest": {"ses:SendRawEmail", "dynamodb:Query", "dynamodb:DeleteItem"},
    "alerts_every_minute": {"sns:Publish", "dynamodb:Query", "dynamodb:UpdateItem"},
    "poll_x": {"sqs:SendMessageBatch", "dynamodb:PutItem", "secretsmanager:GetSecretValue"},
    "weekly_lessons": {
        "ses:SendRawEmail",
        "dynamodb:BatchGetItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
    },
}
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
            assert resource != "*", (name, statement["Sid"])
            # region/account may be wildcards; the resource itself must be named
            assert re.fullmatch(r"arn:aws:[a-z-]+:[^:]*:[^:]*:.+", resource), resource
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


def test_a_stage_policy_names_only_its_own_stage_resources():
    for path, text in iam.render_all().items():
        stage = path.name.split("-")[1]
        other = {"dev": "prod", "prod": "dev"}[stage]
        assert f"social-listening-{other}" not in text and f"social-listening/{other}" not in text
