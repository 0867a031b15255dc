"""A reply service on the in-memory table, with a network that answers as a test says."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from chalicelib.alerts.desk.replies import Replies
from chalicelib.alerts.record.events import Events
from chalicelib.alerts.record.records import AlertRecords
from chalicelib.alerts.roster.rotation import Rotation
from chalicelib.alerts.roster.team import Manager, Team
from chalicelib.errors import ReplyRefused, ReplyUncertain
from chalicelib.model import Alert, Author, Mention
from chalicelib.sources.reply import Channel, Outbound, Sent, Target
from chalicelib.sources.reply.length import Rule
from chalicelib.store.memory import MemoryTable

NOW = datetime(2026, 11, 23, 20, 30, tzinfo=UTC)


@dataclass
class Network:
    """The network's side: every request it got, and what it answers next
    ("ok", "refused", "revoked", "uncertain"; "ok" once the list is spent)."""

    answers: list[str] = field(default_factory=list)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (post, text, key)
    posted: list[str] = field(default_factory=list)

    def post(self, client: Any, target: Target, text: str, key: str) -> Sent:
        self.requests.append((target.native_id, text, key))
        answer = self.answers.pop(0) if self.answers else "ok"
        if answer == "refused":
            raise ReplyRefused("deleted", "The post is gone: nothing to answer.")
        if answer == "revoked":
            raise ReplyRefused("revoked_token", "The token was revoked.", revoked=True)
        if answer == "uncertain":
            self.posted.append(text)  # it went out, but the answer was lost
            raise ReplyUncertain("timeout")
        self.posted.append(text)
        return Sent(f"r{len(self.posted)}", f"https://www.facebook.com/r{len(self.posted)}")


class Pager:
    def __init__(self) -> None:
        self.pages: list[tuple[str, str]] = []

    def publish(self, recipient: str, subject: str, *rest: Any, **options: Any) -> str:
        self.pages.append((recipient, subject))
        return "m-1"


@dataclass
class Kit:
    state: MemoryTable
    replies: Replies
    network: Network
    pager: Pager
    records: AlertRecords
    changed: list[Alert]

    def case(self, native_id: str = "111_222", source: str = "facebook") -> tuple[Alert, Mention]:
        mention = Mention(
            source=source,
            native_id=native_id,
            url="",
            author=Author("42", "anna", "Anna de Vries"),
            text="Al drie dagen geen stroom @VolteraHelpt",
            created_at="2026-11-23T20:00:00Z",
            received_at="2026-11-23T20:00:02Z",
            lang="nl",
        )
        alert = Alert(
            id=f"alert:{mention.id}",
            kind="mention",
            recipient="ann",
            created_at="2026-11-23T20:00:05Z",
            subject="s",
            body="b",
            mention_id=mention.id,
            state="acknowledged",
            holder="ann",
            card={"source": source, "handle": "anna", "name": "Anna de Vries", "lang": "nl"},
        )
        self.records.create(alert, {}, NOW)
        return alert, mention


@pytest.fixture
def make_kit() -> Callable[[], Kit]:
    def make() -> Kit:
        state = MemoryTable()
        team = Team(state)
        for who in ("ann", "lea"):
            team.add_manager(Manager(who, who.title()))
        team.set_rotation(Rotation(("ann",), start=date(2026, 11, 2), handoff=time(9), lead="lea"))
        network = Network()
        rule, keys = Rule(8000, "characters"), ("meta_page_token",)
        channel = Channel("facebook", "Facebook", keys, lambda c: None, network.post, rule)
        records = AlertRecords(state, timedelta(days=90))
        changed: list[Alert] = []
        pager = Pager()
        replies = Replies(
            state=state,
            records=records,
            outbound=Outbound({"meta_page_token": "t"}, {"facebook": channel}),
            team=team,
            notifier=pager,  # type: ignore[arg-type]
            events=Events([lambda e: changed.append(e.alert)]),
            retention=timedelta(days=90),
            brand_handles=("@VolteraHelpt",),
        )
        return Kit(state, replies, network, pager, records, changed)

    return make
