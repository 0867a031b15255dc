"""SNS: publish an alert to the topic, addressed by the `recipient` attribute.

Every manager's subscriptions carry the filter policy ``{"recipient": [manager_id]}``,
so SNS delivers an alert only to the manager it names.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..errors import DeliveryError

if TYPE_CHECKING:
    from mypy_boto3_sns.client import SNSClient
    from mypy_boto3_sns.type_defs import MessageAttributeValueTypeDef

PROTOCOLS = ("email", "sms", "sqs", "https", "lambda", "email-json")


class Notifier:
    def __init__(self, sns: SNSClient, topic_arn: str) -> None:
        self._sns = sns
        self._topic_arn = topic_arn

    def publish(
        self, recipient: str, subject: str, email: str, sms: str, kind: str, alert_id: str = ""
    ) -> str:
        """Publish one page; returns the SNS message id or raises `DeliveryError`.

        One message per protocol (MessageStructure json): e-mail gets the full text,
        SMS the short one; queues and HTTPS endpoints get the e-mail text (`default`).
        """
        message = {"default": email, "email": email, "sms": sms}
        attributes: dict[str, MessageAttributeValueTypeDef] = {
            "recipient": {"DataType": "String", "StringValue": recipient},
            "kind": {"DataType": "String", "StringValue": kind},
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
            raise DeliveryError(f"SNS publish failed: {type(exc).__name__}") from exc
        return str(response["MessageId"])

    def subscribe(self, manager_id: str, protocol: str, endpoint: str) -> str:
        """Subscribe a manager's endpoint, filtered to the alerts addressed to them."""
        if protocol not in PROTOCOLS:
            raise ValueError(f"protocol must be one of {', '.join(PROTOCOLS)}")
        response = self._sns.subscribe(
            TopicArn=self._topic_arn,
            Protocol=protocol,
            Endpoint=endpoint,
            Attributes={"FilterPolicy": json.dumps({"recipient": [manager_id]})},
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
