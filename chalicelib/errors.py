"""Every error the pipeline raises on purpose.

    PipelineError
    ├── ConfigError              settings missing or malformed
    ├── InputError               a request or record we must refuse (never retried)
    │   ├── SignatureError       webhook signature missing or wrong  -> 401
    │   ├── PayloadTooLarge      body over the limit                  -> 413
    │   └── MalformedPayload     not JSON, or required fields missing -> 400
    ├── SourceError              a network poll failed
    │   ├── RetriableSourceError 429 / 5xx / timeouts: try again next run
    │   └── FatalSourceError     401 / 403 / bad query: needs a human
    ├── StoreError               DynamoDB refused or kept failing
    └── DeliveryError            SQS / SNS / SES refused a message

Handlers in `app.py` catch these; library code lets them travel.
"""

from __future__ import annotations


class PipelineError(Exception):
    """Base of every error raised on purpose by this app."""


class ConfigError(PipelineError):
    """A setting is missing or malformed."""


class InputError(PipelineError):
    """Input we refuse; retrying it cannot help."""

    status_code = 400


class SignatureError(InputError):
    """The webhook signature is missing or does not match."""

    status_code = 401


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
    """DynamoDB refused a write or kept failing."""


class DeliveryError(PipelineError):
    """A message could not be handed to SQS, SNS or SES."""
