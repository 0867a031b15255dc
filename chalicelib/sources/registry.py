"""Every source, described once: the pollers, schedules, source health, the digest's list,
IAM and alarms are derived from `SOURCES`, never listed again by hand.

A polled source names its module (``make_client(credentials)`` and a fetch function,
imported only when it runs), its schedule and the quiet time after which source health
pages; a push source (a webhook route) names its quiet time and the catch-up poller that
reads what the webhook missed (`sources/catch_up.py`). Adding a polled source: its module,
its tests, its docs and one entry here (docs/sources.md, "Adding a source").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from ..i18n import N_
from .watch import Watch


def _always(watch: Watch) -> bool:
    return True


@dataclass(frozen=True)
class Source:
    name: str  # the poller's state (source#<name>) and, for a schedule, poll_<name>
    display: str  # how the health pages and the digest name it
    kind: str  # "poll" | "push"
    quiet: timedelta  # no success (poll) or no delivery (push) for longer: page once
    module: str = ""  # poll: chalicelib.sources.<module>
    fetch: str = "fetch"  # poll: the module's fetch function
    every_minutes: int | None = None  # poll: the schedule (None: run by another source)
    secrets: tuple[str, ...] = ()  # keys of the stage's secret it reads
    budget: str | None = None  # the setting holding its monthly budget in dollars
    price: float = 0.0  # dollars a post read (sources/pricing.py: X's published prices)
    wanted: Callable[[Watch], bool] = _always  # does the watch configuration need it?
    catch_up: str | None = None  # push: the poller that reads what the webhook missed

    @property
    def function(self) -> str | None:
        """The Lambda function of a scheduled poller (``poll_<name>``), else None."""
        return f"poll_{self.name}" if self.kind == "poll" and self.every_minutes else None


SOURCES: tuple[Source, ...] = (
    Source(
        "x",
        "X (keyword search)",
        "poll",
        timedelta(minutes=30),
        module="x",
        every_minutes=5,
        secrets=("x_bearer_token",),
        budget="WATCH_X_MONTHLY_DOLLARS",
        price=0.005,
        wanted=lambda w: w.x_search_wanted,
    ),
    Source(
        "x_mentions",
        "X (mentions of the brand)",
        "poll",
        timedelta(minutes=30),
        module="x",
        fetch="fetch_mentions",
        every_minutes=5,
        secrets=("x_bearer_token",),
        budget="WATCH_X_MONTHLY_DOLLARS",
        price=0.001,
        wanted=lambda w: w.x_mentions_user_id is not None,
    ),
    Source(
        "reddit",
        "Reddit (API)",
        "poll",
        timedelta(minutes=20),
        module="reddit",
        every_minutes=2,
        secrets=("reddit_client_id", "reddit_client_secret", "reddit_user_agent"),
    ),
    Source(
        "reddit_atom",
        "Reddit (Atom feeds)",
        "poll",
        timedelta(hours=1),
        module="reddit_atom",
        every_minutes=10,
        wanted=lambda w: bool(w.subreddits),
    ),
    Source(
        "feeds",
        "News and review feeds",
        "poll",
        timedelta(hours=2),
        module="feeds",
        every_minutes=15,
        wanted=lambda w: bool(w.feeds),
    ),
    Source(
        "meta_catch_up",
        "Facebook Page (catch-up read)",
        "poll",
        timedelta(hours=12),
        module="meta_graph",
        secrets=("meta_page_token", "meta_page_id"),
    ),
    Source(
        "mastodon",
        "Mastodon",
        "poll",
        timedelta(hours=1),
        module="mastodon",
        every_minutes=5,
        secrets=("mastodon_access_token",),
        wanted=lambda w: w.mastodon is not None,
    ),
    Source(
        "app_store",
        "App Store reviews",
        "poll",
        timedelta(hours=1),
        module="app_store",
        every_minutes=15,
        secrets=("appstore_issuer_id", "appstore_key_id", "appstore_private_key"),
        wanted=lambda w: w.app_store is not None,
    ),
    Source(
        "google_play",
        "Google Play reviews",
        "poll",
        timedelta(hours=1),
        module="google_play",
        every_minutes=15,
        secrets=("google_play_service_account",),
        wanted=lambda w: w.google_play is not None,
    ),
    Source(
        "bluesky",
        "Bluesky",
        "poll",
        timedelta(hours=1),
        module="bluesky",
        every_minutes=5,
        secrets=("bluesky_handle", "bluesky_app_password"),
    ),
    Source(
        "threads_search",
        "Threads (keyword search)",
        "poll",
        timedelta(hours=2),
        module="threads_search",
        every_minutes=15,
        secrets=("threads_access_token",),
        wanted=lambda w: bool(w.terms),
    ),
    Source(
        "x_webhook",
        "X Activity webhook",
        "push",
        timedelta(hours=6),
        secrets=("x_consumer_secret",),
        price=0.005,
        catch_up="x_mentions",
    ),
    Source(
        "meta_webhook",
        "Meta webhook",
        "push",
        timedelta(hours=12),
        secrets=("meta_app_secret", "meta_verify_token"),
        catch_up="meta_catch_up",
    ),
    Source(
        "trustpilot_webhook",
        "Trustpilot reviews (webhook)",
        "push",
        timedelta(days=7),
        secrets=("trustpilot_webhook_basic",),
    ),
    Source(
        "threads_webhook",
        "Threads (webhook)",
        "push",
        timedelta(days=2),
        secrets=("threads_app_secret", "threads_verify_token"),
    ),
    Source(
        "google_business_webhook",
        "Google reviews (Business Profile push)",
        "push",
        timedelta(days=7),
        secrets=(
            "gbp_push_audience",
            "gbp_push_account",
            "gbp_client_id",
            "gbp_client_secret",
            "gbp_refresh_token",
        ),
    ),
)

BY_NAME = {source.name: source for source in SOURCES}


@dataclass(frozen=True)
class Network:
    """A network a mention comes from (`Mention.source`, the first part of its id), as
    people read it: the digest, the pages and the case desk name it `display` (marked
    `N_` where it is a word to translate); `handles`: its authors have handles ("@x"),
    else what came as a handle is a name and is never written with "@"."""

    key: str
    display: str
    handles: bool = False


NETWORKS: tuple[Network, ...] = (
    Network("x", "X", handles=True),
    Network("reddit", "Reddit", handles=True),
    Network("feed", N_("News and blogs")),
    Network("feeds", N_("News and blogs")),
    Network("facebook", "Facebook"),
    Network("instagram", "Instagram", handles=True),
    Network("meta", "Facebook/Instagram"),
    Network("mastodon", "Mastodon", handles=True),
    Network("bluesky", "Bluesky", handles=True),
    Network("threads", "Threads", handles=True),
    Network("trustpilot", N_("Trustpilot reviews")),
    Network("app_store", N_("App Store reviews")),
    Network("google_play", N_("Google Play reviews")),
    Network("google_business", N_("Google reviews")),
    Network("forum", N_("Forum")),
    Network("reviews", N_("Reviews")),
    Network("news", N_("News")),
    Network("generic", N_("Other (webhook)")),
)
NETWORK = {n.key: n for n in NETWORKS}
GENERIC = "generic-"  # the generic webhook's source for a post naming its network


def network(source: str) -> str:
    """ "generic-reddit" -> "reddit": the network behind a mention's source."""
    key = source.strip().lower()
    return key.removeprefix(GENERIC) if key.startswith(GENERIC) else key


def display(source: str) -> str:
    """The untranslated display name of a mention's source (translate it with
    `Lang.gettext`): "app_store" -> "App Store reviews", "generic-reddit" -> "Reddit",
    "generic-my-forum" -> "My forum"."""
    key = network(source)
    if key in NETWORK:
        return NETWORK[key].display
    words = key.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else NETWORK["generic"].display


def has_handles(source: str) -> bool:
    """Whether a mention source's authors have handles; True when the network is unknown."""
    key = network(source)
    return not key or key not in NETWORK or NETWORK[key].handles


def polled() -> tuple[Source, ...]:
    return tuple(s for s in SOURCES if s.kind == "poll")


def scheduled() -> tuple[Source, ...]:
    """Pollers with a schedule of their own: each is one Lambda function (``poll_<name>``)."""
    return tuple(s for s in SOURCES if s.function)


def pushed() -> tuple[Source, ...]:
    return tuple(s for s in SOURCES if s.kind == "push")


def get(name: str) -> Source:
    return BY_NAME[name]
