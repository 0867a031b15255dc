"""Settings, read once from the environment (`Settings.from_env`) and passed down.

Nothing below `app.py` reads `os.environ`; the names here are the contract with
`.chalice/config.json` and with the outputs of `infra/template.yaml`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError

# environment variable -> stack output of infra/template.yaml
STACK_OUTPUTS = {
    "MENTIONS_TABLE": "MentionsTableName",
    "STATE_TABLE": "StateTableName",
    "MENTIONS_QUEUE": "MentionsQueueName",
    "MENTIONS_QUEUE_URL": "MentionsQueueUrl",
    "DEAD_LETTER_QUEUE": "DeadLetterQueueName",
    "DEAD_LETTER_QUEUE_URL": "DeadLetterQueueUrl",
    "ALERTS_TOPIC": "AlertsTopicName",
    "ALERTS_TOPIC_ARN": "AlertsTopicArn",
    "SECRETS_ID": "SecretsName",
}


# minutes from the page to the acknowledgement, per alert band (alerts/policy.py)
RESPONSE_TARGETS = {"high": 15, "normal": 60, "low": 240}


@dataclass(frozen=True)
class Settings:
    stage: str
    mentions_table: str
    state_table: str
    queue_name: str
    dead_letter_queue: str
    alerts_topic: str
    secrets_id: str
    # Resolved from the names by `wiring` when not given (one lookup per container):
    queue_url: str = ""
    dead_letter_queue_url: str = ""
    alerts_topic_arn: str = ""
    digest_recipients: tuple[str, ...] = ()
    digest_sender: str = ""
    timezone: str = "Europe/Amsterdam"
    digest_local_hour: int = 8
    retention_days: int = 90
    public_base_url: str = "http://localhost:8000"
    brand: str = "our brand"
    # Closing the loop (docs/digest.md): the minus->plus window, response targets per
    # alert band (minutes), who owns which lesson theme, when the weekly lessons go out.
    turnaround_days: int = 14
    response_targets: Mapping[str, int] = field(default_factory=lambda: dict(RESPONSE_TARGETS))
    lesson_owners: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    lessons_local_hour: int = 9
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def need(name: str) -> str:
            value = env.get(name, "").strip()
            if not value:
                raise ConfigError(f"environment variable {name} is not set")
            return value

        def number(name: str, default: int) -> int:
            raw = env.get(name, "").strip()
            try:
                return int(raw) if raw else default
            except ValueError as exc:
                raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc

        settings = cls(
            stage=env.get("STAGE", "dev"),
            mentions_table=need("MENTIONS_TABLE"),
            state_table=need("STATE_TABLE"),
            queue_name=need("MENTIONS_QUEUE"),
            dead_letter_queue=need("DEAD_LETTER_QUEUE"),
            alerts_topic=need("ALERTS_TOPIC"),
            secrets_id=need("SECRETS_ID"),
            queue_url=env.get("MENTIONS_QUEUE_URL", "").strip(),
            dead_letter_queue_url=env.get("DEAD_LETTER_QUEUE_URL", "").strip(),
            alerts_topic_arn=env.get("ALERTS_TOPIC_ARN", "").strip(),
            digest_recipients=tuple(
                r.strip() for r in env.get("DIGEST_RECIPIENTS", "").split(",") if r.strip()
            ),
            digest_sender=env.get("DIGEST_SENDER", "").strip(),
            timezone=env.get("TEAM_TIMEZONE", "Europe/Amsterdam").strip(),
            digest_local_hour=number("DIGEST_LOCAL_HOUR", 8),
            retention_days=number("RETENTION_DAYS", 90),
            public_base_url=env.get("PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/"),
            brand=env.get("BRAND", "our brand"),
            turnaround_days=number("TURNAROUND_WINDOW_DAYS", 14),
            response_targets=_targets(env.get("RESPONSE_TARGETS", "")),
            lesson_owners=parse_lesson_owners(env.get("LESSON_OWNERS", "")),
            lessons_local_hour=number("LESSONS_LOCAL_HOUR", 9),
            extra={k: v for k, v in env.items() if k.startswith("WATCH_")},
        )
        try:
            settings.tz  # noqa: B018 - validate the zone name early
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"unknown TEAM_TIMEZONE {settings.timezone!r}") from exc
        if not 0 <= settings.digest_local_hour <= 23:
            raise ConfigError("DIGEST_LOCAL_HOUR must be 0..23")
        if not 0 <= settings.lessons_local_hour <= 23:
            raise ConfigError("LESSONS_LOCAL_HOUR must be 0..23")
        if not 1 <= settings.turnaround_days <= 60:
            raise ConfigError("TURNAROUND_WINDOW_DAYS must be 1..60")
        return settings


def _targets(raw: str) -> dict[str, int]:
    """ "high=15,normal=60" -> minutes per band, over the defaults."""
    targets = dict(RESPONSE_TARGETS)
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        band, _, minutes = part.partition("=")
        if band.strip() not in RESPONSE_TARGETS or not minutes.strip().isdigit():
            raise ConfigError(f"RESPONSE_TARGETS looks like high=15,normal=60,low=240, not {raw!r}")
        targets[band.strip()] = int(minutes)
    return targets


def parse_lesson_owners(raw: str) -> dict[str, tuple[str, ...]]:
    """LESSON_OWNERS: a JSON object, theme -> an address or a list of them; "*" takes
    the themes nobody owns. Themes are matched case-insensitively, without a leading #."""
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ConfigError(f"LESSON_OWNERS is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError("LESSON_OWNERS must be a JSON object: theme -> e-mail address(es)")
    owners: dict[str, tuple[str, ...]] = {}
    for theme, who in data.items():
        addresses = [who] if isinstance(who, str) else who
        if not isinstance(addresses, list) or not all(
            isinstance(a, str) and "@" in a for a in addresses
        ):
            raise ConfigError(f"LESSON_OWNERS[{theme!r}] must be an e-mail address or a list")
        owners[theme_name(str(theme))] = tuple(a.strip() for a in addresses)
    return owners


def theme_name(theme: str) -> str:
    """How a lesson's theme is compared and stored: folded, trimmed, no leading '#'."""
    return " ".join(theme.split()).lstrip("#").casefold()


def env_from_outputs(outputs: Mapping[str, str]) -> dict[str, str]:
    """Environment variables for the app, from the infra stack's outputs."""
    missing = [out for out in STACK_OUTPUTS.values() if out not in outputs]
    if missing:
        raise ConfigError(f"stack outputs missing: {', '.join(missing)}")
    return {env: outputs[out] for env, out in STACK_OUTPUTS.items()}
