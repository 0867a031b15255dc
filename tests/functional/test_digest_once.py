"""Exactly once, when it is hard: recording "sent" fails after SES accepted (issue 15,
finding 8), a Lambda dies during the SES call, SES's answer is lost. On moto, with faults
injected into the app's own clients (`devstack.chaos.Faults`)."""

from __future__ import annotations

import email
import logging
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from botocore.exceptions import ReadTimeoutError
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib import aws, wiring
from chalicelib.digest.mailer import MaybeSent
from chalicelib.errors import StoreError
from chalicelib.model import iso
from chalicelib.store import keys
from devstack import moto_stack, sample, sample_days
from devstack.chaos import Faults

TZ = ZoneInfo("Europe/Amsterdam")
DAY = date(2026, 11, 22)


def sent() -> list[Any]:
    return list(ses_backends[DEFAULT_ACCOUNT_ID][moto_stack.REGION].sent_messages)


def morning(hour: int, day: date = DAY + timedelta(days=1)) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 5, tzinfo=TZ)


def recording_sent(params: dict[str, Any]) -> bool:
    """The UpdateItem that marks the day's digest claim "sent"."""
    key = params.get("Key", {}).get("pk", {}).get("S", "")
    return (
        key.startswith("digest#")
        and {"S": "sent"} in params.get("ExpressionAttributeValues", {}).values()
    )


@pytest.fixture
def faults(stack: dict[str, str]) -> Iterator[Faults]:
    sample_days.ingest(sample.day_of_posts(DAY, 30, seed=8))
    injected = Faults()
    injected.attach(aws.dynamodb())
    injected.attach(aws.ses())
    yield injected
    injected.detach()


class Records(logging.Handler):
    """Log records of one logger (the app's logger does not propagate to the root)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def errors() -> Iterator[Records]:
    handler = Records()
    logger = logging.getLogger("social-listening.digest")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def test_the_digest_is_not_sent_twice_when_recording_sent_fails_after_ses_accepted(faults, errors):
    # GIVEN DynamoDB refuses every try to record "sent", after SES accepted the digest
    faults.fail("dynamodb", "UpdateItem", times=-1, code="InternalServerError", when=recording_sent)
    service = wiring.digest()

    # WHEN the 08:05 fire sends it
    with pytest.raises(StoreError):
        service.run(morning(8))
    (mail,) = sent()
    # (the ERROR line names what SES accepted, for the operator)
    assert any(getattr(r, "fields", {}).get("message_id") == mail.id for r in errors.records)

    # AND DynamoDB is well again; every later fire that day, and the next morning's
    faults.detach()
    for hour in range(9, 24):
        service.run(morning(hour))
    service.run(morning(8, DAY + timedelta(days=2)))

    # THEN the day's digest went out once, and its claim says it may have gone out
    days = [email.message_from_string(m.raw_data)["Subject"] for m in sent()]
    assert sum("Sun 22 Nov" in subject for subject in days) == 1
    assert wiring.state().get(keys.digest_claim("2026-11-22"))["state"] == "uncertain"


def test_a_store_that_refuses_sent_once_is_asked_again_and_the_digest_counts_as_sent(faults):
    faults.fail("dynamodb", "UpdateItem", times=1, code="ThrottlingException", when=recording_sent)
    result = wiring.digest().run(morning(8))
    assert result.sent and len(sent()) == 1
    claim = wiring.state().get(keys.digest_claim("2026-11-22"))
    assert claim["state"] == "sent" and claim["message_id"] == result.message_id
    assert not wiring.digest().run(morning(9)).sent


def test_a_lambda_that_died_during_the_ses_call_is_not_resent_by_the_schedule_only_on_request(
    faults,
):
    # GIVEN an invocation marked the claim "sending" (about to call SES) and died
    now = morning(8)
    wiring.state().put(
        keys.digest_claim("2026-11-22"),
        {"state": "sending", "attempts": 1, "lease_until": iso(now - timedelta(minutes=1))},
    )
    # WHEN the schedule fires on
    assert "uncertain" in wiring.digest().run(now).reason
    assert "uncertain" in wiring.digest().run(morning(9)).reason
    # THEN nothing is sent by itself (SES may have taken it), but an operator can resend
    assert sent() == []
    assert wiring.digest().resend(DAY, morning(10)).sent
    assert len(sent()) == 1


def test_a_digest_whose_ses_answer_was_lost_is_not_sent_again(faults):
    # GIVEN SES's answer is lost on the way back (a read timeout: it may have sent it)
    def lost(**_: Any) -> None:
        raise ReadTimeoutError(endpoint_url="https://email.eu-west-1.amazonaws.com")

    ses = aws.ses()
    ses.meta.events.register("before-call.ses.SendRawEmail", lost)
    try:
        with pytest.raises(MaybeSent):
            wiring.digest().run(morning(8))
    finally:
        ses.meta.events.unregister("before-call.ses.SendRawEmail", lost)
    # THEN the next fire leaves it alone
    assert "uncertain" in wiring.digest().run(morning(9)).reason
    assert wiring.state().get(keys.digest_claim("2026-11-22"))["state"] == "uncertain"


def test_ses_refusing_the_digest_is_retried_and_sent_once(faults):
    faults.fail("ses", "SendRawEmail", times=1, code="Throttling", status=400)
    with pytest.raises(Exception, match="SES refused"):
        wiring.digest().run(morning(8))
    assert wiring.state().get(keys.digest_claim("2026-11-22"))["state"] == "failed"
    assert wiring.digest().run(morning(9)).sent
    assert not wiring.digest().run(morning(10)).sent
    assert len(sent()) == 1
