"""Social listening for webcare teams — the table of contents.

Intake (webhooks, pollers) -> SQS -> triage -> DynamoDB -> on-call alerts (SNS);
a daily digest and weekly lessons per theme owner (SES). Every handler here is
wiring: the work is in `chalicelib/`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from types import ModuleType
from urllib.parse import parse_qs, unquote

from chalice.app import Chalice, CloudWatchEvent, Cron, Rate, Request, Response, SQSEvent

from chalicelib import aws, logs, wiring
from chalicelib.alerts import pages, source_health
from chalicelib.consumer import batch
from chalicelib.errors import ConfigError, DeliveryError, InputError, NotFound, TokenError
from chalicelib.intake.webhooks import Webhook, accept
from chalicelib.model import parse_time, utc_now
from chalicelib.sources import generic, meta, polling, x_webhook
from chalicelib.sources.watch import Watched, watch_or_none

app = Chalice(app_name="social-listening")
logs.configure(os.environ.get("LOG_LEVEL", "INFO"))
log = logs.get_logger("app")

# Read at import time by Chalice to wire the event source (set the environment first).
MENTIONS_QUEUE = os.environ.get("MENTIONS_QUEUE", "social-listening-dev-mentions")


# ---------------------------------------------------------------- intake: webhooks


@app.route("/webhooks/generic", methods=["POST"], content_types=["application/json"])
def generic_webhook() -> Response:
    return _receive(generic, secret_name="generic_webhook_secret")


@app.route("/webhooks/meta", methods=["GET"])
def meta_subscription() -> Response:
    params: dict[str, str] = dict(_request().query_params or {})
    return _challenge(lambda: meta.answer_subscription(params, _secret("meta_verify_token")))


@app.route("/webhooks/meta", methods=["POST"], content_types=["application/json"])
def meta_webhook() -> Response:
    return _receive(_watched(meta), secret_name="meta_app_secret", status_code=200)


@app.route("/webhooks/x", methods=["GET"])
def x_crc() -> Response:
    token = _query("crc_token")
    return _challenge(lambda: x_webhook.crc_response(token, _secret("x_consumer_secret")))


@app.route("/webhooks/x", methods=["POST"], content_types=["application/json"])
def x_activity() -> Response:
    return _receive(_watched(x_webhook), secret_name="x_consumer_secret", status_code=200)


# ---------------------------------------------------------------- intake: pollers


@app.schedule(Rate(5, unit=Rate.MINUTES), name="poll_x")
def poll_x(event: CloudWatchEvent) -> None:
    _poll("x", event)


@app.schedule(Rate(2, unit=Rate.MINUTES), name="poll_reddit")
def poll_reddit(event: CloudWatchEvent) -> None:
    _poll("reddit", event)


@app.schedule(Rate(15, unit=Rate.MINUTES), name="poll_feeds")
def poll_feeds(event: CloudWatchEvent) -> None:
    _poll("feeds", event)


# ---------------------------------------------------------------- triage


@app.on_sqs_message(queue=MENTIONS_QUEUE, batch_size=10, name="triage")
def triage_mentions(event: SQSEvent) -> None:
    records = [batch.QueueRecord(r.to_dict()["messageId"], r.body, r.receipt_handle) for r in event]
    settings = wiring.settings()
    batch.process(
        records,
        wiring.triage().handle_batch,
        sqs=aws.sqs(),
        queue_url=settings.queue_url,
        dead_letter_queue_url=settings.dead_letter_queue_url,
    )


# ---------------------------------------------------------------- alerts


@app.schedule(Rate(1, unit=Rate.MINUTES), name="alerts_every_minute")
def alerts_every_minute(event: CloudWatchEvent) -> None:
    now = _event_time(event)
    wiring.alerts().every_minute(now)
    source_health.page_unhealthy_sources(
        state=wiring.state(),
        team=wiring.team(),
        notifier=wiring.notifier(),
        now=now,
        timezone=wiring.settings().timezone,
    )


# Opening a link only shows one button; pressing it POSTs to the same URL. Mail scanners
# that fetch every link in an e-mail can then never acknowledge a page by themselves.
FORM = ["application/x-www-form-urlencoded"]


@app.route("/alerts/{alert_id}/ack", methods=["GET"])
def acknowledge_page(alert_id: str) -> Response:
    return _confirm(alert_id, "ack")


@app.route("/alerts/{alert_id}/ack", methods=["POST"], content_types=FORM)
def acknowledge(alert_id: str) -> Response:
    token = _query("token")
    done = pages.after_ack(lambda: wiring.alerts().acknowledge(unquote(alert_id), token, utc_now()))
    return _html(done.status, done.title, done.body)


@app.route("/alerts/{alert_id}/resolve", methods=["GET"])
def resolve_page(alert_id: str) -> Response:
    return _confirm(alert_id, "resolve")


@app.route("/alerts/{alert_id}/resolve", methods=["POST"], content_types=FORM)
def resolve(alert_id: str) -> Response:
    token, note = _query("token"), _form().get("note", "")
    done = pages.after_resolve(
        lambda: wiring.alerts().resolve(unquote(alert_id), token, utc_now(), note=note)
    )
    return _html(done.status, done.title, done.body)


# ---------------------------------------------------------------- digest


@app.schedule(Cron(5, "*", "*", "*", "?", "*"), name="daily_digest")
def daily_digest(event: CloudWatchEvent) -> None:
    result = wiring.digest().run(_event_time(event))
    log.info("digest run", extra={"fields": {"day": result.day, "reason": result.reason}})


# Hourly on Mondays and Tuesdays (UTC): each theme owner's lessons of the past week go out
# from the team's local LESSONS_LOCAL_HOUR on Monday, once; later fires retry failures.
@app.schedule(Cron(35, "*", "?", "*", "MON,TUE", "*"), name="weekly_lessons")
def weekly_lessons(event: CloudWatchEvent) -> None:
    sent = wiring.lessons().run(_event_time(event))
    log.info("lessons run", extra={"fields": {"sent": sum(r.sent for r in sent.values())}})


# ---------------------------------------------------------------- helpers


def _receive(webhook: Webhook, *, secret_name: str, status_code: int = 202) -> Response:
    request = _request()
    try:
        secret = wiring.secrets().require(secret_name)
        mentions = accept(
            webhook,
            headers=dict(request.headers),
            raw_body=_raw_body(),
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
    return Response(
        {"accepted": len(mentions), "ids": [m.id for m in mentions]}, status_code=status_code
    )


def _watched(webhook: ModuleType) -> Watched:
    return Watched(webhook, watch_or_none(wiring.settings().extra))


def _secret(name: str) -> str:
    return wiring.secrets().require(name)


def _challenge(answer: Callable[[], str | dict[str, str]]) -> Response:
    """A webhook's GET handshake (Meta hub.challenge, X CRC): 403 unless it checks out."""
    try:
        body = answer()
    except (InputError, ConfigError) as error:
        log.warning("webhook handshake refused", extra={"fields": {"reason": str(error)}})
        return Response({"error": "verification failed"}, status_code=403)
    if isinstance(body, str):
        return Response(body, status_code=200, headers={"Content-Type": "text/plain"})
    return Response(body, status_code=200)


def _poll(name: str, event: CloudWatchEvent) -> None:
    context = getattr(event, "context", None)
    polling.scheduled(
        name,
        extra=wiring.settings().extra,
        credentials=wiring.secrets(),
        store=wiring.state(),
        enqueue=wiring.intake().enqueue,
        now=_event_time(event),
        remaining_ms=getattr(context, "get_remaining_time_in_millis", None),
    )


def _event_time(event: CloudWatchEvent) -> datetime:
    """A scheduled event's own time: retries and late starts keep their slot."""
    stamp = getattr(event, "time", None)
    try:
        return parse_time(stamp) if stamp else utc_now()
    except ValueError:
        return utc_now()


def _confirm(alert_id: str, action: str) -> Response:
    try:
        alert = wiring.alerts().authorise(unquote(alert_id), _query("token"), utc_now(), action)
    except (TokenError, NotFound) as error:
        done = pages.refused(error)
        return _html(done.status, done.title, done.body)
    return _page(200, pages.confirm(action, alert))


def _request() -> Request:
    request = app.current_request
    assert request is not None, "only inside a route"
    return request


def _query(name: str) -> str:
    params: dict[str, str] = dict(_request().query_params or {})
    return params.get(name, "")


def _raw_body() -> bytes:
    body = _request().raw_body or b""
    return body.encode() if isinstance(body, str) else bytes(body)


def _form() -> dict[str, str]:
    body = _raw_body().decode("utf-8", errors="replace")
    return {key: values[0] for key, values in parse_qs(body).items()}


def _html(status: int, title: str, body: str) -> Response:
    return _page(status, pages.page(title, body))


def _page(status: int, html: str) -> Response:
    return Response(
        html,
        status_code=status,
        headers={"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"},
    )
