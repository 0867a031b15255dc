"""Stand-ins for the networks' reply APIs, for `make demo`, `make serve` and the tests.

`StandIns(out)` intercepts, in this process, every HTTP request the reply channels make
(`chalicelib/sources/reply/`) through the real clients (tweepy, praw, requests) and
answers as the recorded APIs do (`../shared/realdata`: X ``POST /2/tweets`` 201 with
``data.id``; Graph ``POST /{id}/comments`` ``{"id"}``; Mastodon ``POST /api/v1/statuses``
with the status; Reddit ``POST /api/comment/`` with ``json.data.things``; App Store
Connect ``POST /v1/customerReviewResponses`` 201, Google Play ``reviews/{id}:reply`` and
Business Profile ``PUT …/reviews/{id}/reply``, Threads' container and ``threads_publish``,
in their documented shapes). Each reply is
written as one JSON line to ``out/replies.jsonl`` (as ``out/pages.jsonl`` holds the
pages). Any other request to a network fails: nothing ever reaches a real one.
`refuse(network, status, body)` makes the next reply on a network fail as the real API
refuses (for trying the page's refusals by hand).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

# what the local stage's secret holds for replies: enough to switch every channel on
SECRETS = {
    "x_api_key": "standin",
    "x_api_secret": "standin",
    "x_access_token": "standin",
    "x_access_token_secret": "standin",
    "meta_page_token": "standin",
    "mastodon_base_url": "https://mastodon.standin.example",
    "mastodon_access_token": "standin",
    "reddit_client_id": "standin",
    "reddit_client_secret": "standin",
    "reddit_user_agent": "local:nl.example.webcare:0.1 (by /u/voltera)",
    "reddit_username": "voltera",
    "reddit_password": "standin",
}
GRAPH = re.compile(r"https://graph\.facebook\.com/v[0-9.]+/([^/]+)/(comments|replies)")
APP_STORE = "https://api.appstoreconnect.apple.com/v1/customerReviewResponses"
BUSINESS = re.compile(
    r"https://mybusiness\.googleapis\.com/v4/(accounts/[^/]+/locations/[^/]+/reviews/[^/]+)/reply"
)
THREADS = "https://graph.threads.net/v1.0"
PLAY = re.compile(
    r"https://androidpublisher\.googleapis\.com/androidpublisher/v3/applications/[^/]+"
    r"/reviews/([^/]+):reply"
)
Headers = dict[str, str]
Answer = tuple[int, Headers, str]


class StandIns:
    def __init__(self, out: Path, *, mastodon_base: str = SECRETS["mastodon_base_url"]) -> None:
        self.out = out
        self.mastodon_base = mastodon_base.rstrip("/")
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._refusals: dict[str, Answer] = {}
        self._containers: dict[str, tuple[str, str]] = {}  # Threads: container -> reply
        self.sent: list[dict[str, Any]] = []
        self._mock: Any = None

    # ------------------------------------------------------------ control

    def start(self) -> StandIns:
        import responses

        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock.add_passthru(re.compile(r"https?://(127\.0\.0\.1|localhost)[:/]"))
        mock.add_callback("POST", "https://api.twitter.com/2/tweets", callback=self._x)
        mock.add_callback("POST", GRAPH, callback=self._meta)
        mock.add_callback("POST", f"{self.mastodon_base}/api/v1/statuses", callback=self._toot)
        mock.add_callback("POST", "https://www.reddit.com/api/v1/access_token", self._token)
        mock.add_callback("POST", "https://oauth.reddit.com/api/comment/", callback=self._reddit)
        mock.add_callback("POST", APP_STORE, callback=self._app_store)
        mock.add_callback("POST", "https://oauth2.googleapis.com/token", callback=self._token)
        mock.add_callback("POST", PLAY, callback=self._play)
        mock.add_callback("PUT", BUSINESS, callback=self._business)
        mock.add_callback("POST", THREADS + "/me/threads", callback=self._threads_container)
        mock.add_callback("POST", THREADS + "/me/threads_publish", callback=self._threads_publish)
        mock.start()
        self._mock = mock
        return self

    def stop(self) -> None:
        if self._mock is not None:
            self._mock.stop()
            self._mock.reset()
            self._mock = None

    @property
    def answering(self) -> bool:
        """Between `start()` and `stop()`: every request to a network is theirs."""
        return self._mock is not None

    def mark(self) -> tuple[int, dict[str, Answer]]:
        """Where the stand-ins are now (replies sent, refusals pending), for `back_to`."""
        with self._lock:
            return len(self.sent), dict(self._refusals)

    def back_to(self, mark: tuple[int, dict[str, Answer]]) -> None:
        """Forget every reply since `mark`, in memory and in the file, and number the next
        one as it was then (the browser tests' modules share one served morning)."""
        count, refusals = mark
        with self._lock:
            del self.sent[count:]
            self._ids = itertools.count(count + 1)
            self._refusals = dict(refusals)
            self.out.parent.mkdir(parents=True, exist_ok=True)
            lines = [json.dumps(line, ensure_ascii=False) + "\n" for line in self.sent]
            self.out.write_text("".join(lines), encoding="utf-8")

    def refuse(self, network: str, status: int, body: dict[str, Any]) -> None:
        """The next reply on `network` is refused with this answer."""
        self._refusals[network] = (status, {"content-type": "application/json"}, json.dumps(body))

    # ------------------------------------------------------------ the networks

    def _record(self, network: str, in_reply_to: str, text: str) -> str | Answer:
        with self._lock:
            refusal = self._refusals.pop(network, None)
            if refusal is not None:
                return refusal
            reply_id = f"{1870000000000000000 + next(self._ids)}"
            line = {
                "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "network": network,
                "in_reply_to": in_reply_to,
                "text": text,
                "reply_id": reply_id,
            }
            self.sent.append(line)
            self.out.parent.mkdir(parents=True, exist_ok=True)
            with self.out.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            return reply_id

    def _x(self, request: Any) -> Answer:
        body = json.loads(request.body or b"{}")
        parent = str((body.get("reply") or {}).get("in_reply_to_tweet_id") or "")
        got = self._record("x", parent, str(body.get("text", "")))
        if isinstance(got, tuple):
            return got
        data = {"data": {"edit_history_tweet_ids": [got], "id": got, "text": body.get("text")}}
        return 201, {"content-type": "application/json"}, json.dumps(data)

    def _meta(self, request: Any) -> Answer:
        found = GRAPH.match(request.url)
        parent = found.group(1) if found else ""
        network = "instagram" if found and found.group(2) == "replies" else "facebook"
        form = _form(request.body)
        got = self._record(network, parent, form.get("message", ""))
        if isinstance(got, tuple):
            return got
        reply_id = f"{parent.split('_')[0]}_{got}"
        answer = {"id": reply_id}
        if network == "facebook":
            answer["permalink_url"] = f"https://www.facebook.com/{parent}?comment_id={got}"
        return 200, {"content-type": "application/json"}, json.dumps(answer)

    def _toot(self, request: Any) -> Answer:
        form = _form(request.body)
        got = self._record("mastodon", form.get("in_reply_to_id", ""), form.get("status", ""))
        if isinstance(got, tuple):
            return got
        status = {
            "id": got,
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "in_reply_to_id": form.get("in_reply_to_id"),
            "visibility": form.get("visibility", "public"),
            "url": f"{self.mastodon_base}/@voltera/{got}",
            "content": f"<p>{form.get('status', '')}</p>",
            "account": {"id": "1", "username": "voltera", "acct": "voltera"},
        }
        return 200, {"content-type": "application/json"}, json.dumps(status)

    def _token(self, request: Any) -> Answer:
        token = {"access_token": "standin", "token_type": "bearer", "expires_in": 3600}
        return 200, {"content-type": "application/json"}, json.dumps({**token, "scope": "*"})

    def _reddit(self, request: Any) -> Answer:
        form = _form(request.body)
        got = self._record("reddit", form.get("thing_id", ""), form.get("text", ""))
        if isinstance(got, tuple):
            return got
        comment = {
            "id": f"s{got[-6:]}",
            "name": f"t1_s{got[-6:]}",
            "parent_id": form.get("thing_id"),
            "link_id": form.get("thing_id") if form.get("thing_id", "").startswith("t3_") else "",
            "body": form.get("text"),
            "author": "voltera",
            "created_utc": datetime.now(UTC).timestamp(),
        }
        things = {"json": {"errors": [], "data": {"things": [{"kind": "t1", "data": comment}]}}}
        return 200, {"content-type": "application/json"}, json.dumps(things)

    def _app_store(self, request: Any) -> Answer:
        data = json.loads(request.body or b"{}").get("data") or {}
        review = ((data.get("relationships") or {}).get("review") or {}).get("data") or {}
        text = str((data.get("attributes") or {}).get("responseBody", ""))
        got = self._record("app_store", str(review.get("id", "")), text)
        if isinstance(got, tuple):
            return got
        attributes = {"responseBody": text, "state": "PENDING_PUBLISH"}
        answer = {"data": {"type": "customerReviewResponses", "id": got, "attributes": attributes}}
        return 201, {"content-type": "application/json"}, json.dumps(answer)

    def _play(self, request: Any) -> Answer:
        found = PLAY.match(request.url)
        text = str(json.loads(request.body or b"{}").get("replyText", ""))
        got = self._record("google_play", unquote(found.group(1)) if found else "", text)
        if isinstance(got, tuple):
            return got
        edited = {"seconds": str(int(datetime.now(UTC).timestamp())), "nanos": 0}
        answer = {"result": {"replyText": text, "lastEdited": edited}}
        return 200, {"content-type": "application/json"}, json.dumps(answer)

    def _threads_container(self, request: Any) -> Answer:
        form = _form(request.body)
        with self._lock:
            container = f"{17890000000000000 + next(self._ids)}"
            self._containers[container] = (form.get("reply_to_id", ""), form.get("text", ""))
        return 200, {"content-type": "application/json"}, json.dumps({"id": container})

    def _threads_publish(self, request: Any) -> Answer:
        with self._lock:
            parent, text = self._containers.pop(
                _form(request.body).get("creation_id", ""), ("", "")
            )
        got = self._record("threads", parent, text)
        if isinstance(got, tuple):
            return got
        return 200, {"content-type": "application/json"}, json.dumps({"id": got})

    def _business(self, request: Any) -> Answer:
        found = BUSINESS.match(request.url)
        text = str(json.loads(request.body or b"{}").get("comment", ""))
        got = self._record("google_business", found.group(1) if found else "", text)
        if isinstance(got, tuple):
            return got
        reply = {"comment": text, "updateTime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
        return 200, {"content-type": "application/json"}, json.dumps(reply)


def _form(body: Any) -> dict[str, str]:
    text = body.decode() if isinstance(body, bytes) else str(body or "")
    return {k: v[0] for k, v in parse_qs(text).items()}


@contextmanager
def standing_in(out: Path, **options: Any) -> Iterator[StandIns]:
    stand_ins = StandIns(out, **options).start()
    try:
        yield stand_ins
    finally:
        stand_ins.stop()
