"""The alert outbox: store, then page; resend, escalate and group every minute; ack, resolve.

An alert's id is derived from its mention's id and is written with a conditional put,
so one post yields one alert however often it is retried. Every page (the first one
and each escalation) is recorded on the alert as `pending_page` before it is published
and cleared after; the every-minute job publishes pages left pending (SNS failed, or
the Lambda died in between). Conditional updates keep two overlapping runs from
escalating or delivering the same step twice.

State-table index `gsi1` (gsi1pk / gsi1sk):

    alerts#due    next moment something must happen: resend a page, or escalate
    alerts#held   release time of an alert held back (storm, quiet hours)

Alerts that are acknowledged, resolved or out of escalation steps leave both.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from ..errors import DeliveryError, PipelineError, StoreError
from ..logs import get_logger
from ..model import Alert, Mention, alert_id_for, iso, parse_time
from ..store import MentionStore, StateStore
from ..triage.spikes import SpikePolicy, SpikeVerdict
from . import links, message
from .notify import Notifier
from .policy import Policy, Rules, bucket_key, quiet_text, storm_buckets
from .team import Team

log = get_logger("alerts")

DUE = "alerts#due"
HELD = "alerts#held"
RESEND_AFTER = timedelta(seconds=30)
RECORD_ATTEMPTS = 3
RECORD_BACKOFF_SECONDS = 0.05
UNASSIGNED = "unassigned"
BUCKET_MINUTES = 5
NOTE_LIMIT = 500
RESOLVE_TTL_FACTOR = 3  # resolve links live three times as long as acknowledge links


@dataclass(frozen=True)
class AckResult:
    alert: Alert
    changed: bool  # False when it was already acknowledged (or resolved)


@dataclass
class Tick:
    """What one run of the every-minute job did."""

    resent: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)
    exhausted: list[str] = field(default_factory=list)
    grouped: list[str] = field(default_factory=list)  # grouped alerts sent
    failed: list[str] = field(default_factory=list)  # pages SNS refused (retried next run)


def _key(alert_id: str) -> tuple[str, str]:
    return f"alert#{alert_id}", "alert"


class AlertService:
    def __init__(
        self,
        *,
        state: StateStore,
        mentions: MentionStore,
        notifier: Notifier,
        team: Team,
        signing_key: Callable[[], str],
        base_url: str,
        timezone: str,
        spike_policy: SpikePolicy | None = None,
        on_member_change: Callable[[Alert], object] | None = None,
        retention: timedelta = timedelta(days=90),
    ) -> None:
        self._state = state
        self._mentions = mentions
        self._notifier = notifier
        self._team = team
        self._signing_key = signing_key
        self._base_url = base_url
        self._timezone = timezone
        self._spikes = spike_policy or SpikePolicy()
        self._retention = retention  # alert items carry post text: they expire (TTL) too
        # Told about every alert a grouped alert's acknowledge / resolve closed with it
        # (the digest's tally counts those; the caller already sees the group itself).
        self._on_member_change = on_member_change

    def _item(self, alert: Alert, index: dict[str, str], now: datetime) -> dict[str, Any]:
        expires_at = int((now + self._retention).timestamp())
        return {**alert.to_dict(), **index, "expires_at": expires_at}

    # ------------------------------------------------------------ reading

    def get(self, alert_id: str) -> Alert | None:
        data = self._state.get(*_key(alert_id))
        return Alert.from_dict(data) if data else None

    def due(self, now: datetime) -> list[Alert]:
        """Alerts with a page to resend or an escalation to make at `now`."""
        return [Alert.from_dict(item) for item in self._state.query_index(DUE, until=iso(now))]

    def held(self, now: datetime | None = None) -> list[Alert]:
        until = iso(now) if now is not None else None
        return [Alert.from_dict(item) for item in self._state.query_index(HELD, until=until)]

    # ------------------------------------------------------------ a new alert

    def alert_for(self, mention: Mention, now: datetime) -> Alert | None:
        """Store and page the alert for a negative mention; None if it already exists.

        Held back instead of paged (and returned with state "held") when the on-duty
        manager already had more than the storm limit in the window, or when it is low
        priority in quiet hours; the every-minute job sends held alerts as one message.
        """
        policy = self._team.policy()
        chain = self._team.on_call(now).chain
        recipient = chain[0] if chain else UNASSIGNED
        if recipient == UNASSIGNED:
            log.error("nobody is on duty", extra={"fields": {"mention_id": mention.id}})
        rules = policy.rules(mention.priority, chain)
        card = message.card_for(mention)
        stored = message.render(card, None, timezone=self._timezone, band=rules.band)
        held_reason, release_at = self._hold(mention.priority, recipient, policy, now)
        alert = Alert(
            id=alert_id_for(mention.id),
            kind="mention",
            recipient=recipient,
            created_at=iso(now),
            subject=stored.subject,
            body=stored.email,
            sms=stored.sms,
            mention_id=mention.id,
            priority=mention.priority,
            state="held" if held_reason else "pending",
            card=card,
            rules=rules.to_dict(),
            pending_page=None if held_reason else recipient,
            held_reason=held_reason,
            release_at=iso(release_at) if release_at else None,
        )
        if held_reason:
            index = {"gsi1pk": HELD, "gsi1sk": alert.release_at}
        else:
            index = {"gsi1pk": DUE, "gsi1sk": iso(now + RESEND_AFTER)}
        if not self._state.put_new(*_key(alert.id), self._item(alert, index, now)):
            return None
        self._count(alert, now)
        self._mentions.set_status(mention.id, "alerted")
        if held_reason:
            log.info(
                "alert held for a grouped message",
                extra={"fields": {"alert_id": alert.id, "reason": held_reason}},
            )
            return alert
        return self._deliver(alert, now)

    def _hold(
        self, priority: float, recipient: str, policy: Policy, now: datetime
    ) -> tuple[str | None, datetime | None]:
        quiet_end = policy.holds_quietly(priority, now, self._timezone)
        if quiet_end is not None:
            return "quiet hours", quiet_end
        if (
            recipient != UNASSIGNED
            and self._storm_count(recipient, policy, now) >= policy.storm_max
        ):
            return "storm", now
        return None, None

    def _storm_count(self, recipient: str, policy: Policy, now: datetime) -> int:
        total = 0
        for bucket in storm_buckets(now, policy.storm_window_minutes, BUCKET_MINUTES):
            data = self._state.get(f"alerts#storm#{recipient}", bucket)
            total += int((data or {}).get("count", 0))
        return total

    def _count(self, alert: Alert, now: datetime) -> None:
        """Window counters: pages per manager (storm control), negatives (spikes)."""
        bucket = bucket_key(now, BUCKET_MINUTES)
        if alert.state != "held" and alert.recipient != UNASSIGNED:
            self._state.add(f"alerts#storm#{alert.recipient}", bucket, {"count": 1})
        self._state.add(f"alerts#negatives#{bucket[:10]}", bucket, {"count": 1})

    # ------------------------------------------------------------ every minute

    def every_minute(self, now: datetime) -> Tick:
        """The scheduled job: resend failed pages, escalate, send held alerts grouped."""
        tick = Tick()
        self._resend(now, tick)
        self._escalate(now, tick)
        self._flush_held(now, tick)
        if tick.resent or tick.escalated or tick.exhausted or tick.grouped or tick.failed:
            log.info(
                "alerts job",
                extra={"fields": {k: len(v) for k, v in tick.__dict__.items()}},
            )
        return tick

    def _resend(self, now: datetime, tick: Tick) -> list[Alert]:
        sent: list[Alert] = []
        for alert in self.due(now):
            if alert.pending_page:
                self._isolated(alert, tick, lambda a=alert: self._resend_one(a, now, tick, sent))
        return sent

    def _resend_one(self, alert: Alert, now: datetime, tick: Tick, sent: list[Alert]) -> None:
        if alert.pending_page == UNASSIGNED:
            assigned = self._assign(alert, now)
            if assigned is None:
                return
            alert = assigned
        result = self._deliver(alert, now)
        (tick.resent if result.pending_page is None else tick.failed).append(alert.id)
        sent.append(result)

    def _isolated(self, alert: Alert, tick: Tick, work: Callable[[], None]) -> None:
        """One alert's trouble with DynamoDB must not stop the job for the others."""
        try:
            work()
        except StoreError:
            log.error(
                "alert skipped this run: state table refused",
                exc_info=True,
                extra={"fields": {"alert_id": alert.id}},
            )
            tick.failed.append(alert.id)

    def _assign(self, alert: Alert, now: datetime) -> Alert | None:
        """An alert stored while nobody was on duty goes to whoever is on duty now."""
        chain = self._team.on_call(now).chain
        if not chain:
            return None
        rules = {**alert.rules, "chain": list(chain)}
        changes = {"recipient": chain[0], "pending_page": chain[0], "rules": rules}
        if not self._state.update(*_key(alert.id), changes, expect={"pending_page": UNASSIGNED}):
            return None
        return alert.with_(recipient=chain[0], pending_page=chain[0], rules=rules)

    def _escalate(self, now: datetime, tick: Tick) -> None:
        for alert in self.due(now):
            if alert.pending_page or alert.state != "sent":
                continue
            if alert.next_escalation_at and parse_time(alert.next_escalation_at) > now:
                continue
            self._isolated(alert, tick, lambda a=alert: self._escalate_one(a, now, tick))

    def _escalate_one(self, alert: Alert, now: datetime, tick: Tick) -> None:
        rules = Rules.from_dict(alert.rules)
        level = alert.escalation_level + 1
        recipient = rules.recipient(level)
        expect = {"state": "sent", "escalation_level": alert.escalation_level}
        if recipient is None:
            changes = {"exhausted_at": iso(now), "gsi1pk": None, "gsi1sk": None}
            if self._state.update(*_key(alert.id), changes, expect=expect):
                tick.exhausted.append(alert.id)
                log.error(
                    "alert unacknowledged after every escalation step",
                    extra={
                        "fields": {
                            "alert_id": alert.id,
                            "escalation_level": alert.escalation_level,
                        }
                    },
                )
            return
        changes = {
            "escalation_level": level,
            "escalated_at": iso(now),
            "pending_page": recipient,
            "gsi1sk": iso(now),
        }
        if not self._state.update(*_key(alert.id), changes, expect=expect):
            return  # acknowledged meanwhile, or another run escalated it
        log.info(
            "alert escalated",
            extra={
                "fields": {
                    "alert_id": alert.id,
                    "escalation_level": level,
                    "recipient": recipient,
                }
            },
        )
        escalated = alert.with_(
            escalation_level=level, escalated_at=iso(now), pending_page=recipient
        )
        result = self._deliver(escalated, now)
        tick.escalated.append(alert.id)
        if result.pending_page is not None:
            tick.failed.append(alert.id)

    # ------------------------------------------------------------ storm control

    def _flush_held(self, now: datetime, tick: Tick) -> None:
        members = self.held(now)
        if not members:
            return
        chain = self._team.on_call(now).chain
        if not chain:
            return  # nobody on duty: they stay held and go out when someone is
        policy = self._team.policy()
        if len(members) == 1 and members[0].held_reason != "storm":
            self._release_one(members[0], chain, now, tick)
            return
        last = self._state.get("alerts#group", "last")
        if last and now - parse_time(last["at"]) < timedelta(minutes=policy.group_every_minutes):
            return  # one grouped message per interval while a storm lasts
        verdict = self._spike_verdict(now)
        kind = "spike" if verdict.is_spike else "group"
        reason = (
            verdict.reason if verdict.is_spike else self._group_reason(members, policy, chain[0])
        )
        priority = max(m.priority for m in members)
        rules = policy.rules(priority, chain)
        card = message.group_card(kind, reason, [m.card for m in members], len(members))
        stored = message.render(card, None, timezone=self._timezone, band=rules.band)
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
        )
        index = {"gsi1pk": DUE, "gsi1sk": iso(now + RESEND_AFTER)}
        if not self._state.put_new(*_key(group.id), self._item(group, index, now)):
            return  # another run this minute made it
        claimed = [m.id for m in members if self._claim(m, group.id, now)]
        if len(claimed) != len(members):
            group = group.with_(members=tuple(claimed), count=len(claimed))
            self._state.update(*_key(group.id), {"members": list(claimed), "count": len(claimed)})
        self._state.put("alerts#group", "last", {"at": iso(now), "alert_id": group.id})
        if kind == "spike":
            self._state.put("alerts#spike", "last", {"at": iso(now), "alert_id": group.id})
        result = self._deliver(group, now)
        tick.grouped.append(group.id)
        if result.pending_page is not None:
            tick.failed.append(group.id)

    def _claim(self, member: Alert, group_id: str, now: datetime) -> bool:
        changes = {
            "state": "sent",
            "group_id": group_id,
            "sent_at": iso(now),
            "gsi1pk": None,
            "gsi1sk": None,
        }
        return self._state.update(*_key(member.id), changes, expect={"state": "held"})

    def _release_one(self, alert: Alert, chain: tuple[str, ...], now: datetime, tick: Tick) -> None:
        """One alert held in quiet hours goes out on its own when they end."""
        changes = {
            "state": "pending",
            "recipient": chain[0],
            "pending_page": chain[0],
            "rules": {**alert.rules, "chain": list(chain)},
            "gsi1pk": DUE,
            "gsi1sk": iso(now + RESEND_AFTER),
        }
        if not self._state.update(*_key(alert.id), changes, expect={"state": "held"}):
            return
        released = alert.with_(
            state="pending", recipient=chain[0], pending_page=chain[0], rules=changes["rules"]
        )
        result = self._deliver(released, now)
        (tick.resent if result.pending_page is None else tick.failed).append(alert.id)

    def _group_reason(self, members: Iterable[Alert], policy: Policy, recipient: str) -> str:
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

    def _spike_verdict(self, now: datetime) -> SpikeVerdict:
        """Triage's spike rule over the negative counters kept per 5-minute bucket."""
        window = self._spikes.window
        per_window = max(1, int(window.total_seconds() // 60) // BUCKET_MINUTES)
        windows = self._spikes.baseline_windows + 1
        counts: dict[str, int] = {}
        days = {bucket_key(now - window * windows)[:10], bucket_key(now)[:10]}
        for day in days:
            for item in self._state.query(f"alerts#negatives#{day}"):
                counts[item["sk"]] = int(item.get("count", 0))
        per_bucket = [
            counts.get(bucket_key(now - timedelta(minutes=BUCKET_MINUTES * i)), 0)
            for i in reversed(range(per_window * windows))
        ]
        sums = [sum(per_bucket[i : i + per_window]) for i in range(0, len(per_bucket), per_window)]
        last = self._state.get("alerts#spike", "last")
        return self._spikes.check(
            sums[-1],
            sums[:-1],
            now=now,
            last_spike_at=parse_time(last["at"]) if last else None,
        )

    # ------------------------------------------------------------ delivery

    def _deliver(self, alert: Alert, now: datetime) -> Alert:
        """Publish the alert's pending page; record it, or count the failed attempt."""
        recipient = alert.pending_page
        if not recipient or recipient == UNASSIGNED:
            return alert
        rules = Rules.from_dict(alert.rules)
        policy = self._team.policy()
        note = self._escalation_note(alert, rules)
        rendered = message.render(
            alert.card,
            self._links(alert.id, recipient, now, policy),
            timezone=self._timezone,
            band=rules.band,
            note=note,
        )
        key = _key(alert.id)
        try:
            self._notifier.publish(
                recipient, rendered.subject, rendered.email, rendered.sms, alert.kind, alert.id
            )
        except DeliveryError:
            log.warning(
                "page not sent; will retry",
                exc_info=True,
                extra={"fields": {"alert_id": alert.id, "attempts": alert.attempts + 1}},
            )
            self._state.update(*key, {"attempts": alert.attempts + 1})
            return alert.with_(attempts=alert.attempts + 1)
        at = iso(now)
        next_at = iso(now + timedelta(minutes=rules.escalate_after_minutes))
        paged = alert.paged if recipient in alert.paged else (*alert.paged, recipient)
        pages = (
            *alert.pages,
            {"escalation_level": alert.escalation_level, "recipient": recipient, "at": at},
        )
        changes: dict[str, Any] = {
            "state": "sent",
            "sent_at": alert.sent_at or at,
            "last_sent_at": at,
            "attempts": alert.attempts + 1,
            "pending_page": None,
            "paged": list(paged),
            "pages": list(pages),
            "next_escalation_at": next_at,
            "gsi1pk": DUE,
            "gsi1sk": next_at,
        }
        try:
            recorded = self._record_page(key, changes, recipient)
        except StoreError:
            # SNS has the page; the next run may send it once more (at least once, never lost)
            log.error(
                "page sent but not recorded; it may be sent again",
                exc_info=True,
                extra={"fields": {"alert_id": alert.id, "recipient": recipient}},
            )
            return alert.with_(state="sent", pending_page=None, attempts=alert.attempts + 1)
        if not recorded:
            return self.get(alert.id) or alert  # another run delivered it
        log.info(
            "page sent",
            extra={
                "fields": {
                    "alert_id": alert.id,
                    "recipient": recipient,
                    "escalation_level": alert.escalation_level,
                }
            },
        )
        return alert.with_(
            state="sent",
            sent_at=changes["sent_at"],
            last_sent_at=at,
            attempts=changes["attempts"],
            pending_page=None,
            paged=paged,
            pages=pages,
            next_escalation_at=next_at,
        )

    def _record_page(self, key: tuple[str, str], changes: dict[str, Any], recipient: str) -> bool:
        """Record a page SNS accepted; retried in place, since failing here means the
        every-minute job would send the same page again."""
        for attempt in range(RECORD_ATTEMPTS):
            try:
                return self._state.update(*key, changes, expect={"pending_page": recipient})
            except StoreError:
                if attempt == RECORD_ATTEMPTS - 1:
                    raise
                time.sleep(RECORD_BACKOFF_SECONDS * 2**attempt)
        return False

    def _escalation_note(self, alert: Alert, rules: Rules) -> str:
        if alert.escalation_level == 0 or not alert.paged:
            return ""
        return (
            f"ESCALATED (step {alert.escalation_level + 1}): not acknowledged by"
            f" {', '.join(alert.paged)} within {rules.escalate_after_minutes} min."
        )

    def _links(self, alert_id: str, recipient: str, now: datetime, policy: Policy) -> message.Links:
        key = self._signing_key()
        ttl = policy.link_ttl_hours * 3600
        ack = links.make_token(key, alert_id, recipient, now.timestamp(), ttl=ttl)
        resolve = links.make_token(
            key,
            alert_id,
            recipient,
            now.timestamp(),
            action="resolve",
            ttl=ttl * RESOLVE_TTL_FACTOR,
        )
        return message.Links(
            ack=links.link(self._base_url, alert_id, ack),
            resolve=links.link(self._base_url, alert_id, resolve, action="resolve"),
        )

    # ------------------------------------------------------------ acknowledge, resolve

    def acknowledge(self, alert_id: str, token: str, now: datetime) -> AckResult:
        """Acknowledge with a signed link. Raises `links.TokenError` or `LookupError`."""
        alert, who = self._authorise(alert_id, token, now, "ack")
        if alert.state in ("acknowledged", "resolved"):
            return AckResult(alert, changed=False)
        changes = {
            "state": "acknowledged",
            "acknowledged_at": iso(now),
            "acknowledged_by": who,
            "pending_page": None,
            "gsi1pk": None,
            "gsi1sk": None,
        }
        if not self._state.update(*_key(alert_id), changes, expect={"state": alert.state}):
            return AckResult(self.get(alert_id) or alert, changed=False)
        self._close_members(
            alert, "acknowledged", {k: changes[k] for k in ("acknowledged_at", "acknowledged_by")}
        )
        log.info(
            "alert acknowledged",
            extra={
                "fields": {
                    "alert_id": alert_id,
                    "by": who,
                    "seconds_to_ack": _seconds(alert.created_at, now),
                }
            },
        )
        return AckResult(
            alert.with_(state="acknowledged", acknowledged_at=iso(now), acknowledged_by=who), True
        )

    def resolve(self, alert_id: str, token: str, now: datetime, *, note: str = "") -> AckResult:
        """Resolve with a signed link (acknowledging too, if nobody had)."""
        alert, who = self._authorise(alert_id, token, now, "resolve")
        if alert.state == "resolved":
            return AckResult(alert, changed=False)
        note = " ".join(note.split())[:NOTE_LIMIT] or None
        changes = {
            "state": "resolved",
            "resolved_at": iso(now),
            "resolved_by": who,
            "resolution_note": note,
            "acknowledged_at": alert.acknowledged_at or iso(now),
            "acknowledged_by": alert.acknowledged_by or who,
            "pending_page": None,
            "gsi1pk": None,
            "gsi1sk": None,
        }
        if not self._state.update(*_key(alert_id), changes, expect={"state": alert.state}):
            return AckResult(self.get(alert_id) or alert, changed=False)
        self._close_members(
            alert,
            "resolved",
            {k: v for k, v in changes.items() if not k.startswith(("gsi", "pending"))},
        )
        log.info(
            "alert resolved",
            extra={
                "fields": {
                    "alert_id": alert_id,
                    "by": who,
                    "seconds_to_resolve": _seconds(alert.created_at, now),
                }
            },
        )
        return AckResult(self.get(alert_id) or alert, changed=True)

    def authorise(self, alert_id: str, token: str, now: datetime, action: str) -> Alert:
        """The alert a link is for; raises `links.TokenError` or `LookupError` (no change)."""
        return self._authorise(alert_id, token, now, action)[0]

    def _authorise(
        self, alert_id: str, token: str, now: datetime, action: str
    ) -> tuple[Alert, str]:
        claims = links.check_token(
            self._signing_key(), token, alert_id, now.timestamp(), action=action
        )
        alert = self.get(alert_id)
        if alert is None:
            raise LookupError(alert_id)
        if claims.recipient not in alert.paged and claims.recipient != alert.recipient:
            raise links.TokenError("this link was sent to someone else")
        return alert, claims.recipient

    def _close_members(self, alert: Alert, state: str, stamps: dict[str, Any]) -> None:
        """The state change of an alert reaches its mention, or a group's members'."""
        if alert.mention_id:
            self._mentions.set_status(alert.mention_id, state)
        for member_id in alert.members:
            member = self.get(member_id)
            if member is None or member.state == "resolved":
                continue
            changes = {
                k: v
                for k, v in stamps.items()
                if k not in ("acknowledged_at", "acknowledged_by") or not member.acknowledged_at
            }
            self._state.update(*_key(member_id), {**changes, "state": state})
            if member.mention_id:
                self._mentions.set_status(member.mention_id, state)
            if self._on_member_change is not None:
                self._tell(member.with_(**{**changes, "state": state}))

    def _tell(self, member: Alert) -> None:
        """The observer's trouble must not undo an acknowledgement already made."""
        try:
            self._on_member_change(member)  # type: ignore[misc]
        except (PipelineError, ClientError):
            log.error(
                "alert observer failed",
                exc_info=True,
                extra={"fields": {"alert_id": member.id}},
            )


def _seconds(start: str, end: datetime) -> int:
    return int((end - parse_time(start)).total_seconds())
