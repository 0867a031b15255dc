"""What we listen for: brand terms, handles, hashtags, places to look.

A `Watch` is built once from a JSON document (the `WATCH_CONFIG` setting, or a file)
and passed to every source. It knows two things:

* `x_query()` — the X recent-search query (X caps a query at 512 characters);
* `match(text)` — the watch terms found in a post, for networks we filter ourselves
  (Reddit, feeds). A post containing an excluded term matches nothing.

Where it comes from: the ``WATCH_CONFIG`` setting (the JSON itself) or
``WATCH_CONFIG_FILE`` (a path, e.g. a file packaged in ``chalicelib/``), see `from_settings`.

JSON shape (every key optional, but at least one term, handle or hashtag)::

    {"terms": ["Acme", "Acme Bank"], "handles": ["@acme"], "hashtags": ["#acmefail"],
     "exclude": ["acme anvil"], "languages": ["nl", "en"],
     "subreddits": ["netherlands", {"name": "acme", "all": true}],
     "feeds": ["https://example.nl/rss", {"url": "https://alerts.example/acme", "all": true}],
     "authors": ["@journalist"], "x_mentions_user_id": "783214",
     "mastodon": {…}, "app_store": {…}, "google_play": {…}}   # sources/watch_networks.py

``"all": true`` marks a place that is about us anyway (our own subreddit, a Google
Alerts feed): every post there is kept, matched terms or not.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, lru_cache
from typing import Any

from ..activity import Delivery
from ..errors import ConfigError
from ..model import Mention
from . import watch_networks
from .watch_networks import AppStoreWatch, MastodonWatch, PlayWatch

X_QUERY_LIMIT = 512
_LANG = re.compile(r"^[a-z]{2,3}$")
_SUBREDDIT = re.compile(r"^[A-Za-z0-9_]{2,21}$")


@dataclass(frozen=True)
class Place:
    """A subreddit or feed; `everything` keeps all its posts without term matching."""

    name: str
    everything: bool = False


@dataclass(frozen=True)
class Watch:
    terms: tuple[str, ...]
    handles: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    subreddits: tuple[Place, ...] = ()
    feeds: tuple[Place, ...] = ()
    authors: tuple[str, ...] = ()
    x_mentions_user_id: str | None = None
    mastodon: MastodonWatch | None = None
    app_store: AppStoreWatch | None = None
    google_play: PlayWatch | None = None

    # ---- building -------------------------------------------------------------------

    @classmethod
    def from_json(cls, text: str | bytes) -> Watch:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ConfigError(f"watch configuration is not valid JSON: {exc}") from exc
        return cls.from_dict(data)

    @classmethod
    def from_settings(cls, extra: Mapping[str, str]) -> Watch:
        """From `Settings.extra`: ``WATCH_CONFIG`` (the JSON itself) or ``WATCH_CONFIG_FILE``."""
        if extra.get("WATCH_CONFIG", "").strip():
            return cls.from_json(extra["WATCH_CONFIG"])
        path = extra.get("WATCH_CONFIG_FILE", "").strip()
        if not path:
            raise ConfigError("set WATCH_CONFIG (JSON) or WATCH_CONFIG_FILE (a path to JSON)")
        try:
            with open(path, encoding="utf-8") as handle:
                return cls.from_json(handle.read())
        except OSError as exc:
            raise ConfigError(f"cannot read WATCH_CONFIG_FILE {path!r}: {exc.strerror}") from exc

    @classmethod
    def from_dict(cls, data: Any) -> Watch:
        if not isinstance(data, Mapping):
            raise ConfigError("watch configuration must be a JSON object")
        unknown = set(data) - set(cls.__dataclass_fields__)  # the JSON keys are the fields
        if unknown:
            raise ConfigError(f"unknown watch configuration keys: {', '.join(sorted(unknown))}")
        terms = _strings(data, "terms")
        handles = tuple("@" + h.lstrip("@") for h in _strings(data, "handles"))
        hashtags = tuple("#" + h.lstrip("#") for h in _strings(data, "hashtags"))
        if not (terms or handles or hashtags):
            raise ConfigError("watch configuration needs at least one term, handle or hashtag")
        languages = tuple(lang.lower() for lang in _strings(data, "languages"))
        bad = [lang for lang in languages if not _LANG.match(lang)]
        if bad:
            raise ConfigError(f"languages must be ISO 639-1 codes, got {bad}")
        subreddits = _places(data, "subreddits", "name")
        bad = [p.name for p in subreddits if not _SUBREDDIT.match(p.name)]
        if bad:
            raise ConfigError(f"not a subreddit name: {bad}")
        feeds = _places(data, "feeds", "url")
        bad = [p.name for p in feeds if not p.name.startswith(("https://", "http://"))]
        if bad:
            raise ConfigError(f"feed URLs must be http(s): {bad}")
        user_id = data.get("x_mentions_user_id")
        if user_id is not None and not str(user_id).isdigit():
            raise ConfigError("x_mentions_user_id must be a numeric X user id")
        watch = cls(
            terms=terms,
            handles=handles,
            hashtags=hashtags,
            exclude=_strings(data, "exclude"),
            languages=languages,
            subreddits=subreddits,
            feeds=feeds,
            authors=tuple(a.lstrip("@").casefold() for a in _strings(data, "authors")),
            x_mentions_user_id=str(user_id) if user_id is not None else None,
            mastodon=watch_networks.mastodon(data),
            app_store=watch_networks.app_store(data),
            google_play=watch_networks.google_play(data),
        )
        watch.x_query()  # fail at load time, not at the first poll
        return watch

    # ---- X --------------------------------------------------------------------------

    @property
    def x_search_wanted(self) -> bool:
        """Keyword search has work: always, unless the owned mentions timeline
        (`x_mentions_user_id`) finds every @mention and there is no term or hashtag."""
        return self.x_mentions_user_id is None or bool(self.terms or self.hashtags)

    def x_query(self) -> str:
        """The recent-search query: any term, none of the excluded, our languages, no RTs.

        With `x_mentions_user_id` the @mentions come from the owned mentions timeline at a
        fifth of the price: the search then looks only for posts naming the brand without
        its @handle (``-@handle``)."""
        owned = self.x_mentions_user_id is not None and self.x_search_wanted
        handles = [] if owned else list(self.handles)
        wanted = [_x_term(t) for t in self.terms] + handles + list(self.hashtags)
        parts = ["(" + " OR ".join(wanted) + ")" if len(wanted) > 1 else wanted[0]]
        parts += ["-" + h for h in self.handles] if owned else []
        parts += ["-" + _x_term(t) for t in self.exclude]
        if self.languages:
            langs = [f"lang:{lang}" for lang in self.languages]
            parts.append("(" + " OR ".join(langs) + ")" if len(langs) > 1 else langs[0])
        parts.append("-is:retweet")
        query = " ".join(parts)
        if len(query) > X_QUERY_LIMIT:
            raise ConfigError(
                f"the X query is {len(query)} characters, X allows {X_QUERY_LIMIT}: "
                "fewer or shorter terms, or fewer excluded terms"
            )
        return query

    # ---- local matching ---------------------------------------------------------------

    @cached_property
    def _patterns(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        return tuple(
            (term, _pattern(term)) for term in (*self.terms, *self.handles, *self.hashtags)
        )

    @cached_property
    def _excluded(self) -> tuple[re.Pattern[str], ...]:
        return tuple(_pattern(term) for term in self.exclude)

    def match(self, text: str) -> tuple[str, ...]:
        """Watch terms in `text` (any case, whole words); () when an excluded term is in it."""
        if any(p.search(text) for p in self._excluded):
            return ()
        return tuple(term for term, pattern in self._patterns if pattern.search(text))

    def is_excluded(self, text: str) -> bool:
        return any(p.search(text) for p in self._excluded)

    def watched_author(self, handle: str) -> bool:
        return bool(handle) and handle.lstrip("@").casefold() in self.authors

    def tag_author(self, terms: tuple[str, ...], handle: str) -> tuple[str, ...]:
        """`terms` plus ``author:@handle`` when the author is on the watch list."""
        if self.watched_author(handle):
            return (*terms, "author:@" + handle.lstrip("@"))
        return terms


def watch_or_none(extra: Mapping[str, str]) -> Watch | None:
    """The watch configuration for webhooks: None (and one warning) when absent or broken,
    since a webhook must accept posts whatever the configuration says."""
    return _cached(extra.get("WATCH_CONFIG", ""), extra.get("WATCH_CONFIG_FILE", ""))


@lru_cache(maxsize=4)
def _cached(config: str, path: str) -> Watch | None:
    try:
        return Watch.from_settings({"WATCH_CONFIG": config, "WATCH_CONFIG_FILE": path})
    except ConfigError as exc:
        logging.getLogger("social-listening.sources").warning(
            "webhooks run without watch terms", extra={"fields": {"reason": str(exc)}}
        )
        return None


@dataclass(frozen=True)
class Watched:
    """A webhook module with the watch configuration, so its mentions get matched_terms."""

    webhook: Any  # a module with verify(headers, raw_body, secret) and parse(raw, at, watch)
    watch: Watch | None

    def verify(self, headers: Mapping[str, str], raw_body: bytes, secret: str) -> None:
        self.webhook.verify(headers, raw_body, secret)

    def parse(self, raw_body: bytes, received_at: datetime) -> list[Mention]:
        mentions: list[Mention] = self.webhook.parse(raw_body, received_at, self.watch)
        return mentions

    def parse_delivery(self, raw_body: bytes, received_at: datetime) -> Delivery:
        """Mentions and the brand's own posts, for a webhook that tells them apart."""
        parse = getattr(self.webhook, "parse_delivery", None)
        if parse is None:
            return Delivery(mentions=tuple(self.parse(raw_body, received_at)))
        delivery: Delivery = parse(raw_body, received_at, self.watch)
        return delivery


def _strings(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str) or not isinstance(value, list):
        raise ConfigError(f"watch configuration: {key} must be a list of strings")
    out = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ConfigError(f"watch configuration: {key} has an empty or non-text entry")
        out.append(item.strip())
    return tuple(dict.fromkeys(out))


def _places(data: Mapping[str, Any], key: str, name_key: str) -> tuple[Place, ...]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ConfigError(f"watch configuration: {key} must be a list")
    places = []
    for item in value:
        if isinstance(item, str) and item.strip():
            places.append(Place(item.strip()))
        elif isinstance(item, Mapping) and isinstance(item.get(name_key), str):
            places.append(Place(item[name_key].strip(), everything=bool(item.get("all"))))
        else:
            raise ConfigError(f"watch configuration: each of {key} is a string or has {name_key}")
    return tuple(places)


def _x_term(term: str) -> str:
    return f'"{term}"' if any(c.isspace() for c in term) or "-" in term else term


def _pattern(term: str) -> re.Pattern[str]:
    # whole words: "ING" must not match "thinking"; '@' and '#' count as word starts
    return re.compile(r"(?<![\w@#])" + re.escape(term) + r"(?!\w)", re.IGNORECASE)
