"""Every error the pipeline raises on purpose.

    PipelineError
    ├── ConfigError              settings missing or malformed
    ├── CommandError             an operator command cannot run as given (tools/)
    ├── InputError               a request or record we must refuse (never retried) -> 400
    │   ├── SignatureError       webhook signature missing or wrong                 -> 401
    │   ├── TokenError           a link's token is malformed, forged, expired, or
    │   │                        for someone else                                   -> 403
    │   ├── NotFound             what a request names does not exist (any more)     -> 404
    │   ├── PayloadTooLarge      body over the limit                                -> 413
    │   └── MalformedPayload     not JSON, or required fields missing               -> 400
    ├── SourceError              a network poll failed
    │   ├── RetriableSourceError 429 / 5xx / timeouts: try again next run
    │   └── FatalSourceError     401 / 403 / bad query: needs a human
    ├── StoreError               DynamoDB refused or kept failing (`code`: AWS's error code)
    │   ├── ConditionFailed      a conditional write's condition did not hold
    │   └── TransactionCancelled a transaction was cancelled (`reasons`, per item)
    ├── DeliveryError            SQS / SNS / SES refused a message (or a push we must read on
    │   │                        could not be read: the sender redelivers)
    │   ├── PageRefused          SNS refused a page for good (InvalidParameter…)
    │   ├── ReplyRefused         a network refused a reply (`reason`, `advice`, `revoked`)
    │   ├── ReplyUncertain       a reply's request failed half-way: it may be posted
    │   └── CredentialsRefused   a network refused our credentials: the message says what to renew
    └── BatchFailed              some records of a queue batch failed: redeliver them

Handlers in `app.py` catch these; library code lets them travel. The store turns every
botocore error into a `StoreError`, so nothing above it catches `ClientError`.
"""

from __future__ import annotations

from collections.abc import Sequence


class PipelineError(Exception):
    """Base of every error raised on purpose by this app."""


class ConfigError(PipelineError):
    """A setting is missing or malformed."""


class CommandError(PipelineError):
    """An operator command cannot be carried out as given; the message says why."""


class InputError(PipelineError):
    """Input we refuse; retrying it cannot help."""

    status_code = 400


class SignatureError(InputError):
    """The webhook signature is missing or does not match."""

    status_code = 401


class TokenError(InputError):
    """A link's token is malformed, forged, expired or for another alert or person."""

    status_code = 403


class NotFound(InputError):
    """What the request names does not exist (any more)."""

    status_code = 404


class PayloadTooLarge(InputError):
    """The body is larger than we accept."""

    status_code = 413


class MalformedPayload(InputError):
    """The body is not valid JSON or lacks required fields."""

    status_code = 400


class SourceError(PipelineError):
    """Fetching from a network failed."""


class RetriableSourceError(SourceError):
    """Rate limited or a transient failure: the next run may succeed."""

    def __init__(self, message: str, retry_at: float | None = None) -> None:
        super().__init__(message)
        self.retry_at = retry_at  # epoch seconds, when the network told us


class FatalSourceError(SourceError):
    """Credentials or query are wrong: retrying will not help."""


class StoreError(PipelineError):
    """DynamoDB refused a request or kept failing; `code` is AWS's error code."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class ConditionFailed(StoreError):
    """A conditional write's condition did not hold (the store answers False for it)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "ConditionalCheckFailedException")


class TransactionCancelled(StoreError):
    """A transaction was cancelled; `reasons` holds DynamoDB's code per item ("None": fine)."""

    def __init__(self, message: str, reasons: Sequence[str]) -> None:
        super().__init__(message, "TransactionCanceledException")
        self.reasons = list(reasons)


class DeliveryError(PipelineError):
    """A message could not be handed to SQS, SNS or SES."""


class CredentialsRefused(DeliveryError):
    """A network refused our credentials while a push was read (503: redelivered); the
    message names the secret to renew, and source health pages with it."""


class PageRefused(DeliveryError):
    """SNS refused this page for good (e.g. InvalidParameter): the same message never goes."""


class ReplyRefused(DeliveryError):
    """The network refused a reply: nothing was posted. `reason` is a short code
    (expired_token, revoked_token, deleted, not_summoned, too_long, rate_limited,
    refused), `advice` says in plain words what to do; `revoked` asks for the lead."""

    def __init__(self, reason: str, advice: str, *, revoked: bool = False) -> None:
        super().__init__(f"{reason}: {advice}")
        self.reason = reason
        self.advice = advice
        self.revoked = revoked


class ReplyUncertain(DeliveryError):
    """A reply's request failed without an answer (timeout, 5xx): it may be posted."""


class BatchFailed(PipelineError):
    """Some records of a queue batch failed; they will be redelivered."""

    def __init__(self, failed: Sequence[str]) -> None:
        super().__init__(f"{len(failed)} record(s) failed: {', '.join(sorted(failed)[:10])}")
        self.failed = list(failed)
