"""Answering from the case page on moto, through the Chalice routes, with the networks'
stand-ins (devstack/reply_standins.py) answering as the recorded APIs do: a saved reply
chosen by a tap, sent once, on the timeline; who may reply; refusals in plain words."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
import time_machine

from chalicelib import wiring
from chalicelib.alerts.desk.saved_replies import case_ref
from chalicelib.alerts.roster.rotation import Rotation
from chalicelib.alerts.roster.team import Manager
from chalicelib.model import Author, Mention, Sentiment
from chalicelib.sources.signing import hex_signature
from devstack import moto_stack
from devstack.reply_standins import SECRETS, StandIns
from tests.conftest import ROOT
from tests.functional.conftest import Inbox, drain
from tests.functional.desk import case_link, csrf_of, post

NOW = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)
TEXTAREA = re.compile(r'<textarea id="reply-text" name="text"[^>]*>(.*?)</textarea>', re.S)


@pytest.fixture
def desk(
    stack: dict[str, str], team: dict[str, Inbox], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Any]]:
    """ann on duty, cas her backup, bob the lead (conftest's `team` gives ann and bob their
    inboxes); the brand's handles (watch.json: @Voltera, @VolteraHelpt); the reply
    secrets set; the stand-ins answering."""
    monkeypatch.setenv("WATCH_CONFIG_FILE", str(ROOT / "chalicelib" / "watch.json"))
    wiring.team().add_manager(Manager("cas", "Cas", email="cas@example.com"))
    wiring.team().set_rotation(
        Rotation(("ann", "cas"), start=date(2026, 11, 23), handoff=time(9), lead="bob")
    )
    moto_stack.ensure_secret(boto3.client("secretsmanager"), stack["SECRETS_ID"], SECRETS)
    wiring.reset()
    stand_ins = StandIns(tmp_path / "replies.jsonl").start()
    try:
        yield {"inboxes": team, "stand_ins": stand_ins, "out": tmp_path / "replies.jsonl"}
    finally:
        stand_ins.stop()


def complaint(native_id: str, source: str = "facebook", text: str = "") -> Mention:
    mention = Mention(
        source=source,
        native_id=native_id,
        url=f"https://www.facebook.com/{native_id}",
        author=Author("42", "boze_klant" if source == "x" else "", "Anna de Vries", 1_300),
        text=text or "Al drie dagen geen stroom en niemand helpt. Ik zeg mijn contract op!",
        created_at="2026-11-23T09:01:00Z",
        received_at="2026-11-23T09:01:04Z",
        lang="nl",
        sentiment=Sentiment(-0.8, "negative", "pattern-nl"),
        priority=80.0,
        reasons=("negative sentiment -0.80",),
    )
    wiring.mentions().insert(mention)
    return mention


def link_for(desk: dict[str, Any], mention: Mention, who: str = "ann") -> str:
    wiring.alerts().alert_for(mention, NOW)
    envelopes = desk["inboxes"][who].messages()
    return case_link(envelopes[-1])


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def sent_lines(desk: dict[str, Any]) -> list[dict[str, Any]]:
    out = desk["out"]
    return [json.loads(x) for x in out.read_text().splitlines()] if out.exists() else []


def press(client, path: str, **fields: str) -> Any:
    opened = client.http.get(path)
    return post(client, path, {"csrf": csrf_of(opened.body), **fields})


def test_holder_answers_with_a_saved_reply_once_and_the_timeline_shows_it(client, desk):
    mention = complaint("111_222")
    link = link_for(desk, mention)
    with at(NOW + timedelta(minutes=1)):
        assert press(client, link, do="ack").status_code == 200
        chosen = client.http.get(link + "?saved=sorry-nl")  # the tap: a GET, no script
        page = chosen.body.decode()
        text = html.unescape(TEXTAREA.search(page).group(1))
        assert (
            text.startswith("Hoi Anna, wat vervelend!") and case_ref(f"alert:{mention.id}") in text
        )
        assert f"{len(text)} of 8000 characters" in page
        sent = post(client, link, {"csrf": csrf_of(page), "do": "reply", "text": text})
    assert sent.status_code == 200
    body = sent.body.decode()
    assert "Sent: your reply is on the network." in body
    assert "Reply sent by ann: &#34;Hoi Anna" in body  # on the timeline, escaped
    (line,) = sent_lines(desk)
    assert (line["network"], line["in_reply_to"], line["text"]) == ("facebook", "111_222", text)
    alert = wiring.alerts().get(f"alert:{mention.id}")
    assert (alert.answered_via, alert.answered_by, alert.state) == (
        "product",
        "ann",
        "acknowledged",
    )
    assert alert.answered_at == "2026-11-23T09:06:00Z"
    # the same reply again (a second tap with a fresh form): told, never sent twice
    with at(NOW + timedelta(minutes=2)):
        again = press(client, link, do="reply", text=text)
    assert "Already sent by ann" in again.body.decode()
    assert len(sent_lines(desk)) == 1


def test_the_same_form_sent_twice_sends_one_reply(client, desk):
    link = link_for(desk, complaint("111_333"))
    with at(NOW + timedelta(minutes=1)):
        press(client, link, do="ack")
        form = {
            "csrf": csrf_of(client.http.get(link).body),
            "do": "reply",
            "text": "Hoi, we bellen je.",
        }
        first, second = post(client, link, form), post(client, link, form)  # a double tap
    assert first.status_code == 200 and second.status_code == 403
    assert "this form was sent already" in second.body.decode()
    assert len(sent_lines(desk)) == 1


def test_only_the_holder_or_the_lead_replies(client, desk):
    mention = complaint("111_444")
    link = link_for(desk, mention)
    with at(NOW + timedelta(minutes=1)):
        before = press(client, link, do="reply", text="Hoi")
        assert before.status_code == 403 and "Acknowledge the case first" in before.body.decode()
        press(client, link, do="ack")
        lead_board = wiring.alerts().links.board("bob", NOW + timedelta(minutes=1))
        path = lead_board.removeprefix(wiring.settings().public_base_url)
        lead_case = f"{path}/alert:{mention.id}"
        by_lead = press(client, lead_case, do="reply", text="Hoi, de teamleider hier.")
        cas_board = wiring.alerts().links.board("cas", NOW + timedelta(minutes=1))
        cas_path = cas_board.removeprefix(wiring.settings().public_base_url)
        by_cas = press(client, f"{cas_path}/alert:{mention.id}", do="reply", text="Hoi, Cas.")
    assert "Sent: your reply is on the network." in by_lead.body.decode()
    assert by_cas.status_code == 403 and "Only ann (who holds the case)" in by_cas.body.decode()
    assert [x["text"] for x in sent_lines(desk)] == ["Hoi, de teamleider hier."]


def test_markup_is_refused_and_nothing_is_sent(client, desk):
    link = link_for(desk, complaint("111_555"))
    with at(NOW + timedelta(minutes=1)):
        press(client, link, do="ack")
        answer = press(client, link, do="reply", text='<a href="https://evil.example">win</a>')
    assert answer.status_code == 400 and "Plain text only" in answer.body.decode()
    assert sent_lines(desk) == []


def test_a_revoked_token_is_told_in_plain_words_and_pages_the_lead_once(client, desk):
    # Graph's documented error for a token the user revoked: code 190, subcode 460
    revoked = {
        "error": {
            "message": "Error validating access token",
            "type": "OAuthException",
            "code": 190,
            "error_subcode": 460,
        }
    }
    link = link_for(desk, complaint("111_666"))
    with at(NOW + timedelta(minutes=1)):
        press(client, link, do="ack")
        desk["stand_ins"].refuse("facebook", 400, revoked)
        first = press(client, link, do="reply", text="Hoi, sorry!")
        desk["stand_ins"].refuse("facebook", 400, revoked)
        second = press(client, link, do="reply", text="Hoi, het spijt ons!")
    for answer in (first, second):
        body = answer.body.decode()
        assert "Not sent: Meta no longer accepts the Page" in body
        assert "refused by facebook" in body  # on the timeline
    lead_pages = desk["inboxes"]["bob"].messages()
    assert [m["Subject"] for m in lead_pages] == ["[Replies] facebook refuses the brand's token"]
    alert = wiring.alerts().get("alert:facebook:111_666")
    assert alert.state == "acknowledged" and alert.answered_at is None
    assert sent_lines(desk) == []


def test_x_reply_only_where_the_author_summoned_the_brand(client, desk):
    summoned = complaint("1860000000000000001", "x", "@VolteraHelpt al drie dagen geen stroom!")
    silent = complaint("1860000000000000002", "x", "Voltera: al drie dagen geen stroom!")
    for mention, expected in ((summoned, True), (silent, False)):
        link = link_for(desk, mention)
        with at(NOW + timedelta(minutes=1)):
            press(client, link, do="ack")
            page = client.http.get(link).body.decode()
        assert ('name="text"' in page) is expected, re.findall(r"Reply on.{0,600}", page, re.S)
        if expected:
            assert "0 of 280 as X counts them" in page
        else:
            assert "only to posts that mention or quote the brand" in page
            assert 'id="reply-copy"' in page  # the composed text to copy, then open the post


def test_a_page_reply_made_outside_the_product_answers_the_case_on_the_network(
    client, desk, stack, secret_values
):
    page = "1067280970047460"
    mention = complaint(f"{page}_777")
    link = link_for(desk, mention)
    # the Page's own comment under the customer's, in Meta's documented feed-change shape
    value = {"from": {"id": page, "name": "Voltera"}, "item": "comment", "verb": "add",
             "post_id": f"{page}_1", "comment_id": f"{page}_778", "parent_id": f"{page}_777",
             "message": "Hoi Anna, de monteur komt morgen.",
             "created_time": "2026-11-23T09:20:00+0000"}  # fmt: skip
    change = {"field": "feed", "value": value}
    body = json.dumps({"object": "page", "entry": [{"id": page, "changes": [change]}]}).encode()
    signature = hex_signature(secret_values["meta_app_secret"], body)
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
    assert client.http.post("/webhooks/meta", headers=headers, body=body).status_code == 200
    for _ in range(2):  # a redelivered webhook changes nothing more
        client.http.post("/webhooks/meta", headers=headers, body=body)
        drain(client, stack)
    alert = wiring.alerts().get(f"alert:{mention.id}")
    assert (alert.answered_at, alert.answered_via, alert.answered_by) == (
        "2026-11-23T09:20:00Z", "network", "Voltera")  # fmt: skip
    assert alert.state == "sent"  # nobody touched the case; it stays open
    assert wiring.mentions().get(f"facebook:{page}_778") is None  # the reply is no mention
    with at(NOW + timedelta(minutes=30)):
        timeline = client.http.get(link).body.decode()
    assert (
        "Answered on the network by Voltera: &#34;Hoi Anna, de monteur komt morgen.&#34;"
        in timeline
    )
    assert len(wiring.alerts().replies.sent(alert.id)) == 1


def test_a_manager_who_reads_dutch_is_told_a_refusal_in_dutch(client, desk):
    # GIVEN ann, paged for a case, reads Dutch from now on (her own choice), and Meta
    # says the Page's token is revoked
    link = link_for(desk, complaint("111_777"))
    wiring.team().add_manager(Manager("ann", "Ann", email="ann@example.com", locale="nl"))
    revoked = {"error": {"message": "Error validating", "code": 190, "error_subcode": 460}}
    with at(NOW + timedelta(minutes=1)):
        early = press(client, link, do="reply", text="Hoi")
        press(client, link, do="ack")
        desk["stand_ins"].refuse("facebook", 400, revoked)
        refused = press(client, link, do="reply", text="Hoi, sorry!")
        marked = press(client, link, do="reply", text="<b>Hoi</b>")
    # THEN each refusal is Dutch, the network's own advice included
    assert "Pak de case eerst op: dan is het antwoord aan jou." in early.body.decode()
    body = refused.body.decode()
    assert "Niet verstuurd: Meta accepteert het token van de pagina niet meer" in body
    assert "Not sent" not in body and "Meta no longer" not in body and "refused by" not in body
    assert "geweigerd door facebook: Meta accepteert het token" in body  # on the timeline
    assert "Alleen platte tekst: haal de opmaak (&lt;…&gt;) weg." in marked.body.decode()
    assert sent_lines(desk) == []


def test_a_one_star_google_play_review_is_answered_from_its_case(client, desk, stack):
    # GIVEN the Play poller's service account in the stage's secret (a key made here)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    account = {"client_email": "play@voltera.iam.gserviceaccount.com", "private_key": pem}
    secret = {**SECRETS, "google_play_service_account": json.dumps(account)}
    moto_stack.ensure_secret(boto3.client("secretsmanager"), stack["SECRETS_ID"], secret)
    wiring.reset()
    # and a one-star review's case, its link naming the app as the Play poller writes it
    review = Mention(
        source="google_play",
        native_id="gp:AOqp-9",
        url="https://play.google.com/store/apps/details?id=nl.voltera.app&reviewId=gp:AOqp-9",
        author=Author("Pieter", "Pieter", "Pieter"),
        text="Inloggen lukt niet meer sinds de update.",
        created_at="2026-11-23T09:01:00Z",
        received_at="2026-11-23T09:01:04Z",
        lang="nl",
        sentiment=Sentiment(-0.6, "negative", "stars"),
        priority=70.0,
        reasons=("rating: 1 star",),
        rating=1,
    )
    wiring.mentions().insert(review)
    link = link_for(desk, review)
    # WHEN ann acknowledges and sends a reply from the case page
    with at(NOW + timedelta(minutes=1)):
        press(client, link, do="ack")
        page = client.http.get(link).body.decode()
        assert "of 350 characters" in page  # Google Play's limit under the box
        sent = post(
            client,
            link,
            {"csrf": csrf_of(page), "do": "reply", "text": "Sorry Pieter, we fixen het."},
        )
    # THEN it went to Google Play once, on the review, and the case is answered
    assert "Sent: your reply is on the network." in sent.body.decode()
    (line,) = sent_lines(desk)
    assert (line["network"], line["in_reply_to"]) == ("google_play", "gp:AOqp-9")
    assert wiring.alerts().get(f"alert:{review.id}").answered_via == "product"
