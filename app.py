"""Social listening for webcare teams — the table of contents.

Intake (webhooks, pollers) -> SQS -> triage -> DynamoDB -> on-call alerts (SNS);
a daily digest (SES). Every handler here is wiring: the work is in `chalicelib/`.
"""

from __future__ import annotations

import os
from datetime import datetime
from urllib.parse import unquote

from chalice import Chalice, Cron, Rate, Response

from chalicelib import batch, logs, wiring
from chalicelib.alerts import pages
from chalicelib.alerts.links import TokenError
from chalicelib.errors import ConfigError, DeliveryError, InputError
from chalicelib.model import parse_time, utc_now
from chalicelib.sources import generic
from chalicelib.webhooks import Webhook, accept

app = Chalice(app_name="social-listening")
logs.configure(os.environ.get("LOG_LEVEL", "INFO"))
log = logs.get_logger("app")

# Read at import time by Chalice to wire the event source (see PLATFORM_NOTES.md).
MENTIONS_QUEUE = os.environ.get("MENTIONS_QUEUE", "social-listening-dev-mentions")


# ---------------------------------------------------------------- intake: webhooks


@app.route("/webhooks/generic", methods=["POST"], content_types=["application/json"])
def generic_webhook() -> Response:
    return _receive(generic, secret_name="generic_webhook_secret")


# ---------------------------------------------------------------- triage


@app.on_sqs_message(queue=MENTIONS_QUEUE, batch_size=10, name="triage")
def triage_mentions(event) -> None:
    records = [batch.QueueRecord(r.to_dict()["messageId"], r.body, r.receipt_handle) for r in event]
    settings = wiring.settings()
    batch.process(
        records,
        wiring.triage().handle_batch,
        sqs=wiring.aws.client("sqs"),
        queue_url=settings.queue_url,
        dead_letter_queue_url=settings.dead_letter_queue_url,
    )


# ---------------------------------------------------------------- alerts


@app.schedule(Rate(1, unit=Rate.MINUTES), name="alerts_every_minute")
def alerts_every_minute(event) -> None:
    wiring.alerts().every_minute(_event_time(event))


@app.route("/alerts/{alert_id}/ack", methods=["GET"])
def acknowledge(alert_id: str) -> Response:
    token = (app.current_request.query_params or {}).get("token", "")
    try:
        result = wiring.alerts().acknowledge(unquote(alert_id), token, utc_now())
    except TokenError as error:
        return _html(403, "Link not valid", f"{error}. Ask the team lead for a new link.")
    except LookupError:
        return _html(404, "Alert not found", "This alert does not exist (any more).")
    alert = result.alert
    if not result.changed:
        return _html(
            200,
            "Already acknowledged",
            f"Acknowledged by {alert.acknowledged_by} at {alert.acknowledged_at}.",
        )
    return _html(
        200,
        "Acknowledged",
        f"Thanks, {alert.acknowledged_by}: the alert is yours. Nobody else will be paged for it.",
    )


@app.route("/alerts/{alert_id}/resolve", methods=["GET"])
def resolve(alert_id: str) -> Response:
    params = app.current_request.query_params or {}
    token, note = params.get("token", ""), params.get("note", "")
    done = pages.after_resolve(
        lambda: wiring.alerts().resolve(unquote(alert_id), token, utc_now(), note=note)
    )
    return _html(done.status, done.title, done.body)


# ---------------------------------------------------------------- digest


@app.schedule(Cron(5, "*", "*", "*", "?", "*"), name="daily_digest")
def daily_digest(event) -> None:
    result = wiring.digest().run(_event_time(event))
    log.info("digest run", extra={"fields": {"day": result.day, "reason": result.reason}})


# ---------------------------------------------------------------- helpers


def _receive(webhook: Webhook, *, secret_name: str) -> Response:
    request = app.current_request
    try:
        secret = wiring.secrets().require(secret_name)
        mentions = accept(
            webhook,
            headers=dict(request.headers),
            raw_body=request.raw_body,
            secret=secret,
            intake=wiring.intake(),
            now=utc_now(),
        )
    except InputError as error:
        return Response({"error": str(error)}, status_code=error.status_code)
    except (DeliveryError, ConfigError) as error:
        log.error("webhook not accepted", extra={"fields": {"reason": str(error)}})
        return Response(
            {"error": "temporarily unavailable, retry later"},
            status_code=503,
            headers={"Retry-After": "30"},
        )
    return Response({"accepted": len(mentions), "ids": [m.id for m in mentions]}, status_code=202)


def _event_time(event) -> datetime:
    """A scheduled event's own time: retries and late starts keep their slot."""
    stamp = getattr(event, "time", None)
    try:
        return parse_time(stamp) if stamp else utc_now()
    except ValueError:
        return utc_now()


def _html(status: int, title: str, body: str) -> Response:
    return Response(
        pages.page(title, body),
        status_code=status,
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
