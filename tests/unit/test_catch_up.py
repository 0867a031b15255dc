"""No silent gaps (sources/catch_up.py): a quiet webhook is caught up by its poller over
recorded X traffic (the real tweepy client), a gap we caused is replayed, deliveries are
recorded without a write per delivery."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import responses
from responses.registries import OrderedRegistry

from chalicelib.errors import FatalSourceError
from chalicelib.model import iso
from chalicelib.sources import catch_up, polling
from chalicelib.sources.health import Health
from chalicelib.store import MemoryTable, keys
from tests.replay_http import need, serve, tweepy_cassette

NOW = datetime(2022, 10, 7, 22, 45, tzinfo=UTC)  # when the mentions cassette was recorded
WATCH = json.dumps({"handles": ["@Twitter"], "x_mentions_user_id": "783214"})
EXTRA = {"WATCH_CONFIG": WATCH, "WATCH_X_MENTIONS_VIA": "webhook"}
SECRETS = {"x_bearer_token": "replay"}


class Queue(list):
    def __call__(self, mentions):
        self.extend(m.id for m in mentions)


def last_heard(store: MemoryTable, source: str, at: datetime, **more) -> None:
    store.put(keys.source_health(source), Health(source, iso(at), iso(at), **more).to_dict())


@pytest.fixture
def recorded_mentions(realdata):
    recorded = tweepy_cassette(need(realdata, "twitter", "test_client_get_users_mentions.yaml"))
    mock = responses.RequestsMock(registry=OrderedRegistry)
    mock.start()
    serve(mock, recorded)
    # the recorded page carries a next_token; the page after it is built from X's
    # documented shape for "no more results" (meta.result_count 0, no next_token)
    mock.add(responses.GET, recorded[0].url.split("?")[0], json={"meta": {"result_count": 0}})
    yield mock, [t["id"] for t in json.loads(recorded[0].body)["data"]]
    mock.stop()
    mock.reset()


def test_a_quiet_x_webhook_is_caught_up_from_the_owned_mentions_timeline(recorded_mentions):
    mock, ids = recorded_mentions
    store, queue = MemoryTable(), Queue()
    last_heard(store, "x_webhook", NOW - timedelta(hours=7))  # quiet time: 6 hours
    # the schedule alone does not read the timeline: the webhook brings the mentions
    skipped = polling.scheduled(
        "x_mentions", extra=EXTRA, credentials=SECRETS, store=store, enqueue=queue, now=NOW
    )
    assert skipped.status == "skipped" and queue == []
    done = catch_up.run(store, extra=EXTRA, credentials=SECRETS, enqueue=queue, now=NOW)
    assert mock.calls[0].request.path_url.startswith("/2/users/783214/mentions?")
    assert queue == [f"x:{i}" for i in ids] and len(queue) == 10
    assert done["x_webhook"].endswith(f"x_mentions ok, {len(ids)} queued")


def test_a_webhook_heard_recently_is_left_alone():
    store, queue = MemoryTable(), Queue()
    last_heard(store, "x_webhook", NOW - timedelta(hours=1))
    assert catch_up.run(store, extra=EXTRA, credentials=SECRETS, enqueue=queue, now=NOW) == {}
    # and one never heard here (a stage without that webhook) is not "quiet"
    assert store.get(keys.source_health("meta_webhook")) is None


def test_a_gap_our_endpoint_caused_is_replayed_once_and_forgotten():
    store, asked = MemoryTable(), []
    last_heard(store, "x_webhook", NOW - timedelta(minutes=10))
    catch_up.endpoint_failed(lambda: store, "x_webhook", NOW - timedelta(minutes=8))
    catch_up.endpoint_failed(lambda: store, "x_webhook", NOW - timedelta(minutes=4))  # same gap

    def replay(source, since, now):
        asked.append((source, since, now))

    catch_up.run(store, extra=EXTRA, credentials=SECRETS, enqueue=Queue(), now=NOW, replay=replay)
    catch_up.run(store, extra=EXTRA, credentials=SECRETS, enqueue=Queue(), now=NOW, replay=replay)
    assert asked == [("x_webhook", NOW - timedelta(minutes=8), NOW)]
    assert Health.from_dict(store.get(keys.source_health("x_webhook"))).gap_from is None


def test_a_replay_x_refuses_keeps_the_gap_for_the_next_run():
    store = MemoryTable()
    last_heard(store, "x_webhook", NOW, gap_from=iso(NOW - timedelta(minutes=3)))

    def refused(source, since, now):
        raise FatalSourceError("X refused POST /webhooks/replay (HTTP 403)")

    done = catch_up.run(
        store, extra=EXTRA, credentials=SECRETS, enqueue=Queue(), now=NOW, replay=refused
    )
    assert "not requested" in done["x_webhook"]
    assert Health.from_dict(store.get(keys.source_health("x_webhook"))).gap_from is not None


def test_deliveries_are_recorded_at_most_once_every_five_minutes():
    writes = []

    class Counting(MemoryTable):
        def put(self, key, data):
            writes.append(key)
            super().put(key, data)

    store = Counting()
    heard = catch_up.Heard(lambda: store)
    for second in range(0, 600, 30):  # a delivery every 30 s for 10 minutes: 20
        heard.delivered("x_webhook", NOW + timedelta(seconds=second))
    assert len(writes) == 2  # at 0 s and at 300 s
    # the post events X bills, as far as written: 1 at 0 s, then the 10 up to 300 s
    recorded = Health.from_dict(store.get(keys.source_health("x_webhook")))
    assert (recorded.month, recorded.month_reads) == ("2022-10", 11)


def test_a_quiet_webhook_pages_once_naming_it():
    from chalicelib.alerts.paging.source_health import describe
    from chalicelib.sources import health

    store = MemoryTable()
    last_heard(store, "x_webhook", NOW - timedelta(hours=7))
    last_heard(store, "meta_webhook", NOW - timedelta(hours=7))  # its quiet time is 12 h
    [quiet] = health.sources_to_page(store, NOW)
    subject, _, _ = describe(quiet, NOW, "Europe/Amsterdam")
    assert subject == "[Source] X Activity webhook has been silent"
    health.mark_paged(store, "x_webhook", NOW)
    assert health.sources_to_page(store, NOW + timedelta(minutes=1)) == []
