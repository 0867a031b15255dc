"""The webcare team in the state table: managers, the rotation, overrides and the policy.

All under pk "team" (keys in `store/keys.py`): a Manager (with its SNS subscription
ARNs, its `generation` and, where it differs from TEAM_LOCALE, the language they read)
per manager, the Rotation, an Override per holiday swap, the Policy (escalation, storm
control, quiet hours), and per manager ever revoked a counter
(`keys.manager_revocations`) that stays when they leave.

A manager's board passes and case codes carry the generation they were made in and work
only while it is the manager's current one: removing a manager, or `revoke` (a lost
phone), withdraws every link they hold at once. Re-adding a removed manager starts a new
generation, so their old links stay dead. Read at every use, never cached.

The rotation, the overrides and the policy are asked for several times while one post
is paged (who is on call, the rules, the board link's shift end): the alert service
calls `forget()` when it starts a piece of work (a triage batch's alerts, a run of the
job, a request to the case desk), and within it they are read once. A change (the
`oncall` CLI, here or in another process) is in force for the next piece of work;
`CACHE_SECONDS` caps a long one.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, TypeVar

from ...i18n import LOCALES, normalise
from ...model import iso
from ...store import StateTable, keys
from .policy import Policy
from .rotation import OnCall, Override, Rotation, next_change

MANAGER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
CACHE_SECONDS = 10.0
T = TypeVar("T")


@dataclass(frozen=True)
class Manager:
    id: str
    name: str
    email: str = ""
    phone: str = ""  # E.164, e.g. +31612345678
    subscriptions: tuple[str, ...] = ()  # SNS subscription ARNs, removed with the manager
    locale: str = ""  # their own language ("nl", "en") where it differs; "" = the team's

    def __post_init__(self) -> None:
        if not MANAGER_ID.match(self.id):
            raise ValueError(f"manager id: lower-case letters, digits, - or _, not {self.id!r}")
        if self.phone and not re.fullmatch(r"\+[1-9]\d{6,14}", self.phone):
            raise ValueError(f"phone must be E.164 (+31612345678), not {self.phone!r}")
        if self.email and "@" not in self.email:
            raise ValueError(f"not an e-mail address: {self.email!r}")
        if self.locale and normalise(self.locale) != self.locale:
            raise ValueError(f"locale: one of {', '.join(LOCALES)} (or none), not {self.locale!r}")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["subscriptions"] = list(self.subscriptions)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manager:
        return cls(
            id=data["id"],
            name=data.get("name", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            subscriptions=tuple(data.get("subscriptions") or ()),
            locale=data.get("locale", ""),
        )


class Team:
    def __init__(self, state: StateTable, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._state = state
        self._clock = clock
        self._cache: dict[str, tuple[float, Any]] = {}

    def _cached(self, name: str, load: Callable[[], T]) -> T:
        at, value = self._cache.get(name, (-CACHE_SECONDS - 1.0, None))
        if self._clock() - at > CACHE_SECONDS:
            value = load()
            self._cache[name] = (self._clock(), value)
        result: T = value
        return result

    def forget(self) -> None:
        """Read the rotation, overrides and policy again at the next question."""
        self._cache.clear()

    # managers
    def add_manager(self, manager: Manager) -> None:
        """Add or update a manager (an update keeps their links working)."""
        revoked = self._state.get(keys.manager_revocations(manager.id)) or {}
        generation = int(revoked.get("generation") or 0)
        self._state.put(keys.manager(manager.id), {**manager.to_dict(), "generation": generation})
        self.forget()

    def remove_manager(self, manager_id: str) -> None:
        """Remove a manager: their board passes and case codes stop working at once."""
        self.revoke(manager_id)
        self._state.delete(keys.manager(manager_id))
        self.forget()

    def revoke(self, manager_id: str) -> int:
        """Withdraw every board pass and case code `manager_id` holds; the next page,
        hand-over or shift brings new ones. Returns the new generation."""
        counted = self._state.add(keys.manager_revocations(manager_id), {"generation": 1})
        generation = counted["generation"]
        # on the manager too (update never creates: a removed manager stays removed)
        self._state.update(keys.manager(manager_id), {"generation": generation})
        return generation

    def generation(self, manager_id: str) -> int | None:
        """The generation `manager_id`'s links must carry now; None: not on the team."""
        data = self._state.get(keys.manager(manager_id))
        return int(data.get("generation") or 0) if data else None

    def manager(self, manager_id: str) -> Manager | None:
        data = self._state.get(keys.manager(manager_id))
        return Manager.from_dict(data) if data else None

    def managers(self) -> list[Manager]:
        return [
            Manager.from_dict(item) for item in self._state.query(keys.TEAM, keys.MANAGER_PREFIX)
        ]

    def locale_of(self, manager_id: str) -> str:
        """A manager's own language, "" for the team's. The managers are read once per
        piece of work (one query, like the rotation), not once per page."""
        for manager in self._cached("managers", self.managers):
            if manager.id == manager_id:
                return manager.locale
        return ""

    # rotation
    def rotation(self) -> Rotation | None:
        return self._cached("rotation", self._load_rotation)

    def _load_rotation(self) -> Rotation | None:
        data = self._state.get(keys.ROTATION)
        return Rotation.from_dict(data) if data else None

    def set_rotation(self, rotation: Rotation) -> None:
        self._state.put(keys.ROTATION, rotation.to_dict())
        self.forget()

    # overrides
    def add_override(self, override: Override) -> None:
        self._state.put(keys.override(iso(override.start), override.manager), override.to_dict())
        self.forget()

    def remove_override(self, key: str) -> None:
        """Remove an override by the key `show` prints (`Override.key`)."""
        if not keys.is_override(key):
            raise ValueError(f"not an override key: {key!r}")
        self._state.delete(keys.Key(keys.TEAM, key))
        self.forget()

    def overrides(self, *, current_at: datetime | None = None) -> list[Override]:
        """All overrides, oldest first; only those not yet over at `current_at`, if given."""
        found = self._cached("overrides", self._load_overrides)
        if current_at is not None:
            found = [o for o in found if o.end > current_at]
        return sorted(found, key=lambda o: o.start)

    def _load_overrides(self) -> list[Override]:
        items = self._state.query(keys.TEAM, keys.OVERRIDE_PREFIX)
        return [Override.from_dict(item) for item in items]

    # policy
    def policy(self) -> Policy:
        return self._cached("policy", self._load_policy)

    def _load_policy(self) -> Policy:
        data = self._state.get(keys.POLICY)
        return Policy.from_dict(data) if data else Policy()

    def set_policy(self, policy: Policy) -> None:
        self._state.put(keys.POLICY, policy.to_dict())
        self.forget()

    # who answers
    def on_call(self, now: datetime) -> OnCall:
        rotation = self.rotation()
        if rotation is None:
            return OnCall(None)
        return rotation.on_call(now, self.overrides(current_at=now))

    def on_duty(self, now: datetime) -> str | None:
        return self.on_call(now).primary

    def next_change(self, now: datetime) -> tuple[datetime, OnCall] | None:
        rotation = self.rotation()
        if rotation is None:
            return None
        return next_change(rotation, self.overrides(current_at=now), now)
