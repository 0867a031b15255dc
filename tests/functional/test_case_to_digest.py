"""From a page to what the organisation learns, through the routes Lambda runs: a post
arrives by the signed webhook, pages the manager on duty, is acknowledged and resolved on
its case page (an outcome, a note, a lesson), and shows up in the next morning's digest and
the theme owner's weekly mail, each with a view-only link to the case that shows it and
cannot act on it."""

from __future__ import annotations

import email
import json
import re
from datetime import datetime
from email.message import Message

import time_machine
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib.model import iso
from devstack import moto_stack
from tests.functional.conftest import drain, post_webhook, scheduled
from tests.functional.desk import BASE, case_link, csrf_of, post, tap
from tests.functional.test_alerting import at

COMPLAINT = (
    "Al drie dagen storing bij Voltera in Amersfoort, geen internet en niemand belt terug. "
    "Ik zeg mijn abonnement op!"
)
NOTE = "Called back, technician booked for 14:00"
LESSON = "The outage page did not mention Amersfoort"
VIEW_LINK = re.compile(re.escape(BASE) + r"(/c/[A-Za-z0-9_-]{16})")


def mails_to(address: str) -> list[Message]:
    sent = ses_backends[DEFAULT_ACCOUNT_ID][moto_stack.REGION].sent_messages
    return [email.message_from_string(m.raw_data) for m in sent if address in m.destinations]


def part(message: Message, kind: str) -> str:
    for piece in message.walk():
        payload = piece.get_payload(decode=True)
        if piece.get_content_type() == f"text/{kind}" and isinstance(payload, bytes):
            return payload.decode("utf-8")
    raise AssertionError(f"no text/{kind} part")


def invoke_at(client, name: str, moment: datetime) -> None:
    with time_machine.travel(moment, tick=False):
        client.lambda_.invoke(name, scheduled(client, moment))


def assert_view_only(client, path: str, moment: datetime) -> None:
    """The link opens the case (the post, the note, the outcome) with nothing to press."""
    with time_machine.travel(moment, tick=False):
        opened = client.http.get(path)
        assert opened.status_code == 200
        page = opened.body.decode()
        assert "Amersfoort" in page and NOTE in page
        assert csrf_of(page) == "" and "<form" not in page
        refused = post(client, path, {"do": "ack"})
    assert refused.status_code == 403


def test_a_case_resolved_on_its_page_reaches_the_digest_and_the_owner(
    stack, client, secret_values, oncall
):
    # GIVEN a complaint posted Monday morning through the signed webhook
    body = json.dumps(
        {
            "id": "c2d-1",
            "text": COMPLAINT,
            "url": "https://forum.example/t/1",
            "created_at": iso(at("2026-11-23T09:58")),
            "author": {"id": "77", "handle": "marieke", "name": "Marieke", "followers": 4200},
            "lang": "nl",
        }
    ).encode()
    with time_machine.travel(at("2026-11-23T10:00"), tick=False):
        assert (
            post_webhook(client, body, secret_values["generic_webhook_secret"]).status_code == 202
        )
        drain(client, stack)
    (page,) = oncall["ann"].messages()
    path = case_link(page)

    # WHEN ann acknowledges it on its case page and resolves it with an outcome and a lesson
    assert tap(client, path, at("2026-11-23T10:04")).status_code == 200
    resolved = tap(
        client,
        path,
        at("2026-11-23T10:31"),
        "resolve",
        outcome="solved",
        note=NOTE,
        lesson=LESSON,
        theme="network",
    )
    assert resolved.status_code == 200

    # THEN Tuesday's digest tells what was done, with a view-only link to the case
    invoke_at(client, "daily_digest", at("2026-11-24T08:05"))
    (digest,) = mails_to("marketing@example.com")
    text, html = part(digest, "plain"), part(digest, "html")
    assert "1 case resolved: 1 solved" in text
    assert f'"{NOTE}"' in text and LESSON in text
    assert "- network -> network-operations@example.com" in text
    digest_links = VIEW_LINK.findall(html)
    assert digest_links, "the digest links the case"
    assert_view_only(client, digest_links[0], at("2026-11-24T08:30"))

    # AND the network team's weekly mail on the next Monday carries the lesson and a link
    invoke_at(client, "weekly_lessons", at("2026-11-30T09:35"))
    (weekly,) = mails_to("network-operations@example.com")
    assert LESSON in part(weekly, "plain")
    weekly_links = VIEW_LINK.findall(part(weekly, "html"))
    assert weekly_links and set(weekly_links).isdisjoint(digest_links)  # a code per mail
    assert_view_only(client, weekly_links[0], at("2026-11-30T10:00"))
