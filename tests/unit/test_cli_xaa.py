"""`python -m tools xaa` over HTTP: what it sends X (`responses` stands in for api.x.com;
answers built from X's documented shapes, PLATFORM_NOTES "X Activity API")."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import responses

from chalicelib.errors import FatalSourceError
from chalicelib.sources.xaa_api import XaaApi
from tools import xaa

API = "https://api.x.com/2"
SECRETS = {"x_bearer_token": "app-bearer", "x_brand_user_token": "brand-user"}


def sent(call) -> tuple[str, str, dict, str]:
    request = call.request
    body = json.loads(request.body) if request.body else {}
    return request.method, request.url, body, request.headers["Authorization"]


@responses.activate
def test_register_posts_our_url_with_the_app_token(capsys):
    responses.add(responses.POST, f"{API}/webhooks", json={"data": {"id": "146", "valid": True}})
    assert xaa.main(["register", "https://abc.example/api/webhooks/x"], credentials=SECRETS) == 0
    assert sent(responses.calls[0]) == (
        "POST",
        f"{API}/webhooks",
        {"url": "https://abc.example/api/webhooks/x"},
        "Bearer app-bearer",
    )
    assert json.loads(capsys.readouterr().out) == {"data": {"id": "146", "valid": True}}


@responses.activate
def test_subscribe_uses_the_brand_s_token_where_x_requires_it(capsys):
    responses.add(responses.POST, f"{API}/activity/subscriptions", json={"data": {"id": "s"}})
    assert xaa.main(["subscribe", "146", "--user-id", "783214"], credentials=SECRETS) == 0
    calls = [sent(c) for c in responses.calls]
    assert [(body["event_type"], token) for _, _, body, token in calls] == [
        ("post.mention.create", "Bearer brand-user"),
        ("post.quote.create", "Bearer brand-user"),
        ("post.reply.create", "Bearer brand-user"),
        ("post.create", "Bearer app-bearer"),
        ("post.delete", "Bearer app-bearer"),
    ]
    assert {json.dumps(body["filter"]) for _, _, body, _ in calls} == {'{"user_id": "783214"}'}
    assert {body["webhook_id"] for _, _, body, _ in calls} == {"146"}
    assert len(capsys.readouterr().out.splitlines()) == 5


@responses.activate
def test_list_shows_webhooks_and_subscriptions(capsys):
    responses.add(responses.GET, f"{API}/webhooks", json={"data": [{"id": "146"}]})
    responses.add(responses.GET, f"{API}/activity/subscriptions", json={"data": []})
    assert xaa.main(["list"], credentials=SECRETS) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines == [{"webhooks": [{"id": "146"}]}, {"subscriptions": []}]


@responses.activate
def test_replay_asks_for_the_last_24_hours_at_most():
    responses.add(responses.POST, f"{API}/webhooks/replay", json={"data": {"job_id": "1"}})
    now = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    XaaApi("app-bearer").replay("146", datetime(2026, 12, 1, tzinfo=UTC), now)
    _, _, body, _ = sent(responses.calls[0])
    assert body == {"webhook_id": "146", "from_date": "202612060931", "to_date": "202612070930"}


@responses.activate
def test_a_refusal_is_one_line_and_exit_code_2(capsys):
    responses.add(
        responses.POST, f"{API}/webhooks", json={"errors": [{"message": "no"}]}, status=403
    )
    assert xaa.main(["register", "https://abc.example/x"], credentials=SECRETS) == 2
    assert "HTTP 403" in capsys.readouterr().err


def test_a_mention_subscription_without_the_brand_s_token_is_refused_before_calling_x():
    with pytest.raises(FatalSourceError, match="x_brand_user_token"):
        XaaApi("app-bearer").subscribe("146", "783214", "post.mention.create")
