"""Intake: everything queued or a DeliveryError, never a silent loss."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.errors import DeliveryError
from chalicelib.intake import Intake, decode
from chalicelib.model import Author, Mention


def mention(n: int) -> Mention:
    return Mention(
        source="x",
        native_id=str(n),
        url=f"https://x.com/a/status/{n}",
        author=Author("1", "a"),
        text=f"post {n}",
        created_at="2026-11-23T08:00:00Z",
        received_at="2026-11-23T08:00:01Z",
    )


class FakeSQS:
    """Fails the entries named in `fail` (per call, in order), or raises `error`."""

    def __init__(self, fail: list[set[str]] | None = None, error: Exception | None = None):
        self.fail = list(fail or [])
        self.error = error
        self.calls: list[list[dict[str, str]]] = []
        self.queued: list[str] = []

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, Any]:
        self.calls.append(Entries)
        if self.error:
            raise self.error
        failing = self.fail.pop(0) if self.fail else set()
        self.queued += [e["MessageBody"] for e in Entries if e["Id"] not in failing]
        return {
            "Failed": [{"Id": i, "SenderFault": False, "Code": "InternalError"} for i in failing]
        }


def queued_ids(sqs: FakeSQS) -> list[str]:
    return [m.id for body in sqs.queued for m in decode(body)]


def test_a_thousand_polled_posts_cost_four_requests():
    sqs = FakeSQS()
    assert Intake(sqs, "q").enqueue([mention(n) for n in range(1000)]) == 40
    assert len(sqs.calls) == 4
    assert sorted(queued_ids(sqs)) == sorted(f"x:{n}" for n in range(1000))


def test_entries_sqs_refused_once_are_sent_again_and_only_they():
    sqs = FakeSQS(fail=[{"1"}])
    Intake(sqs, "q").enqueue([mention(n) for n in range(30)])  # two messages
    assert [len(call) for call in sqs.calls] == [2, 1]
    assert sorted(queued_ids(sqs)) == sorted(f"x:{n}" for n in range(30))


def test_entries_refused_twice_raise_so_the_caller_never_acknowledges_them():
    sqs = FakeSQS(fail=[{"0"}, {"0"}])
    with pytest.raises(DeliveryError, match="twice"):
        Intake(sqs, "q").enqueue([mention(1)])


def test_any_error_from_sqs_is_a_delivery_error():
    sqs = FakeSQS(error=ConnectionResetError("reset by peer"))
    with pytest.raises(DeliveryError, match="ConnectionResetError"):
        Intake(sqs, "q").enqueue([mention(1)])


def test_lone_surrogates_are_queued_as_u_fffd_and_pairs_and_emoji_are_kept():
    # json.loads('"\\ud83d\\ude00"') is one code point (kept); a half of it alone is not
    import dataclasses

    odd = dataclasses.replace(
        mention(1),
        native_id="1\udfff",
        author=Author("1", "a\ud800b", name="\udc00"),
        text="kapot \ud83d en \U0001f600 en \ud800\udc00",
    )
    sqs = FakeSQS()
    Intake(sqs, "q").enqueue([odd, mention(2)])  # type: ignore[arg-type]
    got = [m for body in sqs.queued for m in decode(body)]
    assert [m.id for m in got] == ["x:1\ufffd", "x:2"]
    assert got[0].author.handle == "a\ufffdb"
    assert got[0].author.name == "\ufffd"
    # a surrogate pair written as two code units in a str is two lone halves to UTF-8
    assert got[0].text == "kapot \ufffd en \U0001f600 en \ufffd\ufffd"
    assert all(body.encode() for body in sqs.queued)
