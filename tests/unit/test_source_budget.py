"""X's monthly budget in dollars (sources/pricing.py), the search that leaves @mentions to
the owned mentions timeline, and a degraded poll (sources/polling.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.model import iso
from chalicelib.sources import FetchResult, health, pricing
from chalicelib.sources.polling import run_poller
from chalicelib.sources.watch import Watch
from chalicelib.store import MemoryTable, keys

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
MONTH = "2026-12"


def spent_reads(store: MemoryTable, source: str, reads: int, month: str = MONTH) -> None:
    store.put(keys.source_cursor(source), {"month": month, "reads": reads})


def test_the_dollar_budget_buys_five_times_more_owned_mentions_than_searched_posts():
    store = MemoryTable()
    extra = {"WATCH_X_MONTHLY_DOLLARS": "10"}
    # $10: 2,000 searched posts at $0.005, or 10,000 owned mentions at $0.001
    assert pricing.read_budget("x", extra, store, MONTH) == 2_000
    assert pricing.read_budget("x_mentions", extra, store, MONTH) == 10_000


def test_the_budget_is_shared_between_the_x_pollers():
    store = MemoryTable()
    spent_reads(store, "x", 1_000)  # $5.00
    spent_reads(store, "x_mentions", 2_000)  # $2.00
    extra = {"WATCH_X_MONTHLY_DOLLARS": "10"}
    # $3 left: the search may make 600 more reads on top of its 1,000
    assert pricing.read_budget("x", extra, store, MONTH) == 1_600
    assert pricing.read_budget("x_mentions", extra, store, MONTH) == 5_000
    assert pricing.spent(store, MONTH) == {"x": 5.0, "x_mentions": 2.0}
    # last month's reads do not count
    spent_reads(store, "x", 1_000, month="2026-11")
    assert pricing.spent(store, MONTH)["x"] == 0.0


def test_free_sources_have_no_budget_and_the_default_is_fifty_dollars():
    store = MemoryTable()
    assert pricing.read_budget("reddit_atom", {}, store, MONTH) is None
    assert pricing.read_budget("x", {}, store, MONTH) == 10_000


def test_with_the_owned_timeline_the_search_leaves_the_handle_out():
    plain = {"terms": ["Voltera"], "handles": ["@voltera_nl"]}
    assert Watch.from_dict(plain).x_query() == "(Voltera OR @voltera_nl) -is:retweet"
    owned = Watch.from_dict({**plain, "x_mentions_user_id": "783214"})
    assert owned.x_query() == "Voltera -@voltera_nl -is:retweet"
    handles_only = Watch.from_dict({"handles": ["@voltera_nl"], "x_mentions_user_id": "1"})
    assert not handles_only.x_search_wanted


def test_a_degraded_run_saves_its_cursor_and_counts_as_a_failure():
    store = MemoryTable()

    def fetch(client, cursor, **kw):
        return FetchResult([], next_cursor='{"throttled": 1}', requests=1, degraded="429")

    for minute in range(3):
        outcome = run_poller(
            "reddit_atom", fetch, None, store, list, now=NOW + timedelta(minutes=minute)
        )
        assert outcome.status == "degraded"
    state = store.get(keys.source_cursor("reddit_atom"))
    assert state["cursor"] == '{"throttled": 1}'
    got = health.Health.from_dict(store.get(keys.source_health("reddit_atom")))
    assert got.consecutive_failures == 3 and "degraded: 429" in got.last_error
    # three degraded runs page once, not again while it stays degraded
    assert [h.source for h in health.sources_to_page(store, NOW + timedelta(minutes=3))] == [
        "reddit_atom"
    ]
    health.mark_paged(store, "reddit_atom", NOW + timedelta(minutes=3))
    assert health.sources_to_page(store, NOW + timedelta(minutes=4)) == []


def test_the_digest_shows_what_each_priced_source_spent_this_month():
    from chalicelib.digest.spend import spend

    items = {
        "x": {"month": MONTH, "month_reads": 1_000},
        "x_mentions": {"month": MONTH, "month_reads": 2_500},
        "reddit": {"month": MONTH, "month_reads": 900},  # free
        "feeds": {},
    }
    assert spend(MONTH, items) == [("x", 5.0), ("x_mentions", 2.5)]
    assert spend("2027-01", items) == []


def test_a_source_health_page_says_what_x_cost_this_month():
    from chalicelib.alerts.paging.source_health import describe

    failing = health.Health(
        "x", iso(NOW), consecutive_failures=3, month=MONTH, month_reads=1_234, last_error="429"
    )
    subject, email, _ = describe(failing, NOW, "Europe/Amsterdam")
    assert subject == "[Source] X (keyword search) failed 3 runs in a row"
    assert "Spent at X this month (2026-12): $6.17" in email


def test_a_source_health_page_is_in_the_readers_language_and_one_sms_segment():
    from chalicelib.alerts.paging import sms
    from chalicelib.alerts.paging.source_health import describe
    from chalicelib.i18n import Lang

    failing = health.Health(
        "x",
        iso(NOW),
        consecutive_failures=12,
        last_success=iso(NOW),
        last_error="HTTP 503 " + "upstream unavailable " * 10,
    )
    subject, email, text = describe(failing, NOW, "Europe/Amsterdam", Lang("nl"))
    assert subject.startswith("[Bron] ") and subject.endswith(" faalde 12 runs achter elkaar")
    assert "Laatste fout" in email and "Vraag een engineer de logs na te kijken" in email
    assert "failed" not in email and "Last" not in email
    measured = sms.measure(text)
    assert (measured.encoding, measured.segments) == ("GSM-7", 1)
