"""Secrets from Secrets Manager: one JSON document per stage, read once per container.

Values are never logged; `Secrets.__repr__` shows key names only.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from .errors import ConfigError

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager.client import SecretsManagerClient

CACHE_SECONDS = 300


class Secrets:
    def __init__(
        self,
        client: SecretsManagerClient,
        secret_id: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._secret_id = secret_id
        self._clock = clock
        self._values: dict[str, str] | None = None
        self._loaded_at = 0.0

    def get(self, key: str) -> str | None:
        """The value for `key`, or None when absent or empty."""
        value = self._load().get(key)
        return value or None

    def require(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise ConfigError(f"secret {key!r} is not set in {self._secret_id}")
        return value

    def _load(self) -> dict[str, str]:
        if self._values is None or self._clock() - self._loaded_at > CACHE_SECONDS:
            response = self._client.get_secret_value(SecretId=self._secret_id)
            try:
                values = json.loads(response["SecretString"])
            except (KeyError, json.JSONDecodeError) as exc:
                raise ConfigError(f"secret {self._secret_id} is not a JSON object") from exc
            if not isinstance(values, dict):
                raise ConfigError(f"secret {self._secret_id} is not a JSON object")
            self._values = {str(k): str(v) for k, v in values.items() if v is not None}
            self._loaded_at = self._clock()
        return self._values

    def __repr__(self) -> str:
        keys = sorted(self._values) if self._values else "not loaded"
        return f"Secrets({self._secret_id!r}, keys={keys})"
