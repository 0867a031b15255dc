"""Hand normalised mentions to the SQS queue, batched.

A message carries up to `MAX_PER_MESSAGE` mentions (``{"v": 1, "mentions": [...]}``;
the brand's own posts travel in messages of their own, ``{"v": 1, "mentions": [],
"brand_posts": [...]}``, which a consumer that does not know them reads as empty),
and up to 10 messages go in one SendMessageBatch request: 1,000 polled mentions cost
4 requests, not 1,000. Anything SQS refuses is retried once, then raised as
`DeliveryError`, so the caller (a webhook answering 5xx, a poller keeping its cursor)
never acknowledges a post it did not queue.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from ..activity import BrandPost
from ..errors import DeliveryError, MalformedPayload
from ..model import Mention

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient

MAX_PER_MESSAGE = 25
MAX_MESSAGE_BYTES = 200_000  # SQS allows 256 KiB per message and per batch
MAX_BATCH_BYTES = 250_000
FORMAT_VERSION = 1
REPLACEMENT = "\ufffd"
# json.loads joins an escaped surrogate pair into one code point: whatever is left is lone
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def encode(mentions: Sequence[Mention], brand_posts: Sequence[BrandPost] = ()) -> str:
    """The message body: UTF-8-safe JSON, each lone UTF-16 surrogate replaced by U+FFFD.

    JSON may spell a lone surrogate (``"\\ud800"``) and `json.loads` hands it on as a str
    that no UTF-8 encoder (ours, SQS's, DynamoDB's) accepts. Every source reaches SQS
    through here, so this is the one place the post is mended: it is queued with U+FFFD
    where the half character was, and the good posts beside it are queued too.
    """
    message: dict[str, object] = {"v": FORMAT_VERSION, "mentions": [m.to_dict() for m in mentions]}
    if brand_posts:
        message["brand_posts"] = [post.to_dict() for post in brand_posts]
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    return _LONE_SURROGATE.sub(REPLACEMENT, text)


def decode(body: str) -> list[Mention]:
    """Message body -> mentions. Raises `MalformedPayload` for anything else."""
    try:
        data = json.loads(body)
        if data.get("v") != FORMAT_VERSION:
            raise MalformedPayload(f"unknown message version {data.get('v')!r}")
        return [Mention.from_dict(item) for item in data["mentions"]]
    except MalformedPayload:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise MalformedPayload(f"not a mentions message: {exc}") from exc


def decode_brand_posts(body: str) -> list[BrandPost]:
    """The brand's own posts in a message (none in most). `MalformedPayload` if unreadable."""
    try:
        data = json.loads(body)
        return [BrandPost.from_dict(item) for item in data.get("brand_posts") or []]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise MalformedPayload(f"not a brand posts message: {exc}") from exc


def messages(mentions: Iterable[Mention]) -> Iterator[str]:
    """Pack mentions into as few message bodies as the limits allow."""
    chunk: list[Mention] = []
    for mention in mentions:
        candidate = [*chunk, mention]
        if chunk and (
            len(candidate) > MAX_PER_MESSAGE or len(encode(candidate).encode()) > MAX_MESSAGE_BYTES
        ):
            yield encode(chunk)
            chunk = [mention]
        else:
            chunk = candidate
    if chunk:
        yield encode(chunk)


class Intake:
    def __init__(self, sqs: SQSClient, queue_url: str) -> None:
        self._sqs = sqs
        self._queue_url = queue_url

    def enqueue(self, mentions: Sequence[Mention], brand_posts: Sequence[BrandPost] = ()) -> int:
        """Queue every mention (and brand post) or raise `DeliveryError`. Returns the
        messages sent."""
        bodies = list(messages(mentions))
        bodies += [
            encode([], brand_posts[i : i + MAX_PER_MESSAGE])
            for i in range(0, len(brand_posts), MAX_PER_MESSAGE)
        ]
        sent = 0
        for batch in _batches(bodies):
            self._send(batch)
            sent += len(batch)
        return sent

    def _send(self, bodies: list[str]) -> None:
        pending = {str(i): body for i, body in enumerate(bodies)}
        for _attempt in range(2):
            try:
                response = self._sqs.send_message_batch(
                    QueueUrl=self._queue_url,
                    Entries=[{"Id": i, "MessageBody": b} for i, b in pending.items()],
                )
            except Exception as exc:  # botocore errors of every kind: the post is not queued
                raise DeliveryError(f"SQS refused the batch: {type(exc).__name__}") from exc
            failed = {f["Id"] for f in response.get("Failed", [])}
            pending = {i: b for i, b in pending.items() if i in failed}
            if not pending:
                return
        raise DeliveryError(f"SQS refused {len(pending)} message(s) twice")


def _batches(bodies: list[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    size = 0
    for body in bodies:
        length = len(body.encode())
        if batch and (len(batch) == 10 or size + length > MAX_BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(body)
        size += length
    if batch:
        yield batch
