"""An outage is one incident: one page, one follow-up, escalation on the incident (moto).

The service is called as triage calls it (`alert_for`), time passed explicitly; the
managers' inboxes are SQS queues subscribed to the alerts topic without a channel filter.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest
import time_machine

from chalicelib import wiring
from chalicelib.alerts.paging.incidents import incident_id_for
from chalicelib.model import Author, Mention, Sentiment
from chalicelib.store import keys
from tests.functional.conftest import Inbox
from tests.functional.desk import board_link, case_link, csrf_of, tap
from tests.functional.desk import post as desk_post

AMS = ZoneInfo("Europe/Amsterdam")
OUTAGE = "Storing bij Voltera, al een uur geen internet"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


@pytest.fixture
def duty(oncall: dict[str, Inbox]) -> dict[str, Inbox]:
    """ann on duty (bob her backup, lea the lead) from Mon 23 Nov 2026 09:00: `oncall`."""
    return oncall


def post(
    native_id: str,
    *,
    text: str = OUTAGE,
    priority: float = 70.0,
    followers: int = 1_000,
    kinds: tuple[str, ...] = ("outage",),
    watched: bool = False,
) -> Mention:
    reasons = ("negative sentiment -0.70", *(f"urgency: {k}" for k in kinds))
    if watched:
        reasons += ("watch-list author @pers",)
    mention = Mention(
        source="x",
        native_id=native_id,
        url=f"https://x.com/klant{native_id}/status/{native_id}",
        author=Author(f"a{native_id}", f"klant{native_id}", f"Klant {native_id}", followers),
        text=f"{text} #{native_id}",
        created_at="2026-11-23T09:00:00Z",
        received_at="2026-11-23T09:00:02Z",
        lang="nl",
        sentiment=Sentiment(-0.7, "negative", "lexicon-nl"),
        priority=priority,
        reasons=reasons,
    )
    wiring.mentions().insert(mention)
    return mention


def subjects(inbox: Inbox) -> list[str]:
    return [m.get("Subject", "") for m in inbox.messages()]


def test_an_outage_pages_once_and_the_posts_after_it_join_one_incident(duty):
    service = wiring.alerts()
    # GIVEN five outage posts within three minutes
    for n in range(5):
        service.alert_for(
            post(str(n), followers=1_000 * (n + 1)),
            at("2026-11-23T10:00") + timedelta(minutes=n * 0.75),
        )
    # THEN ann is paged once, for the first
    got = subjects(duty["ann"])
    assert len(got) == 1 and "klant0" in got[0]
    # AND the four after it are posts of one incident, unpaged
    incident = service.get(incident_id_for("alert:x:0"))
    assert incident is not None and incident.kind == "incident"
    assert incident.members == ("alert:x:0", "alert:x:1", "alert:x:2", "alert:x:3", "alert:x:4")
    assert incident.count == 5
    raw = wiring.state().get(keys.alert(incident.id)) or {}
    assert raw["reach"] == 1_000 + 2_000 + 3_000 + 4_000 + 5_000
    for n in range(1, 5):
        joined = service.get(f"alert:x:{n}")
        assert joined is not None and joined.state == "board" and joined.paged == ()
        assert joined.incident_id == incident.id
    assert service.get("alert:x:0").incident_id == incident.id  # type: ignore[union-attr]


def test_the_incident_escalates_once_and_follows_up_once_not_per_post(duty):
    service = wiring.alerts()
    for n in range(6):
        service.alert_for(post(str(n)), at("2026-11-23T10:00") + timedelta(seconds=20 * n))
    assert len(duty["ann"].messages()) == 1
    # WHEN nobody acknowledges for five minutes
    tick = service.every_minute(at("2026-11-23T10:05:30"))
    # THEN bob gets one escalation, for the incident; ann one follow-up: +5 posts
    assert tick.escalated == [incident_id_for("alert:x:0")]
    bob = duty["bob"].messages()
    assert len(bob) == 1 and "[ESCALATED] [Incident] 6 negative posts" in bob[0]["Subject"]
    ann = duty["ann"].messages()
    assert [m["Subject"] for m in ann] == ["[Incident] outage: +5 posts, 6.0k reach, oldest 5 min"]
    # AND a later minute with no new post sends nothing more to either
    service.every_minute(at("2026-11-23T10:06:30"))
    assert duty["ann"].messages() == [] and duty["bob"].messages() == []


def test_an_acknowledged_incident_does_not_escalate_and_a_later_post_is_reported_once(duty):
    service = wiring.alerts()
    first = service.alert_for(post("1"), at("2026-11-23T10:00"))
    assert first is not None
    service.alert_for(post("2"), at("2026-11-23T10:01"))
    incident = service.get(incident_id_for(first.id))
    assert incident is not None
    service.desk.acks.acknowledge_as(incident, "ann", at("2026-11-23T10:02"))
    service.alert_for(post("3"), at("2026-11-23T10:04"))
    duty["ann"].messages()
    tick = service.every_minute(at("2026-11-23T10:07"))
    assert tick.escalated == [] and duty["bob"].messages() == []
    assert tick.incident_updates == [incident.id]
    assert [m["Subject"] for m in duty["ann"].messages()] == [
        "[Incident] outage: +2 posts, 3.0k reach, oldest 7 min"
    ]
    # every post of it is acknowledged by ann (those that joined before she did)
    assert service.get("alert:x:2").state == "acknowledged"  # type: ignore[union-attr]


def test_a_retried_post_joins_the_incident_once(duty):
    service = wiring.alerts()
    service.alert_for(post("1"), at("2026-11-23T10:00"))
    again = post("2")
    assert service.alert_for(again, at("2026-11-23T10:01")) is not None
    assert service.alert_for(again, at("2026-11-23T10:01:05")) is None
    incident = service.get(incident_id_for("alert:x:1"))
    assert incident is not None and incident.count == 2
    assert incident.members == ("alert:x:1", "alert:x:2")


def test_another_town_another_cause_a_watch_list_author_or_a_far_higher_priority_pages_alone(
    duty,
):
    service = wiring.alerts()
    service.alert_for(post("1", text="Storing in Amersfoort"), at("2026-11-23T10:00"))
    service.alert_for(post("2", text="Storing in Zwolle"), at("2026-11-23T10:01"))
    service.alert_for(post("3", kinds=("refund",)), at("2026-11-23T10:01"))
    service.alert_for(post("4", watched=True), at("2026-11-23T10:02"))
    service.alert_for(post("5", priority=96.0), at("2026-11-23T10:02"))
    # a post naming no town joins the newest open incident it fits: Zwolle's
    service.alert_for(post("6"), at("2026-11-23T10:03"))
    paged = sorted(m["MessageAttributes"]["alert_id"]["Value"] for m in duty["ann"].messages())
    assert paged == ["alert:x:1", "alert:x:2", "alert:x:3", "alert:x:4", "alert:x:5"]
    zwolle = service.get(incident_id_for("alert:x:2"))
    assert zwolle is not None and zwolle.members == ("alert:x:2", "alert:x:6")


def test_a_post_after_the_incident_was_resolved_pages_again(duty):
    service = wiring.alerts()
    service.alert_for(post("1"), at("2026-11-23T10:00"))
    service.alert_for(post("2"), at("2026-11-23T10:01"))
    incident = service.get(incident_id_for("alert:x:1"))
    assert incident is not None
    service.desk.acks.resolve_as(incident, "ann", at("2026-11-23T10:20"), outcome="solved")
    assert service.get("alert:x:2").state == "resolved"  # type: ignore[union-attr]
    duty["ann"].messages()
    service.every_minute(at("2026-11-23T10:21"))
    service.alert_for(post("3"), at("2026-11-23T10:22"))
    assert [m["MessageAttributes"]["alert_id"]["Value"] for m in duty["ann"].messages()] == [
        "alert:x:3"
    ]


# ---------------------------------------------------------------- the incident page


def outage_of_three(service) -> tuple[str, dict[str, Any]]:
    """Three outage posts from 10:00; ann's first page (the first post's case link)."""
    for n in range(3):
        service.alert_for(
            post(str(n), followers=100 * (n + 1)), at("2026-11-23T10:00") + timedelta(minutes=n)
        )
    return incident_id_for("alert:x:0"), {}


def test_the_first_posts_link_opens_the_incident_page_and_acknowledge_all_takes_every_post(
    client, duty
):
    service = wiring.alerts()
    incident_id, _ = outage_of_three(service)
    link = case_link(duty["ann"].messages()[0])
    with time_machine.travel(at("2026-11-23T10:03"), tick=False):
        page = client.http.get(link)
    html = page.body.decode()
    assert page.status_code == 200
    assert "outage" in html and "3 posts" in html and "600 reach in total" in html
    # newest first
    assert html.index("klant2") < html.index("klant1") < html.index("klant0")
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    done = tap(client, link, at("2026-11-23T10:04"), do="ack")
    assert done.status_code == 200 and "Acknowledged: the incident" in done.body.decode()
    assert service.get(incident_id).holder == "ann"  # type: ignore[union-attr]
    for n in range(3):
        assert service.get(f"alert:x:{n}").state == "acknowledged"  # type: ignore[union-attr]
    # AND no escalation follows
    assert service.every_minute(at("2026-11-23T10:06")).escalated == []


def test_resolve_all_gives_every_post_one_outcome_and_lesson(client, duty):
    service = wiring.alerts()
    incident_id, _ = outage_of_three(service)
    link = case_link(duty["ann"].messages()[0])
    lesson = "status page was late"
    done = tap(client, link, at("2026-11-23T10:30"), do="resolve", outcome="solved", lesson=lesson)
    assert done.status_code == 200
    for alert_id in (incident_id, "alert:x:0", "alert:x:1", "alert:x:2"):
        alert = service.get(alert_id)
        assert alert is not None
        assert (alert.state, alert.outcome, alert.lesson) == ("resolved", "solved", lesson)
    assert wiring.state().get(keys.incidents("open", incident_id)) is None


def test_answer_all_gives_one_personalised_reply_per_post_and_changes_nothing(client, duty):
    service = wiring.alerts()
    outage_of_three(service)
    link = case_link(duty["ann"].messages()[0])
    done = tap(
        client, link, at("2026-11-23T10:05"), do="answer", reply="Hoi {name}, we werken eraan."
    )
    html = done.body.decode()
    for n in range(3):
        assert f"@klant{n} Hoi Klant, we werken eraan." in html
    assert service.get("alert:x:1").state == "board"  # type: ignore[union-attr]


def test_a_post_split_out_is_a_case_of_its_own(client, duty):
    service = wiring.alerts()
    incident_id, _ = outage_of_three(service)
    link = case_link(duty["ann"].messages()[0])
    done = tap(client, link, at("2026-11-23T10:05"), do="split", post="alert:x:1")
    assert done.status_code == 200
    incident = service.get(incident_id)
    assert incident is not None and incident.members == ("alert:x:0", "alert:x:2")
    assert service.get("alert:x:1").incident_id is None  # type: ignore[union-attr]
    # the first post cannot leave: the incident stands for it
    refused = tap(client, link, at("2026-11-23T10:06"), do="split", post="alert:x:0")
    assert refused.status_code == 400


def test_a_replayed_incident_form_is_refused(client, duty):
    service = wiring.alerts()
    outage_of_three(service)
    link = case_link(duty["ann"].messages()[0])
    with time_machine.travel(at("2026-11-23T10:03"), tick=False):
        token = csrf_of(client.http.get(link).body)
        first = desk_post(client, link, {"csrf": token, "do": "ack"})
        again = desk_post(client, link, {"csrf": token, "do": "ack"})
    assert first.status_code == 200 and again.status_code == 403


# ---------------------------------------------------------------- declared, and the board


def oncall_cli(*argv: str) -> tuple[int, str]:
    from tools import oncall as cli

    out = io.StringIO()
    return cli.main(list(argv), out=out), out.getvalue()


def test_a_declared_incident_takes_matching_posts_without_paging_and_ends_with_a_lesson(duty):
    # GIVEN the lead declares the Amersfoort outage before the posts come
    code, said = oncall_cli(
        "--at", "2026-11-23T09:55", "declare-incident", "--places", "amersfoort",
        "--label", "storing Amersfoort", "--status-url", "https://status.example.com",
        "--until", "14:00", "--by", "lea",
    )  # fmt: skip
    assert code == 0 and "storing Amersfoort (held by lea)" in said
    incident_id = said.split()[1].rstrip(":")
    service = wiring.alerts()
    # WHEN an Amersfoort post and a post naming no town come in, and one from Zwolle
    service.alert_for(post("1", text="Storing in Amersfoort"), at("2026-11-23T10:00"))
    service.alert_for(post("2"), at("2026-11-23T10:01"))
    service.alert_for(post("3", text="Storing in Zwolle"), at("2026-11-23T10:02"))
    # THEN only Zwolle's pages; the others are the declared incident's
    paged = [m["MessageAttributes"]["alert_id"]["Value"] for m in duty["ann"].messages()]
    assert paged == ["alert:x:3"]
    incident = service.get(incident_id)
    assert incident is not None and incident.members == ("alert:x:1", "alert:x:2")
    assert service.every_minute(at("2026-11-23T10:20")).incident_updates == []
    assert duty["lea"].messages() == []
    code, listed = oncall_cli("incidents")
    assert incident_id in listed and "storing Amersfoort" in listed
    # AND it ends with an outcome and a lesson, for every post of it
    code, said = oncall_cli(
        "end-incident", incident_id, "--outcome", "solved", "--lesson", "status page was late",
        "--by", "lea",
    )  # fmt: skip
    assert code == 0
    for alert_id in (incident_id, "alert:x:1", "alert:x:2"):
        done = service.get(alert_id)
        assert done is not None and (done.state, done.lesson) == (
            "resolved",
            "status page was late",
        )
    assert oncall_cli("incidents")[1].strip() == "no open incidents"


def test_declaring_refuses_an_unknown_cause_or_manager_and_a_status_link_that_is_not_http(duty):
    assert oncall_cli("declare-incident", "--cause", "refund", "--by", "lea")[0] != 0
    assert oncall_cli("declare-incident", "--by", "nobody")[0] != 0
    assert oncall_cli("declare-incident", "--status-url", "javascript:x", "--by", "lea")[0] != 0
    assert oncall_cli("incidents")[1].strip() == "no open incidents"


def test_the_board_lists_the_incident_first_and_its_posts_not_again(client, duty):
    service = wiring.alerts()
    outage_of_three(service)
    service.alert_for(
        post("9", kinds=("refund",), text="Nog steeds geen terugbetaling"), at("2026-11-23T10:04")
    )
    board = board_link(duty["ann"].messages()[0])
    with time_machine.travel(at("2026-11-23T10:05"), tick=False):
        html = client.http.get(board).body.decode()
    assert html.index("Incidents (1)") < html.index("Waiting: not acknowledged (1)")
    assert "3 posts" in html and "klant9" in html
    assert "klant1" not in html and "klant2" not in html


def test_at_a_shift_change_the_incident_passes_to_the_incoming_manager_once(duty):
    service = wiring.alerts()
    outage_of_three(service)
    incident_id = incident_id_for("alert:x:0")
    service.every_minute(at("2026-11-23T10:02"))  # the job knows ann's shift
    incident = service.get(incident_id)
    assert incident is not None
    service.desk.incidents.acknowledge_all(incident, "ann", at("2026-11-23T10:03"))
    # WHEN bob's week begins (Mon 30 Nov 09:00)
    tick = service.every_minute(at("2026-11-30T09:00"))
    assert tick.handed_over == ["bob"]
    moved = service.get(incident_id)
    assert moved is not None and moved.holder == "bob"
    assert [h["reason"] for h in moved.handovers] == ["shift change"]


def test_the_manager_on_call_declares_an_incident_from_the_board(client, duty):
    service = wiring.alerts()
    service.alert_for(
        post("1", kinds=("refund",), text="Geen terugbetaling"), at("2026-11-23T10:00")
    )
    board = board_link(duty["ann"].messages()[0])
    with time_machine.travel(at("2026-11-23T10:01"), tick=False):
        token = csrf_of(client.http.get(board).body)
        missing = desk_post(client, board, {"csrf": token, "label": ""})
        token = csrf_of(missing.body)
        done = desk_post(
            client,
            board,
            {
                "csrf": token,
                "label": "storing Amersfoort",
                "places": "Amersfoort",
                "until": "14:00",
            },
        )
    assert missing.status_code == 400 and "label: say what it is" in missing.body.decode()
    assert done.status_code == 200 and "Declared: storing Amersfoort" in done.body.decode()
    assert "Incidents (1)" in done.body.decode()
    service.alert_for(post("2", text="Storing in Amersfoort"), at("2026-11-23T10:02"))
    assert duty["ann"].messages() == []  # joined the declared incident, nobody paged
    (incident_id,) = list(service.incidents.open_ids())
    assert service.get(incident_id).members == ("alert:x:2",)  # type: ignore[union-attr]


def test_answer_all_sends_each_post_its_reply_through_the_network_once(
    client, duty, stack, tmp_path, monkeypatch
):
    # GIVEN the stage has Facebook's reply channel (stand-ins answer as the Graph API
    # does) and an outage of three Facebook comments
    import json

    from devstack import moto_stack
    from devstack.reply_standins import SECRETS, StandIns

    moto_stack.ensure_secret(boto3.client("secretsmanager"), stack["SECRETS_ID"], SECRETS)
    wiring.reset()
    stand_ins = StandIns(tmp_path / "replies.jsonl").start()
    try:
        service = wiring.alerts()
        for n in range(3):
            mention = post(str(n)).with_(
                source="facebook",
                native_id=f"100_{n}",
                url=f"https://www.facebook.com/100_{n}",
                author=Author(f"f{n}", "", f"Klant {n}", 100),
            )
            wiring.mentions().insert(mention)
            service.alert_for(mention, at("2026-11-23T10:00") + timedelta(minutes=n))
        link = case_link(duty["ann"].messages()[0])
        tap(client, link, at("2026-11-23T10:04"), do="ack")
        # WHEN ann answers all of them with one text, and presses again
        reply = "Hoi {name}, we weten van de storing."
        done = tap(client, link, at("2026-11-23T10:05"), do="answer", reply=reply)
        again = tap(client, link, at("2026-11-23T10:06"), do="answer", reply=reply)
    finally:
        stand_ins.stop()
    # THEN each post got its own reply on the network, once, and is marked answered
    assert "Sent 3 replies on the networks." in done.body.decode()
    assert "Sent 0 replies" in again.body.decode()
    lines = [json.loads(x) for x in (tmp_path / "replies.jsonl").read_text().splitlines()]
    assert sorted((x["in_reply_to"], x["text"]) for x in lines) == [
        (f"100_{n}", "Hoi Klant, we weten van de storing.") for n in range(3)
    ]
    for n in range(3):
        alert = service.get(f"alert:facebook:100_{n}")
        assert alert is not None and alert.answered_via == "product"


def test_an_erased_author_leaves_the_incident_which_stays_the_teams_record(client, duty):
    from tools import erase

    service = wiring.alerts()
    # GIVEN an outage opened by klant0's post (1k followers), joined by klant1 and klant2
    for n in range(3):
        service.alert_for(
            post(str(n), followers=1_000 * (n + 1)),
            at("2026-11-23T10:00") + timedelta(minutes=n),
        )
    incident_id = incident_id_for("alert:x:0")
    assert "x:0" not in incident_id  # its id names no post
    board = board_link(duty["ann"].messages()[0])
    # WHEN klant0 (author a0) asks to be forgotten
    report = erase.Eraser(wiring.mentions(), wiring.state()).erase("x", "a0")
    assert report.mentions == ["x:0"] and "alert:x:0" in report.alerts
    # THEN the incident holds the other two posts, its count and reach without the first
    incident = service.get(incident_id)
    assert incident is not None and incident.members == ("alert:x:1", "alert:x:2")
    assert incident.count == 2
    assert (wiring.state().get(keys.alert(incident_id)) or {})["reach"] == 2_000 + 3_000
    # AND no item of the state table names the erased post any more
    items = [str(item) for item in wiring.state().scan()]
    assert not [i for i in items if "x:0'" in i or "klant0" in i]
    # AND ann's board shows the incident with its two posts, not the erased one
    with time_machine.travel(at("2026-11-23T10:03"), tick=False):
        html = client.http.get(board).body.decode()
    assert "Incidents (1)" in html and "2 posts" in html and "klant0" not in html
    # AND the open incident still gathers its cause's posts: a fourth joins it, unpaged
    service.alert_for(post("3"), at("2026-11-23T10:04"))
    joined = service.get("alert:x:3")
    assert joined is not None and joined.incident_id == incident_id and joined.paged == ()
    assert service.get(incident_id).count == 3  # type: ignore[union-attr]
    assert duty["ann"].messages() == []
