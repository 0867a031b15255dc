"""Page the on-duty manager, once per incident, when a source fails or goes silent.

A poller records its health (last success, last error, failures in a row) after every
run (`sources/health.py`). The every-minute job asks which sources need a page and sends one
plain page each — no acknowledge link: the page goes away by itself when the source
recovers, and the next incident pages again.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from ...errors import DeliveryError
from ...logs import get_logger
from ...model import parse_time
from ...sources import health as source_health
from ...sources import pricing, registry
from ...store import StateTable
from ..roster.team import Team
from .notify import Notifier

log = get_logger("alerts.source_health")


def describe(health: source_health.Health, now: datetime, timezone: str) -> tuple[str, str, str]:
    """Subject, e-mail text and SMS text of a source-health page."""
    zone = ZoneInfo(timezone)

    def local(stamp: str | None) -> str:
        return parse_time(stamp).astimezone(zone).strftime("%a %d %b %H:%M") if stamp else "never"

    if health.consecutive_failures:
        problem = f"failed {health.consecutive_failures} runs in a row"
    else:
        problem = "has been silent"
    known = registry.BY_NAME.get(health.source)
    name = known.display if known else health.source
    subject = f"[Source] {name} {problem}"
    lines = [
        f"The {name} source {problem}: posts from it are not coming in.",
        f"Last success: {local(health.last_success)}",
    ]
    if health.last_error:
        lines.append(f"Last error ({local(health.last_error_at)}): {health.last_error}")
    if health.month_reads and health.source in pricing.PRICE_PER_READ:
        spent = pricing.dollars(health.source, health.month_reads)
        lines.append(f"Spent at X this month ({health.month}): ${spent:,.2f}")
    lines.append("Ask an engineer to check the logs; you will not be paged again for this.")
    sms = f"{subject}. Last success {local(health.last_success)}."
    return subject, "\n".join(lines), sms


def page_unhealthy_sources(
    *, state: StateTable, team: Team, notifier: Notifier, now: datetime, timezone: str
) -> list[str]:
    """Page about every source that needs it; returns the sources paged."""
    paged = []
    for health in source_health.sources_to_page(state, now):
        chain = team.on_call(now).chain
        if not chain:
            log.error(
                "source unhealthy and nobody on duty", extra={"fields": {"source": health.source}}
            )
            continue
        subject, email, sms = describe(health, now, timezone)
        try:
            notifier.publish(chain[0], subject, email, sms, kind="source-health")
        except DeliveryError:
            log.warning(
                "source-health page not sent; next minute retries",
                extra={"fields": {"source": health.source}},
            )
            continue
        source_health.mark_paged(state, health.source, now)
        log.warning(
            "source-health page sent",
            extra={
                "fields": {
                    "source": health.source,
                    "failures": health.consecutive_failures,
                    "recipient": chain[0],
                }
            },
        )
        paged.append(health.source)
    return paged
