"""The case desk on moto, through the Chalice routes: case codes, the case page, the board,
handover, the SMS budget, pages SNS refuses for good, and the security of it all.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import replace
from datetime import timedelta
from typing import Any

import boto3
import time_machine
from botocore.exceptions import ClientError

from chalicelib import wiring
from chalicelib.alerts.paging.budget import PhoneBudget
from chalicelib.alerts.paging.notify import filter_policy
from chalicelib.alerts.record import codes, links
from chalicelib.alerts.roster.policy import Policy
from chalicelib.model import Author
from chalicelib.store import keys
from tests.functional.conftest import Inbox
from tests.functional.desk import BASE, act, board_link, case_link, csrf_of, post, tap
from tests.functional.test_alerting import at, negative

TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
            "ConditionCheck": "ConditionCheckItem"}  # fmt: skip

NOW = at("2026-11-23T10:00")
LONG = "Three days without internet and nobody helps. " * 12 + "Cancelling!"


def page_of(oncall, manager: str = "ann") -> dict[str, Any]:
    (envelope,) = oncall[manager].messages()
    return envelope


def state_items() -> list[dict[str, Any]]:
    return boto3.client("dynamodb").scan(TableName=wiring.settings().state_table)["Items"]


def assert_secure(response: Any) -> None:
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "form-action 'self'" in policy and "unsafe-inline" not in policy
    assert "script-src" not in policy  # nothing may run: default-src 'none'
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Frame-Options"] == "DENY"
    body = response.body.decode()
    assert "<script" not in body and ' style="' not in body
    nonce = re.search(r"style-src 'nonce-([^']+)'", policy)
    styles = re.findall(r'<style nonce="([^"]+)">', body)
    assert nonce and styles in ([], [nonce.group(1)])


# ---------------------------------------------------------------- security


def test_every_case_desk_answer_carries_the_security_headers(client, oncall):
    wiring.alerts().alert_for(negative("1"), NOW)
    envelope = page_of(oncall)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        answers = [
            client.http.get(case_link(envelope)),
            client.http.get(board_link(envelope)),
            client.http.get(board_link(envelope) + "/alert:x:1"),
            client.http.get("/c/AAAAAAAAAAAAAAAA"),
            client.http.get("/c/not-a-code"),
            client.http.get("/board/ann.zzzzzz.AAAAAAAAAAAAAAAAAAAAAA"),
            post(client, case_link(envelope), {"do": "ack"}),
            act(client, case_link(envelope)),
        ]
    assert [a.status_code for a in answers] == [200, 200, 200, 403, 403, 403, 403, 200]
    for answer in answers:
        assert_secure(answer)
    # two answers, two nonces
    first, second = (re.search(r"nonce-([^']+)", a.headers["Content-Security-Policy"]) for a in
                     answers[:2])  # fmt: skip
    assert first and second and first.group(1) != second.group(1)


def test_a_guessed_expired_other_recipient_or_replayed_code_is_refused(client, oncall):
    service = wiring.alerts()
    service.alert_for(negative("1"), NOW)
    path = case_link(page_of(oncall))
    before = state_items()
    when = NOW + timedelta(minutes=2)
    with time_machine.travel(when, tick=False):
        guessed = client.http.get("/c/" + secrets.token_urlsafe(12))
        # a code issued for bob, who was never paged for this case
        bobs = service.codes.issue("alert:x:1", "bob", when)
        foreign = client.http.get(f"/c/{bobs}")
    with time_machine.travel(NOW + timedelta(hours=73), tick=False):
        expired = client.http.get(path)
    assert (guessed.status_code, foreign.status_code, expired.status_code) == (403, 403, 403)
    assert b"sent to someone else" in foreign.body and b"expired" in expired.body
    assert service.get("alert:x:1").state == "sent"
    assert len(state_items()) == len(before) + 1  # bob's code, nothing else

    # replayed: the same form sent twice acts once
    with time_machine.travel(when, tick=False):
        form = {"csrf": csrf_of(client.http.get(path).body), "do": "ack"}
        first = post(client, path, form)
        replay = post(client, path, {**form, "do": "resolve", "outcome": "no_action"})
    assert first.status_code == 200 and replay.status_code == 403
    assert b"this form was sent already" in replay.body
    assert service.get("alert:x:1").state == "acknowledged"


def test_a_post_without_the_csrf_token_or_with_another_cases_token_is_refused(
    client,
    oncall,
):
    service = wiring.alerts()
    service.alert_for(negative("1"), NOW)
    service.alert_for(negative("2"), NOW)
    one, two = (case_link(e) for e in oncall["ann"].messages())
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        missing = post(client, one, {"do": "ack"})
        forged = post(client, one, {"do": "ack", "csrf": "1.2.3"})
        borrowed = post(client, one, {"do": "ack", "csrf": csrf_of(client.http.get(two).body)})
    assert [r.status_code for r in (missing, forged, borrowed)] == [403, 403, 403]
    assert b"security token" in missing.body
    assert {service.get(i).state for i in ("alert:x:1", "alert:x:2")} == {"sent"}


def test_opening_a_case_or_a_board_changes_nothing(client, oncall):
    wiring.alerts().alert_for(negative("1"), NOW)
    envelope = page_of(oncall)
    before = sorted(json.dumps(i, sort_keys=True) for i in state_items())
    for path in (case_link(envelope), board_link(envelope), board_link(envelope) + "/alert:x:1"):
        assert client.http.get(path).status_code == 200
    assert sorted(json.dumps(i, sort_keys=True) for i in state_items()) == before


def test_a_view_code_shows_the_case_with_no_form_and_cannot_act(client, oncall):
    service = wiring.alerts()
    service.alert_for(negative("1"), NOW)
    code = wiring.case_codes().issue("alert:x:1", "digest", NOW, scope="view")
    url = codes.case_url(wiring.settings().public_base_url, code)
    path = url.removeprefix(BASE)
    opened = client.http.get(path)
    assert opened.status_code == 200 and b"<form" not in opened.body
    assert b"View only" in opened.body and b"Worst service ever" in opened.body
    assert_secure(opened)
    tried = post(client, path, {"do": "ack", "csrf": "x"})
    assert tried.status_code == 403 and service.get("alert:x:1").state == "sent"


# ---------------------------------------------------------------- the case page


def test_the_case_page_shows_the_post_author_reasons_timeline_in_local_time_and_history(
    client,
    oncall,
):
    service = wiring.alerts()
    # GIVEN the same author complained last week, and now again with a long post
    service.alert_for(
        negative("old", text="Outage again, still no refund"), NOW - timedelta(days=6)
    )
    oncall["ann"].messages()
    service.alert_for(negative("1", priority=85, text=LONG), NOW)
    path = case_link(page_of(oncall))
    tap(client, path, NOW + timedelta(minutes=3))
    body = client.http.get(path).body.decode()
    assert LONG.split(" #")[0][:500].replace("!", "") in body  # the whole post, not 280
    assert "Boze Klant (@boze_klant)" in body and "15.3k followers" in body
    assert 'href="https://x.com/boze_klant/status/1"' in body
    assert 'rel="noreferrer noopener"' in body
    assert "urgency: cancel" in body and "reach: 15.3k followers" in body
    # times in Amsterdam (10:00), never UTC (09:00)
    assert "Mon 23 Nov 10:00</span> Paged ann (SMS + e-mail)" in body
    assert "Mon 23 Nov 10:03</span> Acknowledged by ann" in body
    assert "Earlier from Boze Klant (@boze_klant)" in body
    assert "Outage again, still no refund" in body and "negative -0.80" in body
    assert "Acknowledge: I am on it" not in body  # acknowledged already
    assert 'name="outcome" value="turned_positive"' in body


def test_a_facebook_authors_case_names_them_and_shows_no_reach_it_does_not_know(client, oncall):
    # GIVEN a Facebook comment: Meta sends a name, no handle and no follower count
    facebook = replace(
        negative("fb1"),
        source="facebook",
        url="https://www.facebook.com/44444444_444444444",
        author=Author("77", "", "Annelies Peeters", 0),
    )
    wiring.mentions().insert(facebook)
    wiring.alerts().alert_for(facebook, NOW)
    body = client.http.get(case_link(page_of(oncall))).body.decode()
    # THEN the case page names her, and says nothing about followers
    assert '<div class="meta">Annelies Peeters · Facebook · ' in body
    assert "followers" not in body.split("Why it paged")[0]


def test_resolving_needs_an_outcome_and_keeps_note_lesson_and_theme_for_the_digest(
    client,
    oncall,
):
    service = wiring.alerts()
    seen: list[Any] = []
    service.events.subscribe(lambda event: seen.append(event.alert))
    service.alert_for(negative("1"), NOW)
    path = case_link(page_of(oncall))
    later = NOW + timedelta(minutes=20)
    missing = tap(client, path, later, do="resolve", note="done")
    assert missing.status_code == 400 and b"choose how the case ended" in missing.body
    assert service.get("alert:x:1").state == "sent"
    done = tap(
        client, path, later, do="resolve", outcome="turned_positive", note="Called, refund done",
        lesson="The outage page was out of date", theme="network",
    )  # fmt: skip
    assert done.status_code == 200 and b"Resolved" in done.body
    stored = service.get("alert:x:1")
    assert (stored.outcome, stored.lesson, stored.lesson_theme) == (
        "turned_positive",
        "The outage page was out of date",
        "network",
    )
    assert seen[-1].outcome == "turned_positive" and seen[-1].lesson == stored.lesson
    assert b"Lesson (network): The outage page was out of date" in done.body


def test_handing_over_gives_the_colleague_the_case_and_a_link_of_their_own(
    client,
    oncall,
):
    service = wiring.alerts()
    service.alert_for(negative("1"), NOW)
    anns = case_link(page_of(oncall))
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        kept = csrf_of(client.http.get(anns).body)  # a second tab, opened before
        handed = act(client, anns, "handover", to="bob", note="billing question, yours")
    assert handed.status_code == 200 and b"Handed over" in handed.body
    (told,) = oncall["bob"].messages()
    assert told["Message"].startswith('HANDED OVER by ann: "billing question, yours"')
    bobs = case_link(told)
    assert bobs != anns
    # ann can still read it, not change it; bob can
    with time_machine.travel(NOW + timedelta(minutes=3), tick=False):
        again = post(client, anns, {"csrf": kept, "do": "resolve", "outcome": "solved"})
        readonly = client.http.get(anns).body
    assert again.status_code == 403 and b"This case is with bob now" in again.body
    assert b'name="csrf"' not in readonly and b"This case is with bob now" in readonly
    stored = service.get("alert:x:1")
    assert (stored.holder, stored.state) == ("bob", "acknowledged")
    assert stored.handovers[0]["from"] == "ann" and stored.handovers[0]["to"] == "bob"
    board = client.http.get(board_link(told)).body.decode()
    assert "Yours: acknowledged, not resolved (1)" in board and "Worst service ever" in board
    assert tap(client, bobs, NOW + timedelta(minutes=4), do="resolve", outcome="solved")
    assert service.get("alert:x:1").resolved_by == "bob"
    # nobody else may be named
    service.alert_for(negative("2"), NOW)
    second = case_link(page_of(oncall))
    nobody = tap(client, second, NOW + timedelta(minutes=5), do="handover", to="mallory")
    assert nobody.status_code == 400 and service.get("alert:x:2").holder is None


# ---------------------------------------------------------------- the board


def test_the_board_lists_open_cases_unacknowledged_first_by_priority_and_time_waiting(
    client,
    oncall,
):
    service = wiring.alerts()
    service.alert_for(negative("urgent", priority=85), NOW)
    urgent = page_of(oncall)
    service.alert_for(negative("medium", priority=50), NOW + timedelta(minutes=2))
    service.alert_for(negative("low", priority=30), NOW + timedelta(minutes=1))
    service.alert_for(negative("older", priority=50), NOW - timedelta(minutes=30))
    oncall["ann"].messages()
    tap(client, case_link(urgent), NOW + timedelta(minutes=3))
    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        board = client.http.get(board_link(urgent)).body.decode()
    waiting, yours = board.split("Yours: acknowledged")
    assert "Waiting: not acknowledged (3)" in waiting
    # by priority, then the one waiting longest: older (P50, 50 min), medium (P50), low
    assert waiting.index("#older") < waiting.index("#medium") < waiting.index("#low")
    assert "#urgent" in yours and "20 min / 15" in yours and "badge late" in yours
    assert "50 min / 60" in waiting  # medium's target is 60 minutes
    assert "4 open cases, oldest waiting 50 min" in board
    # a resolved case leaves the board
    tap(client, case_link(urgent), NOW + timedelta(minutes=21), do="resolve", outcome="answered")
    with time_machine.travel(NOW + timedelta(minutes=22), tick=False):
        after = client.http.get(board_link(urgent)).body.decode()
    assert "#urgent" not in after and "You hold no open case." in after


def test_a_board_pass_is_signed_per_manager_and_lasts_the_shift_plus_grace(
    client,
    oncall,
):
    wiring.alerts().alert_for(negative("1"), at("2026-11-30T02:00"))
    path = board_link(page_of(oncall))
    manager, expires, mac = path.removeprefix("/board/").split(".")
    assert manager == "ann"
    # ann's shift ends Mon 30 Nov 09:00 (bob takes over); the pass lasts 60 min more
    # (and at most 12 hours: tests/functional/test_alerting_revoke.py)
    with time_machine.travel(at("2026-11-30T09:59"), tick=False):
        assert client.http.get(path).status_code == 200
    with time_machine.travel(at("2026-11-30T10:01"), tick=False):
        late = client.http.get(path)
    assert late.status_code == 403 and b"expired" in late.body
    assert client.http.get(f"/board/bob.{expires}.{mac}").status_code == 403
    assert client.http.get(f"/board/ann.{expires}.{mac[:-2]}AA").status_code == 403


# ---------------------------------------------------------------- routing and the phone


def test_sms_subscriptions_get_only_the_pages_routed_to_sms(oncall, stack):
    # GIVEN ann's phone and mailbox stand-ins, each with the filter policy of its protocol
    sqs, sns = boto3.client("sqs"), boto3.client("sns")
    boxes = {}
    for channel in ("sms", "email"):
        url = sqs.create_queue(QueueName=f"ann-{channel}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
        sns.subscribe(
            TopicArn=stack["ALERTS_TOPIC_ARN"], Protocol="sqs", Endpoint=arn["QueueArn"],
            Attributes={"FilterPolicy": json.dumps(filter_policy("ann", channel))},
        )  # fmt: skip
        boxes[channel] = Inbox(f"ann-{channel}", url)
    service = wiring.alerts()
    service.alert_for(negative("high", priority=85), NOW)
    service.alert_for(negative("medium", priority=50), NOW)
    service.alert_for(negative("low", priority=30), NOW)
    texted = [m["Message"] for m in boxes["sms"].messages()]
    mailed = [m["Message"] for m in boxes["email"].messages()]
    assert len(texted) == 1 and "#high" in texted[0]
    assert len(mailed) == 2 and "#medium" in mailed[1]
    assert not any("#low" in m for m in texted + mailed)  # the board only


def test_beyond_the_sms_budget_pages_go_by_email_and_the_phone_gets_one_catch_up(
    oncall, monkeypatch
):
    monkeypatch.setenv("SMS_PER_HOUR", "2")
    wiring.reset()
    wiring.team().set_policy(Policy(escalate_after={"high": 90, "normal": 90, "low": 90}))
    service = wiring.alerts()
    for n in range(4):
        service.alert_for(negative(str(n), priority=85), NOW + timedelta(seconds=n))
    channels = [m["MessageAttributes"]["channels"]["Value"] for m in oncall["ann"].messages()]
    assert channels == ['["sms", "email"]'] * 2 + ['["email"]'] * 2
    assert service.every_minute(NOW + timedelta(minutes=1)).caught_up == []  # this hour: spent
    tick = service.every_minute(at("2026-11-23T11:00"))  # a new hour
    assert tick.caught_up == ["ann"]
    (catch_up,) = oncall["ann"].messages()
    assert catch_up["MessageAttributes"]["kind"]["Value"] == "catch-up"
    assert catch_up["MessageAttributes"]["channels"]["Value"] == '["sms"]'
    assert catch_up["Message"].startswith("2 more cases by e-mail since 10:00 (SMS limit 2/h)")
    assert service.every_minute(at("2026-11-23T11:01")).caught_up == []  # once


def test_no_catch_up_is_sent_for_cases_already_taken_from_the_email(oncall, monkeypatch):
    monkeypatch.setenv("SMS_PER_HOUR", "1")
    wiring.reset()
    service = wiring.alerts()
    first = service.alert_for(negative("1", priority=85), NOW)
    second = service.alert_for(negative("2", priority=85), NOW)  # e-mail only
    key = wiring.signing_secrets().require("ack_signing_key")
    for alert in (first, second):
        token = links.make_token(key, alert.id, "ann", NOW.timestamp())
        service.acknowledge(alert.id, token, NOW + timedelta(minutes=1))
    assert service.every_minute(at("2026-11-23T11:00")).caught_up == []
    assert PhoneBudget(wiring.state(), 1).missed("ann") is None  # settled, owed nothing


# ---------------------------------------------------------------- pages SNS refuses for good


class RefusingSNS:
    """The SNS client, refusing for good (InvalidParameter) what `refuse` says."""

    def __init__(self, real: Any, refuse: Any) -> None:
        self.real = real
        self.refuse = refuse
        self.calls: list[dict[str, Any]] = []

    def publish(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        if self.refuse(kwargs):
            error = {"Error": {"Code": "InvalidParameter", "Message": "Invalid parameter: Subject"}}
            raise ClientError(error, "Publish")
        return self.real.publish(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def _to(kwargs: dict[str, Any]) -> str:
    return str(kwargs["MessageAttributes"]["recipient"]["StringValue"])


def test_a_page_sns_refuses_for_good_goes_plain_then_to_the_next_person_never_forever(
    oncall,
    monkeypatch,
):
    notifier = wiring.notifier()
    # GIVEN SNS refuses every page with a post's text in it, for good
    sns = RefusingSNS(notifier._sns, lambda kw: not kw["Subject"].startswith("Webcare case"))
    monkeypatch.setattr(notifier, "_sns", sns)
    service = wiring.alerts()
    alert = service.alert_for(negative("1", priority=85), NOW)
    assert alert.state == "pending" and alert.plain
    # WHEN the job runs THEN ann gets the plain form: no network text, the case link
    assert service.every_minute(NOW + timedelta(minutes=1)).resent == [alert.id]
    (plain,) = oncall["ann"].messages()
    assert plain["Subject"] == "Webcare case P85" and "/c/" in plain["Message"]
    assert "Worst service" not in plain["Message"]


def test_a_person_sns_refuses_for_good_is_skipped_for_the_next_and_then_the_case_fails(
    oncall,
    monkeypatch,
    caplog,
):
    notifier = wiring.notifier()
    sns = RefusingSNS(notifier._sns, lambda kw: _to(kw) in ("ann", "bob"))
    monkeypatch.setattr(notifier, "_sns", sns)
    service = wiring.alerts()
    alert = service.alert_for(negative("1", priority=85), NOW)
    ticks = [service.every_minute(NOW + timedelta(minutes=m)) for m in range(1, 6)]
    # ann: full, then plain, refused; bob at once: full, plain, refused; then lea
    assert [_to(c) for c in sns.calls] == ["ann", "ann", "bob", "bob", "lea"]
    assert len(oncall["lea"].messages()) == 1 and ticks[-1].failed == []
    stored = service.get(alert.id)
    assert [f["recipient"] for f in stored.failed_pages] == ["ann", "bob"]
    assert stored.escalation_level == 2 and stored.state == "sent"

    # AND when nobody can be paged, the case is "failed" (an ERROR), not retried forever
    sns.refuse = lambda kw: True
    doomed = service.alert_for(negative("2", priority=85), NOW)
    for minute in range(1, 30):
        service.every_minute(NOW + timedelta(minutes=minute))
    stored = service.get(doomed.id)
    assert stored.state == "failed" and stored.pending_page is None
    assert [f["recipient"] for f in stored.failed_pages] == [
        "ann",
        "bob",
        "lea",
        "ann",
        "bob",
        "lea",
    ]
    assert "nobody left" in caplog.text
    assert doomed.id in [a.id for a in service.cases.waiting()]  # still on the board
    assert "gsi1pk" not in wiring.state().get(keys.alert(doomed.id))  # the job is done with it


def test_a_third_of_the_sms_budget_is_kept_for_the_most_urgent_posts(oncall, monkeypatch):
    monkeypatch.setenv("SMS_PER_HOUR", "3")
    wiring.reset()
    service = wiring.alerts()
    # GIVEN three high posts of priority 70 THEN two are texted, one is kept for urgent ones
    for n in range(3):
        service.alert_for(negative(str(n), priority=70), NOW + timedelta(seconds=n))
    # WHEN the "...Cancelling." post of priority 83 comes THEN it still gets its SMS
    service.alert_for(negative("urgent", priority=83), NOW + timedelta(seconds=9))
    channels = [m["MessageAttributes"]["channels"]["Value"] for m in oncall["ann"].messages()]
    assert channels == ['["sms", "email"]'] * 2 + ['["email"]', '["sms", "email"]']


# ---------------------------------------------------------------- least privilege


def _recording() -> list[str]:
    """Every AWS operation the app's clients make from now on, as IAM names them."""
    calls: list[str] = []

    def record(event_name: str, params: dict[str, Any], **_: Any) -> None:
        _, service, operation = event_name.split(".", 2)
        if operation == "TransactWriteItems":  # authorised item by item, by what each does
            kinds = {kind for item in params["TransactItems"] for kind in item}
            calls.extend(f"dynamodb:{TRANSACT[kind]}" for kind in kinds)
            return
        calls.append(f"{service.replace('-', '')}:{operation}")

    for client in (wiring.aws.dynamodb(), wiring.aws.sns(), wiring.aws.secretsmanager()):
        client.meta.events.register("before-parameter-build.*.*", record)
    return calls


def _allowed(function: str) -> set[str]:
    from infra import iam

    statements = iam.policy(function, "prod")["Statement"]
    return {action for statement in statements for action in statement["Action"]}


def test_the_case_desk_and_the_job_call_only_what_their_iam_policies_allow(client, oncall):
    service = wiring.alerts()
    calls = _recording()
    # triage: a post pages (code, board entry, history, the SMS budget)
    service.alert_for(negative("1", priority=85), NOW)
    service.alert_for(negative("2", priority=85), NOW)
    assert set(calls) <= _allowed("triage"), sorted(set(calls) - _allowed("triage"))
    one, two = (case_link(e) for e in oncall["ann"].messages())
    # the API: case pages, acknowledge, the board, hand over, resolve
    calls.clear()
    board = tap(client, one, NOW + timedelta(minutes=1))
    assert board.status_code == 200
    tap(client, two, NOW + timedelta(minutes=1), do="handover", to="bob")
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        client.http.get(board_link(oncall["bob"].messages()[0]))
    tap(client, one, NOW + timedelta(minutes=3), do="resolve", outcome="solved")
    assert set(calls) <= _allowed("api_handler"), sorted(set(calls) - _allowed("api_handler"))
    # the job: reminders, escalation, the shift change and its handover, the catch-up
    third = service.alert_for(negative("3", priority=85), NOW)
    key = wiring.signing_secrets().require("ack_signing_key")
    token = links.make_token(key, third.id, "ann", NOW.timestamp())
    service.acknowledge(third.id, token, NOW)  # ann holds it when her shift ends
    calls.clear()
    for moment in ("2026-11-23T10:20", "2026-11-23T10:40", "2026-11-30T09:00"):
        service.every_minute(at(moment))
    assert "dynamodb:BatchGetItem" in calls and "dynamodb:DeleteItem" in calls
    allowed = _allowed("alerts_every_minute")
    assert set(calls) <= allowed, sorted(set(calls) - allowed)
