"""Page the on-duty manager, once per incident, when a source fails or goes silent.

A poller records its health (last success, last error, failures in a row) after every
run (`sources/health.py`). The every-minute job asks which sources need a page and sends one
plain page each — no acknowledge link: the page goes away by itself when the source
recovers, and the next incident pages again.
"""

from __future__ import annotations

from datetime import datetime

from ...errors import DeliveryError
from ...i18n import DEFAULT, EN, Lang, choose
from ...logs import get_logger
from ...model import parse_time
from ...sources import health as source_health
from ...sources import pricing, registry
from ...store import StateTable
from ..roster.team import Team
from . import sms
from .notify import Notifier

log = get_logger("alerts.source_health")


def describe(
    health: source_health.Health, now: datetime, timezone: str, lang: Lang = EN
) -> tuple[str, str, str]:
    """Subject, e-mail text and SMS text (one GSM-7 segment) of a source-health page, in
    the reader's language."""

    def local(stamp: str | None) -> str:
        if not stamp:
            return lang.gettext("never")
        return lang.moment(parse_time(stamp), "EEE dd MMM HH:mm", timezone)

    if health.consecutive_failures:
        problem = lang._("failed %(count)s runs in a row", count=health.consecutive_failures)
    else:
        problem = lang.gettext("has been silent")
    known = registry.BY_NAME.get(health.source)
    name = lang.gettext(known.display) if known else health.source
    subject = lang._("[Source] %(name)s %(problem)s", name=name, problem=problem)
    lines = [
        lang._(
            "The %(name)s source %(problem)s: posts from it are not coming in.",
            name=name,
            problem=problem,
        ),
        lang._("Last success: %(when)s", when=local(health.last_success)),
    ]
    if health.last_error:
        when = local(health.last_error_at)
        lines.append(lang._("Last error (%(when)s): %(error)s", when=when, error=health.last_error))
    if health.month_reads and health.source in pricing.PRICE_PER_READ:
        spent = pricing.dollars(health.source, health.month_reads)
        lines.append(
            lang._("Spent at X this month (%(month)s): $%(spent)s", month=health.month,
                   spent=f"{spent:,.2f}")
        )  # fmt: skip
    lines.append(
        lang.gettext("Ask an engineer to check the logs; you will not be paged again for this.")
    )
    last = lang._("Last success %(when)s.", when=local(health.last_success))
    text = sms.fold(f"{subject}. {last}")
    return subject, "\n".join(lines), sms.cut(text, sms.SEGMENT)


def page_unhealthy_sources(
    *,
    state: StateTable,
    team: Team,
    notifier: Notifier,
    now: datetime,
    timezone: str,
    locale: str = DEFAULT,
) -> list[str]:
    """Page about every source that needs it, in the reader's language (their own, else
    the team's `locale`); returns the sources paged."""
    paged = []
    for health in source_health.sources_to_page(state, now):
        chain = team.on_call(now).chain
        if not chain:
            log.error(
                "source unhealthy and nobody on duty", extra={"fields": {"source": health.source}}
            )
            continue
        lang = Lang(choose(team.locale_of(chain[0]), locale))
        subject, email, text = describe(health, now, timezone, lang)
        try:
            notifier.publish(chain[0], subject, email, text, kind="source-health")
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
