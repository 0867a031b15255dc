"""The demo's answering: a reply sent from the case page with a saved reply, and a reply
the brand made in the X app (outside the product) that the network shows us.

The networks are the stand-ins of devstack/reply_standins.py: what the case page sends
is written to ``out/replies.jsonl``; nothing reaches a real network.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from chalicelib import wiring
from chalicelib.model import Alert
from chalicelib.sources.signing import base64_signature
from demo.arrivals import OUR_X_ACCOUNT

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
BOX = re.compile(r'<textarea id="reply-text" name="text"[^>]*>(.*?)</textarea>', re.S)
SAVED = re.compile(r'href="\?saved=([a-z0-9_-]+)#reply"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _post(client: Any, path: str, page: str, **fields: str) -> str:
    token = CSRF.search(page)
    if token is None:
        return ""
    body = urlencode({"csrf": token.group(1), **fields}).encode()
    return str(client.http.post(path, headers=FORM, body=body).body.decode())


def reply_from_the_case(client: Any, paths: list[str]) -> dict[str, Any]:
    """The first case the manager may answer through its network: acknowledged if need
    be, a saved reply in the post's language tapped, sent. What happened, for the summary."""
    import html

    for path in paths:
        page = client.http.get(path).body.decode()
        if "Acknowledge the case first" in page:
            page = _post(client, path, page, do="ack")
        chosen = SAVED.search(page)
        if 'name="text"' not in page or chosen is None:
            continue
        page = client.http.get(f"{path}?saved={chosen.group(1)}").body.decode()
        box = BOX.search(page)
        text = html.unescape(box.group(1)) if box else ""
        answer = _post(client, path, page, do="reply", text=text)
        return {"path": path, "saved": chosen.group(1), "sent": "Sent: your reply" in answer}
    return {"path": "", "saved": "", "sent": False}


def reply_outside(client: Any, secrets: dict[str, str], at: datetime) -> str:
    """The brand's X account answers an open X case in the X app: X's Account Activity
    webhook delivers that post (author = for_user_id, in_reply_to the customer's)."""
    case = next((a for a in wiring.alerts().cases.waiting() if a.card.get("source") == "x"), None)
    if case is None or not case.mention_id:
        return ""
    customer = case.mention_id.partition(":")[2]
    event = {
        "id_str": str(int(customer) + 7),
        "text": "@" + str(case.card.get("handle")) + " Sorry! We kijken ernaar, stuur ons een DM.",
        "timestamp_ms": str(int(at.timestamp() * 1000)),
        "user": {"id_str": OUR_X_ACCOUNT, "screen_name": "VolteraHelpt", "name": "Voltera"},
        "in_reply_to_status_id_str": customer,
        "lang": "nl",
    }
    body = json.dumps({"for_user_id": OUR_X_ACCOUNT, "tweet_create_events": [event]}).encode()
    signature = base64_signature(secrets["x_consumer_secret"], body)
    headers = {"Content-Type": "application/json", "x-twitter-webhooks-signature": signature}
    client.http.post("/webhooks/x", headers=headers, body=body)
    return case.id


def answered_share(alerts: list[Alert], negative: int) -> dict[str, Any]:
    """The share of the morning's negative posts answered as the networks show it."""
    answered = [a for a in alerts if a.answered_at]
    by = {"product": 0, "network": 0}
    for alert in answered:
        by[alert.answered_via or "product"] = by.get(alert.answered_via or "product", 0) + 1
    share = round(len(answered) / negative, 3) if negative else 0.0
    return {"answered": len(answered), "answered_share": share, "answered_via": by}


def morning_alerts(table: str, since: str) -> list[Alert]:
    """The case alerts created since `since` (a scan: the demo's table is small)."""
    import boto3

    from chalicelib.store.codec import from_item

    paginator = boto3.client("dynamodb").get_paginator("scan")
    found = []
    for page in paginator.paginate(
        TableName=table,
        FilterExpression="begins_with(pk, :a) AND sk = :s AND attribute_exists(mention_id)",
        ExpressionAttributeValues={":a": {"S": "alert#"}, ":s": {"S": "alert"}},
    ):
        for item in page["Items"]:
            data = from_item(item)
            if str(data.get("created_at", "")) >= since:
                found.append(Alert.from_dict(data))
    return found
