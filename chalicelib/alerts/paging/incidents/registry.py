"""Open incidents: find the one a post belongs to, open one, add a post, close it.

Every write is conditional, so retries and two triage Lambdas at once give one incident
and each post in it once:

- the cause item (`keys.incidents("cause", kind)`) carries a `version`; adding or pruning an entry
  expects the version read (`MAX_TRIES` attempts, then the post simply pages on its own);
- the incident's alert id derives from its first post's (`entries.incident_id_for`), so it is
  created with put-if-absent however often the second post is retried;
- a post joins with an update that expects the `count` read; a post already among the
  `members` is not added again.

The incident takes over its first post's paging state (paged, escalation level, holder,
its `gsi1` entry) and the first post's own entry is cleared, so escalation, reminders
and handover from then on act on the incident alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ....i18n import EN, Lang
from ....model import Alert, Mention, iso, parse_time
from ....store import StateTable, keys
from ...record.records import NO_INDEX, AlertRecords
from .. import message
from .causes import SHARED_KINDS, Cause, same_place, stands_apart
from .entries import INCIDENT_PREFIX, Entry, incident_card, incident_id_for

WINDOW = timedelta(minutes=60)  # a post joins an incident whose last post is this recent
MAX_TRIES = 8
TOUCH_EVERY = timedelta(minutes=1)  # the cause entry's last post time, at most this often
DECLARED = "declared"


class Incidents:
    def __init__(
        self,
        state: StateTable,
        records: AlertRecords,
        window: timedelta = WINDOW,
        kinds: Sequence[str] = SHARED_KINDS,
        timezone: str = "UTC",
        lang: Lang = EN,
    ):
        self.kinds = tuple(kinds)
        self._lang = lang  # the team's: the stored copy of an incident's message
        self._timezone = ZoneInfo(timezone)
        self._state = state
        self._records = records
        self._window = window

    # ------------------------------------------------------------ finding

    def entries(self, kind: str) -> tuple[list[Entry], int]:
        item = self._state.get(keys.incidents("cause", kind)) or {}
        found = [Entry.from_dict({"kind": kind, **e}) for e in item.get("open") or []]
        return found, int(item.get("version", 0))

    def match(self, cause: Cause, mention: Mention, now: datetime) -> Entry | None:
        """The open incident `mention` joins, or None (it pages as a case of its own)."""
        recent = [
            e
            for e in self.entries(cause.kind)[0]
            if now - parse_time(e.last_at) <= self._window and same_place(e.places, cause.places)
        ]
        for entry in sorted(recent, key=lambda e: e.last_at, reverse=True):
            if not stands_apart(mention, entry.priority):
                return entry
        return None

    def open_ids(self) -> Iterator[str]:
        for item in self._state.query(keys.incidents("open", "").pk):
            yield str(item["sk"])

    def held_by(self, manager: str) -> list[Alert]:
        """Open incidents `manager` holds (a shift change hands them over)."""
        found = [self._records.get(i) for i in self.open_ids()]
        return [
            i for i in found if i is not None and i.state == "acknowledged" and i.holder == manager
        ]

    def raw(self, incident_id: str) -> dict[str, Any] | None:
        """The incident's item with the fields an `Alert` does not carry (reach, cause…)."""
        return self._state.get(keys.alert(incident_id))

    # ------------------------------------------------------------ opening

    def register(self, cause: Cause, head: Alert, now: datetime) -> None:
        """A paged post with a shared cause: later posts like it join it as an incident.
        Not one that stood apart from an open incident it fits (a VIP's post)."""
        if any(
            now - parse_time(e.last_at) <= self._window and same_place(e.places, cause.places)
            for e in self.entries(cause.kind)[0]
        ):
            return
        entry = Entry(
            cause.kind,
            incident_id_for(head.id),
            head.id,
            cause.places,
            iso(now),
            head.priority,
        )
        self._add_entry(cause.kind, entry, now)

    def declare(
        self,
        cause: Cause,
        *,
        who: str,
        now: datetime,
        label: str = "",
        status_url: str = "",
        expected_end: str = "",
    ) -> Alert:
        """A declared incident: matching posts join it without paging anyone."""
        name = label or cause.label_in(self._lang)
        incident = Alert(
            id=f"{INCIDENT_PREFIX}{DECLARED}:{cause.kind}:{iso(now)}",
            kind="incident",
            recipient=who,
            created_at=iso(now),
            subject=message.subject_line(self._lang._("[Incident] %(text)s", text=name)),
            body=self._lang._("Declared incident: %(label)s", label=name),
            priority=100.0,
            state="acknowledged",
            acknowledged_at=iso(now),
            acknowledged_by=who,
            holder=who,
            paged=(who,),
            count=0,
            card=incident_card(name, [], 0, 0, 0),
        )
        extra = {
            "cause": cause.kind,
            "places": list(cause.places),
            "reach": 0,
            "reported": 0,
            "declared": True,
            "status_url": status_url,
            "expected_end": expected_end,
        }
        self._records.create(incident, NO_INDEX, now)
        self._records.change(incident.id, extra)
        # a declared incident outranks every post (priority 100): none stands apart by it
        entry = Entry(cause.kind, incident.id, "", cause.places, iso(now), 100.0)
        self._add_entry(cause.kind, entry, now)
        self._state.put(keys.incidents("open", incident.id), {"cause": cause.kind, "at": iso(now)})
        self._dated(incident.id, now)
        return incident

    def _dated(self, incident_id: str, now: datetime) -> None:
        """On its local day's list: the digest lists the day's incidents."""
        day = now.astimezone(self._timezone).date().isoformat()
        self._state.add(keys.incidents("day", day), {f"i#{incident_id}": 1})

    def _add_entry(self, kind: str, entry: Entry, now: datetime) -> bool:
        for _ in range(MAX_TRIES):
            entries, version = self.entries(kind)
            if any(e.id == entry.id for e in entries):
                return True
            kept = [e for e in entries if now - parse_time(e.last_at) <= self._window]
            if self._write_cause(kind, [*kept, entry], version):
                return True
        return False

    def _write_cause(self, kind: str, entries: list[Entry], version: int) -> bool:
        key = keys.incidents("cause", kind)
        item = {"open": [e.to_dict() for e in entries], "version": version + 1}
        if version == 0:
            return self._state.put_new(key, item)
        return self._state.update(key, item, expect={"version": version})

    # ------------------------------------------------------------ joining

    def join(
        self,
        entry: Entry,
        post: Alert,
        followers: int,
        now: datetime,
        places: Sequence[str] = (),
    ) -> Alert | None:
        """Add `post` (its alert, about to be stored) to `entry`'s incident; the incident,
        or None when it is closed (the post then pages on its own)."""
        incident = self._incident(entry, now)
        if incident is None:  # its first post, or the incident, was resolved meanwhile
            self.close(entry.id, entry.kind)
            return None
        for _ in range(MAX_TRIES):
            item = self.raw(entry.id)
            if item is None:
                return None
            current = Alert.from_dict(item)
            if current.state == "resolved":
                self.close(entry.id, entry.kind)
                return None
            if post.id in current.members:
                return current
            count = current.count + 1
            reach = int(item.get("reach", 0)) + max(0, followers)
            priority = max(current.priority, post.priority)
            examples = [*current.card.get("examples", []), post.card]
            named = sorted({*(item.get("places") or ()), *places})
            label = str(current.card.get("label", ""))
            if not item.get("declared"):  # "outage Amersfoort, Utrecht": the towns named
                label = Cause(entry.kind, tuple(named)).label_in(self._lang)
            changes = {
                "places": named,
                "members": [*current.members, post.id],
                "count": count,
                "reach": reach,
                "priority": priority,
                "last_post_at": iso(now),
                "card": incident_card(label, examples, count, reach, priority),
            }
            if self._records.change(entry.id, changes, expect={"count": current.count}):
                self._touch(entry, now)
                fields = Alert.__dataclass_fields__
                return current.with_(**{k: v for k, v in changes.items() if k in fields})
        return None

    def _incident(self, entry: Entry, now: datetime) -> Alert | None:
        """The incident's alert, made from its first post's on the second post."""
        found = self._records.get(entry.id)
        if found is not None and (not entry.head or found.members):
            head = self._records.get(entry.head) if entry.head else None
            if head is not None and head.incident_id is None:
                self._take_over(found, head)  # a retry after a failure in between
            return found
        head = self._records.get(entry.head) if entry.head else None
        if head is None or head.state == "resolved":
            return None
        raw_head = self._state.get(keys.alert(head.id)) or {}
        label = Cause(entry.kind, entry.places).label_in(self._lang)
        followers = int(head.card.get("followers") or 0)
        incident = head.with_(
            id=entry.id,
            kind="incident",
            mention_id=None,
            members=(head.id,),
            count=1,
            card=incident_card(label, [head.card], 1, followers, head.priority),
            incident_id=None,
            group_id=None,
        )
        # the stored copy (no links), in the team's language like a case's; each page
        # and e-mail is rendered for its reader
        stored = message.render(
            incident.card, None, timezone=str(self._timezone), lang=self._lang, band=""
        )
        incident = incident.with_(subject=stored.subject, body=stored.email, sms=stored.sms)
        index = {"gsi1pk": raw_head.get("gsi1pk"), "gsi1sk": raw_head.get("gsi1sk")}
        if self._records.create(incident, index, now):
            self._dated(incident.id, parse_time(head.created_at))
            extra = {
                "cause": entry.kind,
                "places": list(entry.places),
                "reach": followers,
                "reported": 1,
                "last_post_at": head.created_at,
            }
            self._records.change(incident.id, extra)
        self._state.put(keys.incidents("open", incident.id), {"at": iso(now), "head": head.id})
        self._take_over(incident, head)
        return self._records.get(incident.id)

    def _take_over(self, incident: Alert, head: Alert) -> None:
        """The first post stops escalating on its own: the incident does it from now on."""
        expect = {"state": head.state, "escalation_level": head.escalation_level}
        if self._records.change(head.id, {"incident_id": incident.id, **NO_INDEX}, expect=expect):
            return
        now_head = self._records.get(head.id)
        if now_head is None:
            return
        synced = {
            name: getattr(now_head, name)
            for name in (
                "state",
                "holder",
                "acknowledged_at",
                "acknowledged_by",
                "escalation_level",
                "paged",
                "pages",
                "pending_page",
            )
        }
        synced["paged"] = list(synced["paged"])
        synced["pages"] = list(synced["pages"])
        self._records.change(incident.id, synced)
        self._records.change(head.id, {"incident_id": incident.id, **NO_INDEX})

    def _touch(self, entry: Entry, now: datetime) -> None:
        """Keep the cause entry's last post time fresh (the window counts from it)."""
        if now - parse_time(entry.last_at) < TOUCH_EVERY:
            return
        entries, version = self.entries(entry.kind)
        fresh = [replace(e, last_at=iso(now)) if e.id == entry.id else e for e in entries]
        self._write_cause(entry.kind, fresh, version)  # lost to a concurrent write: no matter

    # ------------------------------------------------------------ closing

    def close(self, incident_id: str, kind: str) -> None:
        """Resolved: off the open list, and no post joins it any more."""
        self._state.delete(keys.incidents("open", incident_id))
        for _ in range(MAX_TRIES):
            entries, version = self.entries(kind)
            kept = [e for e in entries if e.id != incident_id]
            if len(kept) == len(entries):
                return
            if self._write_cause(kind, kept, version):
                return
