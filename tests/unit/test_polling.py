"""Poller runs: cursor only after queueing, rate-limit skips, budgets, health, paging once."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest
import responses
import tweepy
from hypothesis import given
from hypothesis import strategies as st
from moto import mock_aws

from chalicelib.errors import ConfigError, DeliveryError, FatalSourceError, RetriableSourceError
from chalicelib.model import Author, Mention
from chalicelib.sources import FetchResult, polling, x
from chalicelib.sources import health as source_health
from chalicelib.sources.health import Health, needs_page
from chalicelib.sources.polling import run_poller
from chalicelib.sources.watch import Watch
from chalicelib.store import MemoryTable, StateTable, Table, keys

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def mention(n: int) -> Mention:
    return Mention(
        source="test",
        native_id=str(n),
        url=f"https://example/{n}",
        author=Author(id="a", handle="a"),
        text=f"post {n}",
        created_at="2026-11-23T08:00:00Z",
        received_at="2026-11-23T09:00:00Z",
    )


class FakeNetwork:
    """A source whose posts are numbered; the cursor is the last number handed out."""

    def __init__(self, newest: int) -> None:
        self.newest = newest
        self.calls: list[dict] = []

    def fetch(self, client, cursor, *, now, remaining_ms=None, max_reads=None) -> FetchResult:
        self.calls.append({"cursor": cursor, "max_reads": max_reads})
        since = int(cursor or 0)
        posts = [mention(n) for n in range(since + 1, self.newest + 1)]
        return FetchResult(posts, str(self.newest), requests=1, reads=len(posts))


class Queue:
    def __init__(self) -> None:
        self.received: list[str] = []
        self.fail = False

    def __call__(self, mentions) -> None:
        if self.fail:
            raise DeliveryError("SQS refused the batch")
        self.received += [m.native_id for m in mentions]


@pytest.fixture
def store() -> MemoryTable:
    return MemoryTable()


@pytest.fixture
def queue() -> Queue:
    return Queue()


def cursor_of(store, name: str = "test") -> dict:
    return store.get(keys.source_cursor(name)) or {}


def health_of(store) -> Health:
    return Health.from_dict(store.get(keys.source_health("test")))


def test_a_run_queues_then_saves_the_cursor_and_the_next_run_starts_there(store, queue):
    net = FakeNetwork(newest=3)
    outcome = run_poller("test", net.fetch, None, store, queue, now=NOW)
    assert outcome.status == "ok" and outcome.queued == 3
    assert cursor_of(store)["cursor"] == "3"
    net.newest = 5
    run_poller("test", net.fetch, None, store, queue, now=NOW)
    assert queue.received == ["1", "2", "3", "4", "5"]
    assert net.calls[1]["cursor"] == "3"


def test_when_queueing_fails_the_cursor_stays_and_the_posts_come_again(store, queue):
    net = FakeNetwork(newest=2)
    queue.fail = True
    with pytest.raises(DeliveryError):
        run_poller("test", net.fetch, None, store, queue, now=NOW)
    assert "cursor" not in cursor_of(store)
    assert health_of(store).consecutive_failures == 1
    assert "DeliveryError" in health_of(store).last_error
    queue.fail = False
    run_poller("test", net.fetch, None, store, queue, now=NOW)
    assert queue.received == ["1", "2"]
    assert health_of(store).consecutive_failures == 0


class CrashingStore(MemoryTable):
    """The Lambda dies after the batch is queued, before the cursor is written."""

    crash = True

    def put(self, key, data) -> None:
        if self.crash and key.sk == "cursor":
            raise RuntimeError("Lambda timed out")
        super().put(key, data)


def test_a_crash_between_queueing_and_saving_repeats_posts_and_never_skips_one(queue):
    store = CrashingStore()
    net = FakeNetwork(newest=2)
    with pytest.raises(RuntimeError):
        run_poller("test", net.fetch, None, store, queue, now=NOW)
    store.crash = False
    net.newest = 3
    run_poller("test", net.fetch, None, store, queue, now=NOW)
    assert queue.received == ["1", "2", "1", "2", "3"]  # repeated, none missing
    assert sorted(set(queue.received)) == ["1", "2", "3"]


def test_while_rate_limited_runs_are_skipped_without_calling_the_network(store, queue):
    def limited(client, cursor, **kwargs) -> FetchResult:
        return FetchResult([], cursor, requests=0, exhausted=False, retry_at=NOW.timestamp() + 600)

    first = run_poller("test", limited, None, store, queue, now=NOW)
    assert first.status == "rate_limited"
    net = FakeNetwork(newest=1)
    skipped = run_poller("test", net.fetch, None, store, queue, now=NOW + timedelta(minutes=5))
    assert skipped.status == "rate_limited" and net.calls == []
    later = run_poller("test", net.fetch, None, store, queue, now=NOW + timedelta(minutes=11))
    assert later.status == "ok" and queue.received == ["1"]


def test_a_retriable_error_with_a_reset_time_is_recorded_and_respected(store, queue):
    def failing(client, cursor, **kwargs):
        raise RetriableSourceError("429", retry_at=NOW.timestamp() + 60)

    outcome = run_poller("test", failing, None, store, queue, now=NOW)
    assert outcome.status == "failed" and outcome.retry_at == NOW.timestamp() + 60
    assert cursor_of(store)["retry_at"] == NOW.timestamp() + 60
    assert health_of(store).consecutive_failures == 1


def test_fatal_errors_are_returned_and_counted_not_raised(store, queue):
    def fatal(client, cursor, **kwargs):
        raise FatalSourceError("X refused the request (HTTP 401)")

    for _ in range(3):
        outcome = run_poller("test", fatal, None, store, queue, now=NOW)
    assert outcome.status == "failed" and "401" in outcome.error
    assert health_of(store).consecutive_failures == 3


def test_reads_count_per_month_against_the_budget(store, queue):
    net = FakeNetwork(newest=4)
    run_poller("test", net.fetch, None, store, queue, now=NOW, read_budget=10)
    assert net.calls[0]["max_reads"] == 10
    net.newest = 8
    run_poller("test", net.fetch, None, store, queue, now=NOW, read_budget=10)
    assert net.calls[1]["max_reads"] == 6
    assert cursor_of(store)["reads"] == 8
    skipped = run_poller("test", net.fetch, None, store, queue, now=NOW, read_budget=8)
    assert skipped.status == "skipped" and (skipped.month_reads, skipped.read_budget) == (8, 8)
    assert len(net.calls) == 2  # budget spent: no call
    december = datetime(2026, 12, 1, tzinfo=UTC)
    run_poller("test", net.fetch, None, store, queue, now=december, read_budget=8)
    assert net.calls[2]["max_reads"] == 8
    assert cursor_of(store)["month"] == "2026-12"


# ------------------------------------------------------------------ health and paging


def health(**kw) -> Health:
    return Health(source="x", since="2026-11-20T00:00:00Z", **kw)


HOUR = timedelta(hours=1)


def test_a_healthy_source_needs_no_page():
    ok = health(last_success="2026-11-23T08:55:00Z")
    assert not needs_page(ok, NOW, HOUR, max_failures=3)


def test_failing_n_runs_in_a_row_pages_once():
    failing = health(last_success="2026-11-23T08:55:00Z", consecutive_failures=3)
    assert needs_page(failing, NOW, HOUR, max_failures=3)
    paged = Health(**{**failing.__dict__, "paged_at": "2026-11-23T09:00:00Z"})
    assert not needs_page(paged, NOW + HOUR, HOUR, max_failures=3)


def test_silence_longer_than_the_interval_pages():
    silent = health(last_success="2026-11-23T07:00:00Z")
    assert needs_page(silent, NOW, HOUR, max_failures=3)
    never = health()
    assert needs_page(never, NOW, HOUR, max_failures=3)


def test_a_new_incident_after_recovery_pages_again():
    again = health(
        last_success="2026-11-23T08:00:00Z",
        consecutive_failures=5,
        paged_at="2026-11-22T10:00:00Z",
    )
    assert needs_page(again, NOW, timedelta(hours=2), max_failures=3)


@given(
    st.integers(min_value=0, max_value=20),
    st.integers(min_value=1, max_value=10),
    st.integers(min_value=0, max_value=300),
)
def test_after_a_page_no_second_page_until_a_success(failures, max_failures, minutes):
    store = MemoryTable()
    store.put(keys.source_health("x"), health(consecutive_failures=failures).to_dict())
    source_health.mark_paged(store, "x", NOW)
    marked = source_health.load_health(store, "x", NOW)
    later = NOW + timedelta(minutes=minutes)
    assert not needs_page(marked, later, HOUR, max_failures)


def test_sources_to_page_lists_each_broken_source_once_per_incident(store):
    store.put(keys.source_health("x"), health(last_success="2026-11-23T08:59:00Z").to_dict())
    broken = health(last_success="2026-11-23T08:00:00Z", consecutive_failures=4)
    store.put(keys.source_health("reddit"), {**broken.to_dict(), "source": "reddit"})
    assert [h.source for h in source_health.sources_to_page(store, NOW)] == ["reddit"]
    source_health.mark_paged(store, "reddit", NOW)
    assert source_health.sources_to_page(store, NOW + timedelta(minutes=1)) == []


# ------------------------------------------------------------------ poll(): per-source wiring

WATCH = Watch.from_dict({"terms": ["Acme"]})


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def poll_log() -> Iterator[Captured]:
    """Records of the polling logger, whatever the app's logging setup did to its parents."""
    logger = logging.getLogger("social-listening.polling")
    handler, level = Captured(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_a_source_without_credentials_is_skipped_with_one_log_line(store, queue, poll_log):
    outcome = polling.poll("x", credentials={}, watch=WATCH, store=store, enqueue=queue, now=NOW)
    assert outcome.status == "skipped" and "x_bearer_token" in outcome.notes[0]
    assert len(poll_log.records) == 1
    assert poll_log.records[0].fields["notes"] == outcome.notes
    assert store.get(keys.source_cursor("x")) is None


def test_feeds_without_feeds_to_watch_are_skipped(store, queue):
    outcome = polling.poll(
        "feeds", credentials={}, watch=WATCH, store=store, enqueue=queue, now=NOW
    )
    assert outcome.status == "skipped" and outcome.notes == ["nothing to watch"]


def test_an_unknown_poller_is_a_config_error(store, queue):
    with pytest.raises(ConfigError) as error:
        polling.poll("myspace", credentials={}, watch=WATCH, store=store, enqueue=queue, now=NOW)
    # every polled source of the registry, in order
    assert str(error.value).startswith("unknown poller 'myspace'; known: ")
    known = str(error.value).split("known: ", 1)[1].split(", ")
    assert known == sorted(known) and {"feeds", "reddit", "x", "x_mentions"} <= set(known)


SEARCH = "https://api.twitter.com/2/tweets/search/recent"


# X ids are snowflakes (their time is in the id): two posts from a minute before NOW
OLDER = str((int(NOW.timestamp() * 1000) - 60_000 - 1288834974657) << 22)
NEWER = str(int(OLDER) + 20)


def test_x_429_through_tweepy_keeps_the_cursor_and_skips_until_the_reset(store, queue):
    client = tweepy.Client(bearer_token="t")
    store.put(keys.source_cursor("x"), {"cursor": json.dumps({"since_id": OLDER})})
    reset = int(NOW.timestamp()) + 600
    with responses.RequestsMock() as mock:
        mock.get(SEARCH, status=429, json={}, headers={"x-rate-limit-reset": str(reset)})
        outcome = polling.poll(
            "x", credentials={}, watch=WATCH, store=store, enqueue=queue, now=NOW, client=client
        )
    assert outcome.status == "rate_limited" and outcome.retry_at == reset
    state = store.get(keys.source_cursor("x"))
    assert state["cursor"] == json.dumps({"since_id": OLDER}) and state["retry_at"] == reset
    with responses.RequestsMock() as mock:  # any request would fail: none is registered
        again = polling.poll(
            "x",
            credentials={},
            watch=WATCH,
            store=store,
            enqueue=queue,
            now=NOW + timedelta(minutes=5),
            client=client,
        )
    assert again.status == "rate_limited"
    fetch = functools.partial(x.fetch, watch=WATCH)
    with responses.RequestsMock() as mock:
        mock.get(
            SEARCH,
            json={
                "data": [{"id": NEWER, "text": "Acme", "edit_history_tweet_ids": [NEWER]}],
                "meta": {"newest_id": NEWER},
            },
        )
        done = run_poller("x", fetch, client, store, queue, now=NOW + timedelta(minutes=11))
    assert done.status == "ok" and queue.received == [NEWER]
    assert store.get(keys.source_cursor("x"))["cursor"] == json.dumps({"since_id": NEWER})


# ------------------------------------------------------------------ the store contract


@pytest.fixture
def dynamo_state() -> Iterator[Table]:
    from chalicelib.store import Table

    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        client.create_table(
            TableName="state",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        yield Table(client, "state")


@pytest.fixture(params=["memory", "dynamodb"])
def any_store(request, monkeypatch) -> StateTable:
    if request.param == "memory":
        return MemoryTable()
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    return request.getfixturevalue("dynamo_state")


class TestCursorStoreContract:
    def test_get_of_a_missing_item_is_none(self, any_store):
        assert any_store.get(keys.source_cursor("x")) is None

    def test_a_poller_state_round_trips(self, any_store, queue):
        net = FakeNetwork(newest=3)
        run_poller("test", net.fetch, None, any_store, queue, now=NOW, read_budget=100)
        state = any_store.get(keys.source_cursor("test"))
        assert state["cursor"] == "3" and int(state["reads"]) == 3
        got = Health.from_dict(any_store.get(keys.source_health("test")))
        assert got.last_success == "2026-11-23T09:00:00Z" and got.consecutive_failures == 0
        net.newest = 4
        run_poller("test", net.fetch, None, any_store, queue, now=NOW, read_budget=100)
        assert net.calls[1] == {"cursor": "3", "max_reads": 97}

    def test_retry_at_survives_the_store(self, any_store, queue):
        def limited(client, cursor, **kwargs) -> FetchResult:
            return FetchResult([], cursor, retry_at=NOW.timestamp() + 600.5)

        run_poller("test", limited, None, any_store, queue, now=NOW)
        skipped = run_poller("test", limited, None, any_store, queue, now=NOW + HOUR / 6)
        assert skipped.status == "rate_limited"
        retry_at = any_store.get(keys.source_cursor("test"))["retry_at"]
        assert float(retry_at) == NOW.timestamp() + 600.5
