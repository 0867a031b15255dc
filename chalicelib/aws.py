"""The one place that creates boto3 clients.

Clients are created lazily and cached per container (Lambda reuses a warm container;
creating a client costs ~10-50 ms), one typed factory per service the app calls.
`AWS_ENDPOINT_URL` is honoured by boto3 itself, which is how a local run points
everything at a moto server.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from .errors import ConfigError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_secretsmanager.client import SecretsManagerClient
    from mypy_boto3_ses.client import SESClient
    from mypy_boto3_sns.client import SNSClient
    from mypy_boto3_sqs.client import SQSClient
    from mypy_boto3_sts.client import STSClient


@cache
def _client(service: str) -> Any:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import NoRegionError

    config = Config(
        retries={"max_attempts": 4, "mode": "standard"}, connect_timeout=3, read_timeout=10
    )
    try:
        return boto3.client(service, config=config)  # type: ignore[call-overload]
    except NoRegionError as exc:  # `chalice local` without a region: a clear 503, not a 500
        raise ConfigError(
            "no AWS region: set AWS_DEFAULT_REGION (`make serve` runs the API on moto)"
        ) from exc


def dynamodb() -> DynamoDBClient:
    client: DynamoDBClient = _client("dynamodb")
    return client


def sqs() -> SQSClient:
    client: SQSClient = _client("sqs")
    return client


def sns() -> SNSClient:
    client: SNSClient = _client("sns")
    return client


def ses() -> SESClient:
    client: SESClient = _client("ses")
    return client


def secretsmanager() -> SecretsManagerClient:
    client: SecretsManagerClient = _client("secretsmanager")
    return client


def sts() -> STSClient:
    client: STSClient = _client("sts")
    return client


def reset() -> None:
    """Forget cached clients (tests switch between moto sessions)."""
    _client.cache_clear()
    account_id.cache_clear()


@cache
def account_id() -> str:
    """This account's id (sts:GetCallerIdentity needs no IAM permission)."""
    return sts().get_caller_identity()["Account"]


def region() -> str:
    return sts().meta.region_name
