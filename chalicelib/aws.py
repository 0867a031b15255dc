"""The one place that creates boto3 clients.

Clients are created lazily and cached per container (Lambda reuses a warm
container; creating a client costs ~10-50 ms). `AWS_ENDPOINT_URL` is honoured by
boto3 itself, which is how the local run points everything at moto.
"""

from __future__ import annotations

from functools import cache
from typing import Any

_CONFIG = {
    "retries": {"max_attempts": 4, "mode": "standard"},
    "connect_timeout": 3,
    "read_timeout": 10,
}


@cache
def client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(service, config=Config(**_CONFIG))


def reset() -> None:
    """Forget cached clients (tests switch between moto sessions)."""
    client.cache_clear()
    account_id.cache_clear()


@cache
def account_id() -> str:
    """This account's id (sts:GetCallerIdentity needs no IAM permission)."""
    return client("sts").get_caller_identity()["Account"]


def region() -> str:
    return client("sts").meta.region_name
