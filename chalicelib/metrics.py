"""CloudWatch metrics in the embedded metric format (EMF), with Powertools for AWS Lambda.

A handler hands over what it counted; one JSON line on stdout carries the values, and
CloudWatch Logs turns it into metrics (no PutMetricData call, no IAM permission, no
latency). Namespace `SocialListening`, dimensions `stage` and `service` (the function),
which the alarms in `infra/template.yaml` name:

    triage                MentionsStored, Duplicates, Edited, Alerts, Pages,
                          PostToPage (seconds, one value a page), Quarantined, FailedMessages
    redrive_dead_letters  DeadLetterArrivals, Redriven, Quarantined
    daily_digest          DigestOverdue (1 while yesterday's digest is not sent an hour
                          after its local hour, else 0)
    alerts_every_minute   Pages, Resent, Escalated, Exhausted, Grouped, PageFailures,
                          Reminded, HandedOver, CaughtUp, IncidentUpdates, PostToPage
                          (`alerts.tick`)

A line carries at most `MAX_SAMPLES` values of a timing: Powertools prints a line by
itself at a metric's 100th value, even where metrics are switched off (the local tools'
stdout), and CloudWatch reads at most 100 values a metric from one line anyway.

Chalice handlers take one argument, so Powertools' `log_metrics` decorator does not
fit (it wants `(event, context)`): `emit` adds and flushes itself. Powertools loads on
the first emit (about 60 ms), never at cold start.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

NAMESPACE = "SocialListening"
SECONDS = frozenset({"PostToPage"})
MAX_SAMPLES = 99  # values of one timing in one line (see above)


def emit(
    service: str,
    stage: str,
    counts: Mapping[str, float],
    samples: Mapping[str, Sequence[float]] | None = None,
) -> None:
    """One EMF line: each count (zeros too: an alarm needs its data points) and every
    sample of each timing. Never raises: a metric must not fail the work it counts."""
    try:
        from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

        # Ephemeral: no state shared between instances (Metrics keeps its values in
        # class attributes; across a long-lived process they outlived their flush)
        metrics = EphemeralMetrics(namespace=NAMESPACE, service=service)
        metrics.add_dimension(name="stage", value=stage)
        for name, value in counts.items():
            metrics.add_metric(name=name, unit=MetricUnit.Count, value=float(value))
        for name, values in (samples or {}).items():
            unit = MetricUnit.Seconds if name in SECONDS else MetricUnit.Count
            for value in list(values)[:MAX_SAMPLES]:
                metrics.add_metric(name=name, unit=unit, value=float(value))
        metrics.flush_metrics()
    except Exception:  # Powertools refusing a value, stdout closed…
        # (logs.py is this module's sibling layer: the app's logger by its name)
        logging.getLogger("social-listening.metrics").warning("not written", exc_info=True)
