"""Least-privilege IAM policies, one per Lambda function and stage.

Chalice runs with `autogen_policy: false`; each function's role gets only the actions its
code calls, on the resources of its own stage, in its own region and account (named: no
`*` action, no `*` region or account, no `*` resource except X-Ray's, for which AWS has
nothing narrower). Run `python -m infra.iam` after changing this file;
`tests/unit/test_iam.py` fails when the files in `.chalice/` are stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chalicelib.sources import registry

ROOT = Path(__file__).resolve().parent.parent
CHALICE_DIR = ROOT / ".chalice"
APP = "social-listening"
STAGES = ("dev", "prod")


# Where each stage runs: every ARN names its region and account (no `*` in either).
# Put your accounts here before the first deploy, then `python -m infra.iam`.
STAGE_ACCOUNTS = {
    "dev": ("eu-west-1", "111111111111"),
    "prod": ("eu-west-1", "222222222222"),
}


def function_name(function: str, stage: str) -> str:
    """The Lambda function Chalice deploys: `{app}-{stage}-{function}`, the API's without."""
    return f"{APP}-{stage}" if function == "api_handler" else f"{APP}-{stage}-{function}"


def _arns(stage: str, function: str = "") -> dict[str, str]:
    prefix = f"{APP}-{stage}"
    region, account = STAGE_ACCOUNTS[stage]
    where = f"{region}:{account}"
    sender = _digest_sender(stage)
    return {
        "mentions": f"arn:aws:dynamodb:{where}:table/{prefix}-mentions",
        "state": f"arn:aws:dynamodb:{where}:table/{prefix}-state",
        "state_index": f"arn:aws:dynamodb:{where}:table/{prefix}-state/index/gsi1",
        "queue": f"arn:aws:sqs:{where}:{prefix}-mentions",
        "dlq": f"arn:aws:sqs:{where}:{prefix}-mentions-dlq",
        "topic": f"arn:aws:sns:{where}:{prefix}-alerts",
        "secret": f"arn:aws:secretsmanager:{where}:secret:{APP}/{stage}-*",
        "signing_secret": f"arn:aws:secretsmanager:{where}:secret:{APP}/{stage}/signing-*",
        "logs": f"arn:aws:logs:{where}:log-group:/aws/lambda/{function_name(function, stage)}:*",
        "ses": f"arn:aws:ses:{where}:identity/{sender}",
        "ses_domain": f"arn:aws:ses:{where}:identity/{sender.rsplit('@', 1)[-1]}",
        "alerts_key": f"arn:aws:kms:{where}:alias/{prefix}-alerts",
    }


def _digest_sender(stage: str) -> str:
    """The stage's SES sender: SES checks the permission on its address or its domain."""
    config = json.loads((CHALICE_DIR / "config.json").read_text())
    sender = config["stages"][stage]["environment_variables"].get("DIGEST_SENDER", "")
    if "@" not in sender:
        raise ValueError(f"stage {stage}: DIGEST_SENDER must be an e-mail address")
    return sender


def _statement(sid: str, actions: list[str], resources: list[str]) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": resources}


# Every function resolves the queue URLs by name once per container (wiring.settings).
QUEUE_URLS = ("QueueUrls", ["sqs:GetQueueUrl"], ["queue", "dlq"])
# The key that signs case codes and board passes: only who signs or verifies them
SIGNING_KEY = ("ReadSigningKey", ["secretsmanager:GetSecretValue"], ["signing_secret"])
# Publishing to the KMS-encrypted alerts topic needs the key (SNS asks KMS for a data key).
ALERTS_KEY = ("AlertsTopicKey", ["kms:Decrypt", "kms:GenerateDataKey"], ["alerts_key"])

# What each function calls, as (sid, actions, resource keys): nothing more.
FUNCTIONS: dict[str, list[tuple[str, list[str], list[str]]]] = {
    # API routes: webhooks queue posts; the case desk (case pages, the board) reads and
    # changes cases and their board entries (BatchGetItem, DeleteItem) and tells the
    # colleague a case is handed to (sns:Publish).
    "api_handler": [
        ("ReadSecrets", ["secretsmanager:GetSecretValue"], ["secret"]),
        SIGNING_KEY,  # case pages, the board, hand-over pages
        ("QueueMentions", ["sqs:SendMessage"], ["queue"]),
        QUEUE_URLS,
        (
            "AlertState",
            [
                "dynamodb:GetItem",
                "dynamodb:UpdateItem",
                "dynamodb:PutItem",
                "dynamodb:Query",
                "dynamodb:BatchGetItem",
                "dynamodb:DeleteItem",
            ],
            ["state", "state_index"],
        ),
        ("MentionStatus", ["dynamodb:GetItem", "dynamodb:UpdateItem"], ["mentions"]),
        ("PageManagers", ["sns:Publish"], ["topic"]),
        ALERTS_KEY,
    ],
    # The queue consumer: judge, store exactly once, count, alert, quarantine poison.
    "triage": [
        (
            "ConsumeQueue",
            [
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:ChangeMessageVisibility",
            ],
            ["queue"],
        ),
        QUEUE_URLS,
        (
            "StoreMentions",
            [
                "dynamodb:PutItem",
                "dynamodb:GetItem",
                "dynamodb:UpdateItem",
                "dynamodb:BatchGetItem",
                "dynamodb:ConditionCheckItem",
            ],
            ["mentions"],
        ),
        (
            "StoreState",
            [
                "dynamodb:PutItem",
                "dynamodb:GetItem",
                "dynamodb:UpdateItem",
                "dynamodb:BatchGetItem",
                "dynamodb:Query",
                "dynamodb:ConditionCheckItem",
            ],
            ["state", "state_index"],
        ),
        ("PageManagers", ["sns:Publish"], ["topic"]),
        ALERTS_KEY,
        SIGNING_KEY,  # each page carries a signed case code
    ],
    # Every 5 minutes: dead letters back to the queue (with back-off), spent ones quarantined.
    "redrive_dead_letters": [
        (
            "ReadDeadLetters",
            [
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:ChangeMessageVisibility",
                "sqs:GetQueueAttributes",
            ],
            ["dlq"],
        ),
        ("Requeue", ["sqs:SendMessage"], ["queue"]),
        QUEUE_URLS,
        ("Quarantine", ["dynamodb:PutItem"], ["state"]),
    ],
    # Every minute: resend, escalate, spikes, reminders, shift handover (the board's
    # entries: BatchGetItem, DeleteItem), the SMS budget's catch-up.
    "alerts_every_minute": [
        (
            "AlertState",
            [
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:Query",
                "dynamodb:BatchGetItem",
                "dynamodb:DeleteItem",
            ],
            ["state", "state_index"],
        ),
        ("Mentions", ["dynamodb:GetItem", "dynamodb:UpdateItem"], ["mentions"]),
        ("PageManagers", ["sns:Publish"], ["topic"]),
        ALERTS_KEY,
        SIGNING_KEY,  # each page carries a signed case code
        QUEUE_URLS,
    ],
    # Daily digest: read the day's aggregates, claim the day, send with SES.
    "daily_digest": [
        (
            "DigestState",
            [
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:Query",
                "dynamodb:BatchGetItem",
            ],
            ["state"],
        ),
        ("SendDigest", ["ses:SendRawEmail"], ["ses", "ses_domain"]),
        QUEUE_URLS,
    ],
    # Weekly lessons: read the week's lessons and theme counters, claim each owner's mail,
    # send it with SES; delete the minus->plus trail of weeks past the window.
    "weekly_lessons": [
        (
            "LessonsState",
            [
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:BatchGetItem",
            ],
            ["state"],
        ),
        ("SendLessons", ["ses:SendRawEmail"], ["ses", "ses_domain"]),
        QUEUE_URLS,
    ],
}

# Pollers: their cursor and health, the queue; credentials only where the network has any.
CURSORS = ("CursorState", ["dynamodb:GetItem", "dynamodb:PutItem"], ["state"])
QUEUE = ("QueueMentions", ["sqs:SendMessage"], ["queue"])
SECRETS = ("ReadSecrets", ["secretsmanager:GetSecretValue"], ["secret"])
# One function per scheduled source of the registry; secrets only for those that read any.
for _source in registry.scheduled():
    FUNCTIONS[str(_source.function)] = [SECRETS] * bool(_source.secrets) + [
        CURSORS,
        QUEUE,
        QUEUE_URLS,
    ]
# Every 15 minutes: webhooks that went quiet are read by their catch-up poller (cursor,
# health, the queue, its credentials); a gap we caused is replayed (X, over HTTPS).
FUNCTIONS["catch_up"] = [SECRETS, CURSORS, QUEUE, QUEUE_URLS]
# X-Ray (tracing is on per stage): AWS offers no narrower resource for these two.
XRAY = ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]


def policy(function: str, stage: str) -> dict[str, Any]:
    arns = _arns(stage, function)
    statements = [
        # the log group is the template's (with its retention): write to it, never create
        _statement("Logs", ["logs:CreateLogStream", "logs:PutLogEvents"], [arns["logs"]]),
        _statement("Tracing", XRAY, ["*"]),
    ]
    for sid, actions, keys in FUNCTIONS[function]:
        statements.append(_statement(sid, actions, [arns[k] for k in keys]))
    return {"Version": "2012-10-17", "Statement": statements}


def policy_path(function: str, stage: str) -> Path:
    return CHALICE_DIR / f"policy-{stage}-{function}.json"


def render_all() -> dict[Path, str]:
    return {
        policy_path(function, stage): json.dumps(policy(function, stage), indent=2) + "\n"
        for stage in STAGES
        for function in FUNCTIONS
    }


# A scheduled poller's Lambda settings in .chalice/config.json (written by `main`).
POLLER_SETTINGS = {"lambda_timeout": 60, "reserved_concurrency": 1}
LOG_RETENTION_DAYS = {"dev": 14, "prod": 90}


def chalice_config() -> dict[str, Any]:
    """.chalice/config.json with one block per scheduled source, each stage: the poll_*
    functions are the registry's, never listed by hand."""
    config: dict[str, Any] = json.loads((CHALICE_DIR / "config.json").read_text())
    wanted = {str(s.function) for s in registry.scheduled()}
    for stage in STAGES:
        functions = config["stages"][stage]["lambda_functions"]
        for name in [n for n in functions if n.startswith("poll_") and n not in wanted]:
            del functions[name]
        for name in sorted(wanted):
            block = {
                "iam_policy_file": policy_path(name, stage).name,
                **POLLER_SETTINGS,
                "log_retention_in_days": LOG_RETENTION_DAYS[stage],
            }
            functions[name] = {**block, **functions.get(name, {})}
    return config


def main() -> None:
    for path, text in render_all().items():
        path.write_text(text)
        print(f"wrote {path.relative_to(ROOT)}")
    (CHALICE_DIR / "config.json").write_text(json.dumps(chalice_config(), indent=2) + "\n")
    print("wrote .chalice/config.json (the pollers' functions)")


if __name__ == "__main__":
    main()
