"""The watch configuration's per-network places: which Mastodon servers, which app.

JSON (keys of the watch configuration, each optional)::

    "mastodon": {"home": "https://mastodon.nl", "account": "voltera",
                 "servers": ["https://mastodon.social"]},
    "app_store": {"app_id": "1234567890", "territories": ["NLD", "BEL"]},
    "google_play": {"package": "nl.voltera.app"}

* ``mastodon.home``: the server of the brand's account (its mention notifications, read
  with the ``mastodon_access_token``); ``account``: the brand's user name there (its own
  posts are not mentions); ``servers``: more servers whose public hashtag timelines are
  read for the watch's ``hashtags`` (the home server's too), without any token.
* ``app_store.territories``: ISO 3166-1 alpha-3 codes of the App Store territories the
  team serves (reviews from elsewhere are left out); empty: every territory.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..errors import ConfigError

_TERRITORY = re.compile(r"^[A-Z]{3}$")
_ACCOUNT = re.compile(r"^[A-Za-z0-9_]{1,30}$")
_PACKAGE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$")


@dataclass(frozen=True)
class MastodonWatch:
    home: str  # https://host of the brand's account (no trailing slash)
    account: str = ""  # the brand's user name on `home`
    servers: tuple[str, ...] = ()  # every server whose hashtag timelines are read

    @property
    def brand(self) -> str:
        """The brand's full handle, ``user@host`` ("" when not configured)."""
        return f"{self.account}@{urlsplit(self.home).netloc}".lower() if self.account else ""


@dataclass(frozen=True)
class AppStoreWatch:
    app_id: str
    territories: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlayWatch:
    package: str


def mastodon(data: Mapping[str, Any]) -> MastodonWatch | None:
    value = _object(data, "mastodon")
    if value is None:
        return None
    home = _server(value.get("home"), "mastodon.home")
    account = str(value.get("account") or "").strip().lstrip("@").split("@", 1)[0]
    if account and not _ACCOUNT.match(account):
        raise ConfigError(f"watch configuration: mastodon.account is not a user name: {account!r}")
    servers = value.get("servers", [])
    if not isinstance(servers, list):
        raise ConfigError("watch configuration: mastodon.servers must be a list of URLs")
    others = [_server(s, "mastodon.servers") for s in servers]
    return MastodonWatch(home, account, tuple(dict.fromkeys([home, *others])))


def app_store(data: Mapping[str, Any]) -> AppStoreWatch | None:
    value = _object(data, "app_store")
    if value is None:
        return None
    app_id = str(value.get("app_id") or "").strip()
    if not app_id.isdigit():
        raise ConfigError("watch configuration: app_store.app_id must be the numeric Apple ID")
    territories = value.get("territories", [])
    if not isinstance(territories, list) or not all(
        isinstance(t, str) and _TERRITORY.match(t.strip().upper()) for t in territories
    ):
        raise ConfigError(
            "watch configuration: app_store.territories must be ISO 3166-1 alpha-3 codes (NLD)"
        )
    return AppStoreWatch(app_id, tuple(dict.fromkeys(t.strip().upper() for t in territories)))


def google_play(data: Mapping[str, Any]) -> PlayWatch | None:
    value = _object(data, "google_play")
    if value is None:
        return None
    package = str(value.get("package") or "").strip()
    if not _PACKAGE.match(package):
        raise ConfigError("watch configuration: google_play.package must be a package name")
    return PlayWatch(package)


def _object(data: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ConfigError(f"watch configuration: {key} must be an object")
    return value


def _server(value: Any, key: str) -> str:
    text = str(value or "").strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.path:
        raise ConfigError(f"watch configuration: {key} must be a server URL (https://host)")
    return text
