"""Settings, read once from the environment (`Settings.from_env`) and passed down.

Nothing below `app.py` reads `os.environ`; the names here are the contract with
`.chalice/config.json` and with the outputs of `infra/template.yaml`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
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

# The case desk's defaults (docs/oncall.md): which priority band is paged how, and how
# soon a case of each band should be answered. "medium" is the policy's "normal" band.
BANDS = ("high", "normal", "low")
CHANNELS = ("sms", "email")
DEFAULT_ROUTING = "high=sms+email,medium=email,low=board"
DEFAULT_TARGETS = "high=15,medium=60"
# The triage function's SQS event source: up to 20 messages (500 mentions) an invocation,
# gathered for at most a second when the queue is quiet (AWS requires a window above 10).
# Per-invocation reads and writes (the day lists, rounding of 100-key requests) are then
# spread over twice as many mentions; a quiet queue's post waits up to 1 s longer.
TRIAGE_BATCH_SIZE = 20
TRIAGE_BATCHING_WINDOW_SECONDS = 1
BASE_URL = re.compile(r"^https?://[A-Za-z0-9.:_/-]+$")
BASE_URL_LIMIT = 100  # the case link must leave room in a one-segment SMS


def _band(name: str) -> str:
    band = {"medium": "normal"}.get(name.strip().lower(), name.strip().lower())
    if band not in BANDS:
        raise ConfigError(f"unknown band {name!r}: high, medium or low")
    return band


def parse_routing(text: str) -> dict[str, tuple[str, ...]]:
    """ "high=sms+email,medium=email,low=board" -> {"high": ("sms", "email"), ...}."""
    routing: dict[str, tuple[str, ...]] = dict.fromkeys(BANDS, ())
    for part in filter(None, (p.strip() for p in text.split(","))):
        band, _, channels = part.partition("=")
        picked = tuple(c.strip() for c in channels.split("+") if c.strip() not in ("", "board"))
        if any(c not in CHANNELS for c in picked):
            raise ConfigError(f"ALERT_ROUTING: {part!r}: channels are sms, email or board")
        routing[_band(band)] = picked
    return routing


def parse_targets(text: str) -> dict[str, int]:
    """ "high=15,medium=60" -> {"high": 15, "normal": 60} (minutes; a band left out: none)."""
    targets: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        band, _, minutes = part.partition("=")
        if not minutes.strip().isdigit() or int(minutes) < 1:
            raise ConfigError(f"RESPONSE_TARGETS: {part!r}: minutes must be a whole number >= 1")
        targets[_band(band)] = int(minutes)
    return targets


# minutes from the page to the acknowledgement, per alert band (alerts/roster/policy.py)
RESPONSE_TARGETS: Mapping[str, int] = MappingProxyType(parse_targets(DEFAULT_TARGETS))


@dataclass(frozen=True)
class Settings:
    stage: str
    mentions_table: str
    state_table: str
    queue_name: str
    dead_letter_queue: str
    alerts_topic: str
    secrets_id: str  # webhook secrets and network credentials; the signing key is apart
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
    # the team's language (TEAM_LOCALE: nl or en); a manager's own choice wins
    # (alerts/roster/team.py)
    locale: str = "nl"
    routing: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: parse_routing(DEFAULT_ROUTING)
    )
    # minutes to acknowledge per band: the case desk's reminders, the board, the digest
    response_targets: Mapping[str, int] = field(default_factory=lambda: dict(RESPONSE_TARGETS))
    sms_per_hour: int = 8  # the team's SMS budget; beyond it, e-mail and one catch-up SMS
    board_grace_minutes: int = 60  # a board link outlives its shift by this much
    # urgency kinds whose posts join one incident (alerts/paging/incidents); "" turns grouping off
    incident_kinds: tuple[str, ...] = ("outage",)
    # Closing the loop (docs/digest.md): the minus->plus window, who owns which lesson
    # theme, when the weekly lessons go out.
    turnaround_days: int = 14
    lesson_owners: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    lessons_local_hour: int = 9
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def signing_secret_id(self) -> str:
        """The secret holding `ack_signing_key` alone (`{secrets_id}/signing`): only the
        functions that sign or verify case codes and board passes may read it."""
        return f"{self.secrets_id}/signing"

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
            locale=parse_locale(env.get("TEAM_LOCALE", "")),
            routing=parse_routing(env.get("ALERT_ROUTING", "") or DEFAULT_ROUTING),
            response_targets=parse_targets(env.get("RESPONSE_TARGETS", "") or DEFAULT_TARGETS),
            sms_per_hour=number("SMS_PER_HOUR", 8),
            board_grace_minutes=number("BOARD_GRACE_MINUTES", 60),
            incident_kinds=tuple(
                k.strip() for k in env.get("INCIDENT_KINDS", "outage").split(",") if k.strip()
            ),
            turnaround_days=number("TURNAROUND_WINDOW_DAYS", 14),
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
        base = settings.public_base_url
        if base and (not BASE_URL.match(base) or len(base) > BASE_URL_LIMIT):
            raise ConfigError(
                f"PUBLIC_BASE_URL must be an http(s) URL of letters, digits and . : _ / -,"
                f" at most {BASE_URL_LIMIT} characters (it goes into every SMS)"
            )
        if settings.sms_per_hour < 0 or settings.board_grace_minutes < 0:
            raise ConfigError("SMS_PER_HOUR and BOARD_GRACE_MINUTES must be 0 or more")
        if not 0 <= settings.lessons_local_hour <= 23:
            raise ConfigError("LESSONS_LOCAL_HOUR must be 0..23")
        if not 1 <= settings.turnaround_days <= 60:
            raise ConfigError("TURNAROUND_WINDOW_DAYS must be 1..60")
        return settings


def parse_locale(raw: str) -> str:
    """TEAM_LOCALE: "nl" (the default), "en", or a regional form ("nl-BE", "en_GB")."""
    from .i18n import DEFAULT, LOCALES, normalise

    if not raw.strip():
        return DEFAULT
    found = normalise(raw)
    if found is None:
        raise ConfigError(f"TEAM_LOCALE {raw.strip()!r}: one of {', '.join(LOCALES)}")
    return found


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
