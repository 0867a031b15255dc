"""Least-privilege IAM policies, one per Lambda function and stage.

Chalice runs with `autogen_policy: false`; each function's role gets only the actions it
calls, on the resources of its own stage (named: no `*` action, no `*` resource except
where AWS allows nothing narrower). Run `python -m infra.iam` after changing this file;
`tests/unit/test_iam.py` fails when the files in `.chalice/` are stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHALICE_DIR = ROOT / ".chalice"
APP = "social-listening"
STAGES = ("dev", "prod")


def _arns(stage: str) -> dict[str, str]:
    prefix = f"{APP}-{stage}"
    sender = _digest_sender(stage)
    return {
        "mentions": f"arn:aws:dynamodb:*:*:table/{prefix}-mentions",
        "mentions_index": f"arn:aws:dynamodb:*:*:table/{prefix}-mentions/index/*",
        "state": f"arn:aws:dynamodb:*:*:table/{prefix}-state",
        "state_index": f"arn:aws:dynamodb:*:*:table/{prefix}-state/index/*",
        "queue": f"arn:aws:sqs:*:*:{prefix}-mentions",
        "dlq": f"arn:aws:sqs:*:*:{prefix}-mentions-dlq",
        "topic": f"arn:aws:sns:*:*:{prefix}-alerts",
        "secret": f"arn:aws:secretsmanager:*:*:secret:{APP}/{stage}-*",
        "logs": f"arn:aws:logs:*:*:log-group:/aws/lambda/{prefix}-*",
        "ses": f"arn:aws:ses:*:*:identity/{sender}",
        "ses_domain": f"arn:aws:ses:*:*:identity/{sender.rsplit('@', 1)[-1]}",
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


# What each function does, as (sid, actions, resource keys).
FUNCTIONS: dict[str, list[tuple[str, list[str], list[str]]]] = {
    # API routes: webhooks queue posts; ack/resolve links update alerts and mentions.
    "api_handler": [
        ("ReadSecrets", ["secretsmanager:GetSecretValue"], ["secret"]),
        ("QueueMentions", ["sqs:SendMessage", "sqs:GetQueueUrl"], ["queue"]),
        (
            "AlertState",
            ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:Query"],
            ["state", "state_index"],
        ),
        ("MentionStatus", ["dynamodb:GetItem", "dynamodb:UpdateItem"], ["mentions"]),
        ("PageManagers", ["sns:Publish"], ["topic"]),
    ],
    # The queue consumer: judge, store exactly once, count, alert.
    "triage": [
        (
            "ConsumeQueue",
            [
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:DeleteMessageBatch",
                "sqs:GetQueueAttributes",
                "sqs:ChangeMessageVisibility",
                "sqs:GetQueueUrl",
            ],
            ["queue"],
        ),
        ("DeadLetter", ["sqs:SendMessage", "sqs:GetQueueUrl"], ["dlq"]),
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
        ("ReadSecrets", ["secretsmanager:GetSecretValue"], ["secret"]),
    ],
    # Every minute: resend, escalate, spikes.
    "alerts_every_minute": [
        (
            "AlertState",
            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"],
            ["state", "state_index"],
        ),
        ("Mentions", ["dynamodb:GetItem", "dynamodb:UpdateItem"], ["mentions"]),
        ("PageManagers", ["sns:Publish"], ["topic"]),
        ("ReadSecrets", ["secretsmanager:GetSecretValue"], ["secret"]),
    ],
    # Daily digest: read the day's aggregates, claim the day, send with SES.
    "daily_digest": [
        (
            "DigestState",
            [
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:Query",
                "dynamodb:BatchGetItem",
            ],
            ["state", "state_index"],
        ),
        ("DayMentions", ["dynamodb:Query", "dynamodb:GetItem"], ["mentions", "mentions_index"]),
        ("SendDigest", ["ses:SendRawEmail", "ses:SendEmail"], ["ses", "ses_domain"]),
        ("PageManagers", ["sns:Publish"], ["topic"]),
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
    ],
}

# Pollers share one shape: credentials, cursor/health state, the queue, a page on failure.
POLLER = [
    ("ReadSecrets", ["secretsmanager:GetSecretValue"], ["secret"]),
    ("CursorState", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], ["state"]),
    ("QueueMentions", ["sqs:SendMessage", "sqs:GetQueueUrl"], ["queue"]),
    ("PageManagers", ["sns:Publish"], ["topic"]),
]
for _poller in ("poll_x", "poll_reddit", "poll_feeds"):
    FUNCTIONS[_poller] = POLLER


def policy(function: str, stage: str) -> dict[str, Any]:
    arns = _arns(stage)
    statements = [
        _statement(
            "Logs",
            ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            [arns["logs"]],
        ),
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


def main() -> None:
    for path, text in render_all().items():
        path.write_text(text)
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
