"""Storm control: hold alerts back, and send what was held as one grouped message.

An alert is held (state "held", on `keys.HELD_INDEX`) when the on-duty manager already
had `storm_max` pages in the storm window, or when it is low priority in quiet hours.
Every minute, what is due is released: a single quiet-hours alert on its own, anything
more as one grouped message — a "spike" when triage's spike rule says the negatives
rose above their baseline — at most one per `group_every_minutes` while a storm lasts.

Counters, per UTC 5-minute bucket, in one item (`keys.negatives_counter`, one request per
alert): the negative alerts and their themes (what the spike rule reads), and the pages
per manager (`pages#<manager>`, what storm control reads). A bucket counts the themes of
its first `THEMED_PER_BUCKET` negatives only (``themed``); the spike rule scales them up by
``count / themed``. So the item stays a few KB in a storm of varied posts, where a counter
per distinct theme grew it by an attribute or three an alert (~1,500 attributes, ~30 write
units an update, at 3,000 alerts in an hour), and it is read back in the spike rule's
window only. Buckets expire after `KEEP_BUCKETS` (their themes are words of posts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from ...model import Alert, iso, parse_time
from ...store import StateTable, keys
from ...triage import rising
from ...triage.spikes import SpikePolicy, SpikeVerdict
from ..record.records import NO_INDEX, AlertRecords, due_at
from ..roster.policy import Policy, bucket_key, quiet_text, storm_buckets
from ..roster.team import Team
from . import message
from .delivery import UNASSIGNED, Delivery
from .tick import Tick

BUCKET_MINUTES = 5
PAGES = "pages#"  # + manager id: pages to that manager in the bucket (themes are "t#…")
THEMED = rising.THEMED  # the bucket's negatives whose themes it counted
THEMED_PER_BUCKET = 50  # beyond these, a bucket's themes are estimated from them
KEEP_BUCKETS = timedelta(days=2)  # the spike rule looks back 2 h 15 min (8 + 1 windows)
RESEND_AFTER = timedelta(seconds=30)


class Storm:
    def __init__(
        self,
        *,
        state: StateTable,
        records: AlertRecords,
        team: Team,
        delivery: Delivery,
        timezone: str,
        routing: Mapping[str, tuple[str, ...]],
        spike_policy: SpikePolicy | None = None,
    ) -> None:
        self._routing = routing
        self._state = state
        self._records = records
        self._team = team
        self._delivery = delivery
        self._timezone = timezone
        self._spikes = spike_policy or SpikePolicy()
        self._themes_full: str | None = None  # a bucket seen with its themes sampled

    # ------------------------------------------------------------ holding back

    def hold(
        self, priority: float, recipient: str, policy: Policy, now: datetime
    ) -> tuple[str | None, datetime | None]:
        """Why a new alert waits, and until when; (None, None) when it pages now.

        The high band never waits: in a storm it pages at once, only the rest is grouped.
        """
        if policy.band(priority) == "high":
            return None, None
        quiet_end = policy.holds_quietly(priority, now, self._timezone)
        if quiet_end is not None:
            return "quiet hours", quiet_end
        if (
            recipient != UNASSIGNED
            and self._pages_in_window(recipient, policy, now) >= policy.storm_max
        ):
            return "storm", now
        return None, None

    def _pages_in_window(self, recipient: str, policy: Policy, now: datetime) -> int:
        buckets = storm_buckets(now, policy.storm_window_minutes, BUCKET_MINUTES)
        found = self._state.get_many(keys.negatives_counter(b) for b in buckets)
        return sum(int(item.get(PAGES + recipient, 0)) for item in found.values())

    def count(self, alert: Alert, now: datetime) -> None:
        """Window counters: negatives and their themes (spikes), pages per manager (storm
        control), in the bucket's one item: one request, or two for the alert that finds
        the bucket's themes sampled (this container then leaves them out at once)."""
        bucket = bucket_key(now, BUCKET_MINUTES)
        key = keys.negatives_counter(bucket)
        counts = {"count": 1}
        if alert.state == "pending" and alert.recipient != UNASSIGNED:
            counts[PAGES + alert.recipient] = 1
        expiry = {"expires_at": int((now + KEEP_BUCKETS).timestamp())}
        if bucket != self._themes_full:
            card, ignore = alert.card, self._spikes.ignore_themes  # themes: "why the spike"
            themes = rising.theme_counters(str(card.get("excerpt", "")), card.get("lang"), ignore)
            also = {**counts, **themes}
            if (
                self._state.add_up_to(key, THEMED, THEMED_PER_BUCKET, also=also, set_once=expiry)
                is not None
            ):
                return
            self._themes_full = bucket
        self._state.add(key, counts, set_once=expiry)

    # ------------------------------------------------------------ sending what was held

    def flush_held(self, now: datetime, tick: Tick) -> None:
        members = self._records.held(now)
        if not members:
            return
        chain = self._team.on_call(now).chain
        if not chain:
            return  # nobody on duty: they stay held and go out when someone is
        policy = self._team.policy()
        if len(members) == 1:  # a group of one is a page
            self._release_one(members[0], chain, now, tick)
            return
        last = self._state.get(keys.LAST_GROUP)
        if last and now - parse_time(last["at"]) < timedelta(minutes=policy.group_every_minutes):
            return  # one grouped message per interval while a storm lasts
        verdict = self._spike_verdict(now)
        kind = "spike" if verdict.is_spike else "group"
        reason = verdict.reason if verdict.is_spike else _group_reason(members, policy, chain[0])
        priority = max(m.priority for m in members)
        rules = policy.rules(priority, chain)
        card = message.group_card(kind, reason, [m.card for m in members], len(members))
        stored = message.render(
            card, None, timezone=self._timezone, lang=self._delivery.team_lang, band=rules.band
        )
        group = Alert(
            id=f"alert:{kind}:{iso(now)}",
            kind=kind,
            recipient=chain[0],
            created_at=iso(now),
            subject=stored.subject,
            body=stored.email,
            sms=stored.sms,
            priority=priority,
            card=card,
            rules=rules.to_dict(),
            pending_page=chain[0],
            members=tuple(m.id for m in members),
            count=len(members),
            channels=tuple(self._routing.get(rules.band, ())) or ("email",),
        )
        if not self._records.create(group, due_at(now + RESEND_AFTER), now):
            return  # another run this minute made it
        claimed = [m.id for m in members if self._claim(m, group.id, now)]
        if len(claimed) != len(members):
            group = group.with_(members=tuple(claimed), count=len(claimed))
            self._records.change(group.id, {"members": list(claimed), "count": len(claimed)})
        self._state.put(keys.LAST_GROUP, {"at": iso(now), "alert_id": group.id})
        if kind == "spike":
            self._state.put(keys.LAST_SPIKE, {"at": iso(now), "alert_id": group.id})
        result = self._delivery.deliver(group, now)
        tick.grouped.append(group.id)
        if result.pending_page is not None:
            tick.failed.append(group.id)

    def _claim(self, member: Alert, group_id: str, now: datetime) -> bool:
        changes = {"state": "sent", "group_id": group_id, "sent_at": iso(now), **NO_INDEX}
        return self._records.change(member.id, changes, expect={"state": "held"})

    def _release_one(self, alert: Alert, chain: tuple[str, ...], now: datetime, tick: Tick) -> None:
        """One alert held alone goes out on its own (quiet hours over, or the storm's only one)."""
        rules = {**alert.rules, "chain": list(chain)}
        changes = {
            "state": "pending",
            "recipient": chain[0],
            "pending_page": chain[0],
            "rules": rules,
            **due_at(now + RESEND_AFTER),
        }
        if not self._records.change(alert.id, changes, expect={"state": "held"}):
            return
        released = alert.with_(
            state="pending", recipient=chain[0], pending_page=chain[0], rules=rules
        )
        result = self._delivery.deliver(released, now)
        (tick.resent if result.pending_page is None else tick.failed).append(alert.id)

    def _spike_verdict(self, now: datetime) -> SpikeVerdict:
        """Triage's spike rule over the negative counters kept per 5-minute bucket."""
        window = self._spikes.window
        per_window = max(1, int(window.total_seconds() // 60) // BUCKET_MINUTES)
        windows = self._spikes.baseline_windows + 1
        buckets = [
            bucket_key(now - timedelta(minutes=BUCKET_MINUTES * i))
            for i in reversed(range(per_window * windows))
        ]
        counts: dict[str, int] = {}
        items: dict[str, dict[str, Any]] = {}
        for day in sorted({buckets[0][:10], buckets[-1][:10]}, reverse=True):
            # the window's buckets only, newest first (not the whole day's)
            pk = keys.negatives_pk(day)
            for item in self._state.query(pk, newest_first=True, page=len(buckets)):
                if item["sk"] < buckets[0]:
                    break
                counts[item["sk"]] = int(item.get("count", 0))
                items[item["sk"]] = item
        per_bucket = [counts.get(b, 0) for b in buckets]
        sums = [sum(per_bucket[i : i + per_window]) for i in range(0, len(per_bucket), per_window)]
        last = self._state.get(keys.LAST_SPIKE)
        verdict = self._spikes.check(
            sums[-1],
            sums[:-1],
            now=now,
            last_spike_at=parse_time(last["at"]) if last else None,
        )
        themes = rising.window_themes([items.get(b, {}) for b in buckets], per_window)
        return (
            replace(verdict, reason=verdict.reason + rising.why(themes))
            if verdict.is_spike
            else verdict
        )


def _group_reason(members: Iterable[Alert], policy: Policy, recipient: str) -> str:
    reasons = {m.held_reason for m in members}
    parts = []
    if "storm" in reasons:
        parts.append(
            f"more than {policy.storm_max} alerts for {recipient}"
            f" in {policy.storm_window_minutes} min"
        )
    if "quiet hours" in reasons:
        hours = quiet_text(policy.quiet_start, policy.quiet_end)
        parts.append(f"low priority held in quiet hours ({hours})")
    return "; ".join(parts)
