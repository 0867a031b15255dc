"""What the managers' phones and mailboxes received, read from moto's SNS in this process.

moto keeps every message published to a topic (`Topic.sent_notifications`) and honours
subscription filter policies, but delivers nothing to `sms` or `email` subscriptions.
`delivered()` plays each published message against every subscription of the topic with
moto's own filter matcher and gives one record per delivery, as its protocol carries it:
the SMS text to a phone, subject and e-mail text to a mailbox — with the encoding and
segments the SMS takes (`chalicelib.alerts.paging.sms.measure`).

`make demo` and `make serve` write these records to `out/pages.jsonl`; the browser tests
open the case link of a recorded SMS. Never used by Lambda.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from chalicelib.alerts.paging import sms

CHANNEL = {"sms": "sms", "email": "email", "email-json": "email"}


@dataclass(frozen=True)
class Delivered:
    index: int  # position of the published message on the topic
    channel: str  # "sms" | "email"
    recipient: str
    endpoint: str
    kind: str
    alert_id: str
    subject: str
    body: str
    encoding: str
    segments: int
    units: int


def _backend(topic_arn: str) -> Any:
    from moto.sns.models import sns_backends

    _, _, _, region, account, _ = topic_arn.split(":", 5)
    return sns_backends[account][region]


def published(topic_arn: str) -> int:
    """How many messages the topic has had so far (to read only newer ones later)."""
    return len(_backend(topic_arn).topics[topic_arn].sent_notifications)


def delivered(topic_arn: str, *, since: int = 0) -> list[Delivered]:
    backend = _backend(topic_arn)
    topic = backend.topics[topic_arn]
    subscriptions = [
        s
        for s in backend.subscriptions.values()
        if s.topic.arn == topic_arn and s.protocol in CHANNEL
    ]
    out: list[Delivered] = []
    for index, sent in enumerate(topic.sent_notifications[since:], start=since):
        _, message, subject, attributes, _ = sent
        attributes = attributes or {}
        try:
            texts = json.loads(message)
        except ValueError:
            texts = {"default": message}
        for subscription in subscriptions:
            matcher = getattr(subscription, "_filter_policy_matcher", None)
            if matcher is not None and not matcher.matches(attributes, message):
                continue
            channel = CHANNEL[subscription.protocol]
            body = str(texts.get(channel, texts.get("default", "")))
            measured = sms.measure(body)
            out.append(
                Delivered(
                    index=index,
                    channel=channel,
                    recipient=_value(attributes, "recipient"),
                    endpoint=subscription.endpoint,
                    kind=_value(attributes, "kind"),
                    alert_id=_value(attributes, "alert_id"),
                    subject=str(subject or "") if channel == "email" else "",
                    body=body,
                    encoding=measured.encoding,
                    segments=measured.segments if channel == "sms" else 0,
                    units=measured.units,
                )
            )
    return out


def _value(attributes: dict[str, Any], name: str) -> str:
    return str((attributes.get(name) or {}).get("Value", ""))


def write_jsonl(records: Iterable[Delivered], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def case_links(records: Iterable[Delivered | dict[str, Any]]) -> list[str]:
    """The case link at the end of every SMS, in order."""
    links = []
    for record in records:
        item = asdict(record) if isinstance(record, Delivered) else record
        if item["channel"] == "sms" and "/c/" in item["body"]:
            links.append(item["body"].rsplit(" ", 1)[-1])
    return links
