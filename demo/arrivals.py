"""How each of the demo's posts arrives: as its network's webhook would send it, signed.

X posts come as the X Activity API sends a `post.mention.create` (`POST /webhooks/x`,
signed with the consumer secret), Facebook posts as Meta's Page webhook sends them (`POST
/webhooks/meta`, signed with the app secret), everything else through the generic signed
webhook, whose posts are `generic-<source>` (a generic post never takes a network's ids).
So a customer who complained on X in the history and praises us on X today is one author.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.sources.signing import base64_signature, hex_signature

OUR_X_ACCOUNT = "1"  # the brand's own account id: X sends it as for_user_id
OUR_PAGE = "voltera-page"


@dataclass(frozen=True)
class Arrival:
    path: str
    body: bytes
    headers: dict[str, str]
    accepted: int  # the status the network expects back


def arrival(post: dict[str, Any], secrets: dict[str, str]) -> Arrival:
    author = post["author"]
    created = datetime.fromisoformat(post["created_at"].replace("Z", "+00:00"))
    if post["source"] == "x":  # the X Activity API's envelope (AAA ends on 2027-01-01)
        payload = {
            "id": post["id"],
            "text": post["text"],
            "author_id": author["id"],
            "created_at": post["created_at"],
            "conversation_id": post["id"],
            "lang": post.get("lang") or "und",
        }
        user = {
            "id": author["id"],
            "username": author["handle"],
            "name": author["name"],
            "public_metrics": {"followers_count": author["followers"]},
        }
        body = _json(
            {
                "data": {
                    "event_uuid": post["id"],
                    "filter": {"user_id": OUR_X_ACCOUNT},
                    "event_type": "post.mention.create",
                    "tag": "mentions",
                    "payload": payload,
                    "includes": {"users": [user]},
                }
            }
        )
        signature = base64_signature(secrets["x_consumer_secret"], body)
        headers = _headers("x-twitter-webhooks-signature", signature)
        return Arrival("/webhooks/x", body, headers, 200)
    if post["source"] == "facebook":
        change = {
            "field": "feed",
            "value": {
                "item": "post",
                "verb": "add",
                "from": {"id": author["id"], "name": author["name"]},
                "message": post["text"],
                "post_id": post["id"],
                "created_time": int(created.timestamp()),
            },
        }
        entry = {"id": OUR_PAGE, "time": int(created.timestamp()), "changes": [change]}
        body = _json({"object": "page", "entry": [entry]})
        signature = hex_signature(secrets["meta_app_secret"], body)
        return Arrival("/webhooks/meta", body, _headers("X-Hub-Signature-256", signature), 200)
    body = _json(post)
    signature = hex_signature(secrets["generic_webhook_secret"], body)
    return Arrival("/webhooks/generic", body, _headers("X-Signature-256", signature), 202)


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def _headers(name: str, signature: str) -> dict[str, str]:
    return {"Content-Type": "application/json", name: signature}
