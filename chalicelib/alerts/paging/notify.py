"""SNS: publish an alert to the topic, addressed by the `recipient` and `channels` attributes.

Every manager's subscriptions carry a filter policy: ``{"recipient": [id]}`` and, for a
phone or a mailbox, the channel it is (``"channels": ["sms"]`` / ``["email"]``). A page
names its channels (a String.Array), so SNS texts a manager only for the pages routed to
SMS, and delivers to no one else. Queues and HTTPS endpoints get every page addressed to
their manager (the `default` text).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ...errors import DeliveryError, PageRefused

if TYPE_CHECKING:
    from mypy_boto3_sns.client import SNSClient
    from mypy_boto3_sns.type_defs import MessageAttributeValueTypeDef

PROTOCOLS = ("email", "sms", "sqs", "https", "lambda", "email-json")
CHANNEL_OF = {"sms": "sms", "email": "email", "email-json": "email"}
ALL_CHANNELS = ("sms", "email")
# SNS answers these when the message itself is at fault: sending it again cannot help
REFUSED = ("InvalidParameter", "InvalidParameterValue", "ValidationError", "NotFound")


def filter_policy(manager_id: str, protocol: str) -> dict[str, list[str]]:
    """What a manager's subscription of `protocol` lets through."""
    policy = {"recipient": [manager_id]}
    if protocol in CHANNEL_OF:
        policy["channels"] = [CHANNEL_OF[protocol]]
    return policy


class Notifier:
    def __init__(self, sns: SNSClient, topic_arn: str) -> None:
        self._sns = sns
        self._topic_arn = topic_arn

    def publish(
        self,
        recipient: str,
        subject: str,
        email: str,
        sms: str,
        kind: str,
        alert_id: str = "",
        *,
        channels: tuple[str, ...] = ALL_CHANNELS,
    ) -> str:
        """Publish one page to `channels`; returns the SNS message id.

        One message per protocol (MessageStructure json): e-mail gets the full text,
        SMS the short one; queues and HTTPS endpoints get the e-mail text (`default`).
        Raises `PageRefused` when SNS refuses the message itself, `DeliveryError` else.
        """
        message = {"default": email, "email": email, "sms": sms}
        attributes: dict[str, MessageAttributeValueTypeDef] = {
            "recipient": {"DataType": "String", "StringValue": recipient},
            "kind": {"DataType": "String", "StringValue": kind},
            "channels": {"DataType": "String.Array", "StringValue": json.dumps(list(channels))},
        }
        if alert_id:
            attributes["alert_id"] = {"DataType": "String", "StringValue": alert_id}
        try:
            response = self._sns.publish(
                TopicArn=self._topic_arn,
                Subject=subject,
                Message=json.dumps(message, ensure_ascii=False),
                MessageStructure="json",
                MessageAttributes=attributes,
            )
        except Exception as exc:  # any botocore failure: the alert stays pending
            code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
            kind_of = PageRefused if code in REFUSED else DeliveryError
            raise kind_of(f"SNS publish failed: {code or type(exc).__name__}") from exc
        return str(response["MessageId"])

    def subscribe(self, manager_id: str, protocol: str, endpoint: str) -> str:
        """Subscribe a manager's endpoint, filtered to the alerts addressed to them."""
        if protocol not in PROTOCOLS:
            raise ValueError(f"protocol must be one of {', '.join(PROTOCOLS)}")
        response = self._sns.subscribe(
            TopicArn=self._topic_arn,
            Protocol=protocol,
            Endpoint=endpoint,
            Attributes={"FilterPolicy": json.dumps(filter_policy(manager_id, protocol))},
            ReturnSubscriptionArn=True,
        )
        return str(response["SubscriptionArn"])

    def unsubscribe(self, subscription_arn: str) -> None:
        """Remove one subscription; one already gone is not an error."""
        if not subscription_arn.startswith("arn:"):
            return  # "pending confirmation": SNS has no ARN for it yet
        try:
            self._sns.unsubscribe(SubscriptionArn=subscription_arn)
        except self._sns.exceptions.NotFoundException:
            return
