"""Social listening for webcare teams — the table of contents.

Intake (webhooks, pollers) -> SQS -> triage -> DynamoDB -> on-call alerts (SNS);
a daily digest and weekly lessons per theme owner (SES). Every handler here is
wiring: the work is in `chalicelib/`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from types import ModuleType
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote

from chalice.app import Chalice, CloudWatchEvent, Cron, Rate, Request, Response, SQSEvent

from chalicelib import aws, config, i18n, logs, metrics, wiring
from chalicelib.alerts.desk import notices, web
from chalicelib.alerts.paging import source_health
from chalicelib.consumer import batch
from chalicelib.errors import (
    ConfigError,
    CredentialsRefused,
    DeliveryError,
    InputError,
    NotFound,
    StoreError,
    TokenError,
)
from chalicelib.intake import webhooks
from chalicelib.intake.webhooks import Webhook, accept
from chalicelib.model import parse_time, utc_now
from chalicelib.sources import (
    catch_up,
    generic,
    google_business,
    meta,
    polling,
    registry,
    threads,
    trustpilot,
    x_webhook,
    xaa_api,
)
from chalicelib.sources.watch import Watched, watch_or_none
from chalicelib.store import keys

if TYPE_CHECKING:  # (imported where a handler needs them: a cold start loads less)
    from chalicelib.alerts.desk.case_desk import Desk
    from chalicelib.consumer.pipeline import BatchOutcome, Message

app = Chalice(app_name="social-listening")
logs.configure(os.environ.get("LOG_LEVEL", "INFO"))
log = logs.get_logger("app")

# Read at import time by Chalice to wire the event source (set the environment first).
MENTIONS_QUEUE = os.environ.get("MENTIONS_QUEUE", "social-listening-dev-mentions")
# SQS is polled no faster than this many triage Lambdas run at once: without it, the
# poller's receives that Lambda throttles count towards maxReceiveCount (and dead-letter
# unprocessed batches). The function's reserved concurrency is set above it (config.json).
TRIAGE_MAX_CONCURRENCY = int(os.environ.get("TRIAGE_MAX_CONCURRENCY", "2"))


@app.middleware("http")
def count_server_errors(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """A 5xx Chalice made of an exception is a successful invocation to Lambda: the API's
    `Errors` never see it. `ServerErrors` (alarm `ApiServerErrors`) counts every one."""
    response = get_response(event)
    if response.status_code >= 500:
        metrics.emit("api", os.environ.get("STAGE", "dev"), {"ServerErrors": 1})
    return response


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
    return _receive(
        _watched(meta), secret_name="meta_app_secret", status_code=200, source="meta_webhook"
    )


@app.route("/webhooks/x", methods=["GET"])
def x_crc() -> Response:
    token = _query("crc_token")
    return _challenge(lambda: x_webhook.crc_response(token, _secret("x_consumer_secret")))


@app.route("/webhooks/x", methods=["POST"], content_types=["application/json"])
def x_activity() -> Response:
    return _receive(
        _watched(x_webhook), secret_name="x_consumer_secret", status_code=200, source="x_webhook"
    )


@app.route("/webhooks/threads", methods=["GET"])
def threads_subscription() -> Response:
    params: dict[str, str] = dict(_request().query_params or {})
    return _challenge(lambda: meta.answer_subscription(params, _secret("threads_verify_token")))


@app.route("/webhooks/threads", methods=["POST"], content_types=["application/json"])
def threads_webhook() -> Response:
    return _receive(
        _watched(threads),
        secret_name="threads_app_secret",
        status_code=200,
        source="threads_webhook",
    )


@app.route("/webhooks/google-business", methods=["POST"], content_types=["application/json"])
def google_business_webhook() -> Response:
    return _receive(
        google_business.push(wiring.secrets()),
        secret_name="gbp_push_audience",
        status_code=200,
        source="google_business_webhook",
        record_deleted=wiring.deleted_reviews().record,
    )


@app.route("/webhooks/trustpilot", methods=["POST"], content_types=["application/json"])
def trustpilot_webhook() -> Response:
    return _receive(
        _watched(trustpilot),
        secret_name="trustpilot_webhook_basic",
        status_code=200,
        source="trustpilot_webhook",
        record_deleted=wiring.deleted_reviews().record,
    )


# ---------------------------------------------------------------- intake: pollers


# One schedule per scheduled source of the registry (chalicelib/sources/registry.py);
# Lambda finds each handler as `app.poll_<name>`.
def _poller(name: str) -> Callable[[CloudWatchEvent], None]:
    def handler(event: CloudWatchEvent) -> None:
        _poll(name, event)

    handler.__name__ = handler.__qualname__ = f"poll_{name}"
    return handler


for _source in registry.scheduled():
    globals()[f"poll_{_source.name}"] = app.schedule(
        Rate(_source.every_minutes or 1, unit=Rate.MINUTES), name=_source.function
    )(_poller(_source.name))


# Webhooks that went quiet: catch up by polling, replay a gap we caused (sources/catch_up.py).
@app.schedule(Rate(15, unit=Rate.MINUTES), name="catch_up")
def catch_up_webhooks(event: CloudWatchEvent) -> None:
    catch_up.run(
        wiring.state(),
        extra=wiring.settings().extra,
        credentials=wiring.secrets(),
        enqueue=wiring.intake().enqueue,
        now=_event_time(event),
        replay=xaa_api.replayer(wiring.secrets()),
    )


# ---------------------------------------------------------------- triage


@app.on_sqs_message(
    queue=MENTIONS_QUEUE,
    batch_size=config.TRIAGE_BATCH_SIZE,
    maximum_batching_window_in_seconds=config.TRIAGE_BATCHING_WINDOW_SECONDS,
    name="triage",
    maximum_concurrency=TRIAGE_MAX_CONCURRENCY,
)
def triage_mentions(event: SQSEvent) -> None:
    records = [batch.QueueRecord(r.to_dict()["messageId"], r.body, r.receipt_handle) for r in event]
    settings = wiring.settings()
    outcomes: list[BatchOutcome] = []

    def handle(messages: Sequence[Message]) -> BatchOutcome:
        outcomes.append(wiring.triage().handle_batch(messages))
        return outcomes[-1]

    try:
        batch.process(records, handle, sqs=aws.sqs(), queue_url=settings.queue_url)
    finally:
        if outcomes:
            metrics.emit("triage", settings.stage, *outcomes[-1].metrics())


# ---------------------------------------------------------------- dead letters


@app.schedule(Rate(5, unit=Rate.MINUTES), name="redrive_dead_letters")
def redrive_dead_letters(event: CloudWatchEvent) -> None:
    """Transient failures back to the queue, with back-off; spent ones quarantined."""
    done = wiring.dead_letters().auto_redrive(_event_time(event))
    counts = {"DeadLetterArrivals": done["arrived"], "Redriven": done["redriven"]}
    counts["Quarantined"] = done["quarantined"]
    metrics.emit("redrive_dead_letters", wiring.settings().stage, counts)


# ---------------------------------------------------------------- alerts


@app.schedule(Rate(1, unit=Rate.MINUTES), name="alerts_every_minute")
def alerts_every_minute(event: CloudWatchEvent) -> None:
    now = _event_time(event)
    tick = wiring.alerts().every_minute(now)
    metrics.emit("alerts_every_minute", wiring.settings().stage, *tick.metrics())
    source_health.page_unhealthy_sources(
        state=wiring.state(),
        team=wiring.team(),
        notifier=wiring.notifier(),
        now=now,
        timezone=wiring.settings().timezone,
        locale=wiring.settings().locale,
    )


# The case desk (chalicelib/alerts/desk/case_desk.py). Opening a page changes nothing; its forms
# POST to the same URL with a CSRF token, so mail scanners and link previews that fetch
# every link can never acknowledge a page by themselves.
FORM = ["application/x-www-form-urlencoded"]


@app.route("/c/{code}", methods=["GET"])
def case_page(code: str) -> Response:
    return _desk(lambda d: d.open_code(code, utc_now(), done=_query("done"), saved=_query("saved")))


@app.route("/c/{code}", methods=["POST"], content_types=FORM)
def case_action(code: str) -> Response:
    return _desk(lambda d: d.act_code(code, _form(), utc_now()))


@app.route("/board/{board_pass}", methods=["GET"])
def shift_board(board_pass: str) -> Response:
    show, refresh = _query("show"), _query("refresh") != "off"  # the board's filter, reload
    return _desk(lambda d: d.open_board(board_pass, utc_now(), show=show, refresh=refresh))


@app.route("/board/{board_pass}", methods=["POST"], content_types=FORM)
def board_action(board_pass: str) -> Response:
    """The board's one form: declare an incident (docs/oncall.md#incidents)."""
    form = _form()
    return _desk(lambda d: d.act_board(board_pass, form, utc_now()))


@app.route("/board/{board_pass}/{alert_id}", methods=["GET"])
def board_case(board_pass: str, alert_id: str) -> Response:
    done, saved = _query("done"), _query("saved")
    return _desk(
        lambda d: d.open_board_case(
            board_pass, unquote(alert_id), utc_now(), done=done, saved=saved
        )
    )


@app.route("/board/{board_pass}/{alert_id}", methods=["POST"], content_types=FORM)
def board_case_action(board_pass: str, alert_id: str) -> Response:
    form = _form()
    return _desk(lambda d: d.act_board_case(board_pass, unquote(alert_id), form, utc_now()))


@app.route("/alerts/{alert_id}/{action}", methods=["GET"])
def signed_link(alert_id: str, action: str) -> Response:
    """A signed link sent before the case desk: on to a case link for the same person."""
    try:
        url = wiring.alerts().legacy_link(unquote(alert_id), _query("token"), utc_now(), action)
    except (TokenError, NotFound) as error:
        return _web(notices.refused(error, _team_locale()))
    return _web(web.Page(303, "", web.new_nonce()), Location=url)


# ---------------------------------------------------------------- digest


@app.schedule(Cron(5, "*", "*", "*", "?", "*"), name="daily_digest")
def daily_digest(event: CloudWatchEvent) -> None:
    now = _event_time(event)
    try:
        result = wiring.digest().run(now)
        log.info("digest run", extra={"fields": {"day": result.day, "reason": result.reason}})
    finally:  # the "digest not sent by its hour + 1" alarm reads this, sent or failed
        metrics.emit("daily_digest", wiring.settings().stage, {"DigestOverdue": _overdue(now)})


def _overdue(now: datetime) -> int:
    """1 from an hour after the digest hour until yesterday's digest is sent."""
    settings = wiring.settings()
    local = now.astimezone(settings.tz)
    if local.hour < settings.digest_local_hour + 1:
        return 0
    claim = wiring.state().get(keys.digest_claim(f"{local.date() - timedelta(days=1)}")) or {}
    return int(claim.get("state") != "sent")


# Hourly on Mondays and Tuesdays (UTC): each theme owner's lessons of the past week go out
# from the team's local LESSONS_LOCAL_HOUR on Monday, once; later fires retry failures.
@app.schedule(Cron(35, "*", "?", "*", "MON,TUE", "*"), name="weekly_lessons")
def weekly_lessons(event: CloudWatchEvent) -> None:
    sent = wiring.lessons().run(_event_time(event))
    log.info("lessons run", extra={"fields": {"sent": sum(r.sent for r in sent.values())}})


# ---------------------------------------------------------------- helpers


def _receive(
    webhook: Webhook,
    *,
    secret_name: str,
    status_code: int = 202,
    source: str = "",
    record_deleted: Callable[[Sequence[str], datetime], None] | None = None,
) -> Response:
    """A signed delivery queued; a push source's delivery (or our failure) is recorded."""
    request = _request()
    try:
        secret = wiring.secrets().require(secret_name)
        delivery = accept(
            webhook,
            headers=dict(request.headers),
            raw_body=_raw_body(),
            secret=secret,
            intake=wiring.intake(),
            now=utc_now(),
            record_deleted=record_deleted,
        )
    except InputError as error:
        return Response({"error": str(error)}, status_code=error.status_code)
    except (DeliveryError, ConfigError, StoreError) as error:
        log.error("webhook not accepted", extra={"fields": {"reason": str(error)}})
        if source:  # a gap we caused (X replays it); refused credentials page once
            reason = str(error) if isinstance(error, CredentialsRefused) else ""
            catch_up.endpoint_failed(wiring.state, source, utc_now(), reason)
        return Response(
            {"error": "temporarily unavailable, retry later"},
            status_code=503,
            headers={"Retry-After": "30"},
        )
    if source:
        wiring.heard().delivered(source, utc_now())
    if delivery.skipped:  # an event type we do not subscribe to: 200, counted
        metrics.emit("webhook", wiring.settings().stage, {"SkippedEvents": len(delivery.skipped)})
    return Response(webhooks.answer(delivery), status_code=status_code)


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


def _desk(show: Callable[[Desk], web.Page]) -> Response:
    try:
        return _web(show(wiring.alerts().desk))
    except (ConfigError, StoreError) as error:  # no region, no secret, DynamoDB down
        log.error("case desk unavailable", extra={"fields": {"reason": str(error)}})
        return _web(notices.unavailable(_team_locale()))


def _team_locale() -> str:
    """The team's language for a page with no reader known, even when settings fail."""
    try:
        return wiring.settings().locale
    except ConfigError:
        return i18n.DEFAULT


def _web(page: web.Page, **more: str) -> Response:
    headers: dict[str, str | list[str]] = {**web.headers(page.nonce), **page.headers, **more}
    return Response(page.body, status_code=page.status, headers=headers)


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
