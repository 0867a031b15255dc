"""Replies from the case page, sent exactly once; the brand's replies seen on the network.

    send_reply(alert, text, who, now) -> ReplyResult     (also the incident page's path)

Exactly once, per press and across presses: a reply's idempotency key is the case and
its text (whitespace folded). Before the network is called, the reply is claimed with a
conditional write (`keys.reply`: put-if-absent, state "sending"); only the claimant
calls the network, then records what it answered:

    sending ──► sent        the network's reply id kept; the case is answered
            ├─► refused     nothing posted (expired token, deleted post, X "not
            │               summoned"…): shown in plain words; a later press may
            │               claim it again (conditional on "refused")
            └─► uncertain   no answer (timeout, 5xx): it may be posted, so it is never
                            sent again by itself; the page says to check the post

A double tap, a retry or a second manager pressing at the same time finds the claim and
is told what became of it; nothing reaches the network twice. A token the network
revoked pages the team lead once (`keys.reply` "revoked", cleared by the next reply
that goes through). The case stays open whatever happens: resolving stays a choice.

The first reply, from here ("product") or the brand's own reply seen on the network
("network", `seen_on_network`), marks the case answered at that moment
(`keys.alert_answered`: the first writer wins; an earlier moment seen later replaces
it); the digest's response figures read that time.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime, timedelta
from typing import Any

from ... import untrusted
from ...errors import DeliveryError, ReplyRefused, ReplyUncertain
from ...i18n import N_
from ...logs import get_logger
from ...model import Alert, Mention, alert_id_for, iso, parse_time
from ...sources.reply import Outbound, Sent, Target
from ...store import StateTable, keys
from ..paging.notify import Notifier
from ..record.events import Events
from ..record.records import AlertRecords
from ..roster.team import Team
from . import reply_said as said
from .reply_text import TEXT_LIMIT, ReplyResult, clean, reply_key, summoned

log = get_logger("alerts.replies")


class Replies:
    def __init__(
        self,
        *,
        state: StateTable,
        records: AlertRecords,
        outbound: Outbound,
        team: Team,
        notifier: Notifier,
        events: Events,
        retention: timedelta,
        brand_handles: tuple[str, ...] = (),
    ) -> None:
        self._state = state
        self._records = records
        self._outbound = outbound
        self._team = team
        self._notifier = notifier
        self._events = events
        self._retention = retention
        self._brand = brand_handles

    # ------------------------------------------------------------ what the page shows

    def target(self, alert: Alert, mention: Mention | None) -> Target:
        card = alert.card
        native = mention.native_id if mention else str(alert.mention_id or "").partition(":")[2]
        return Target(
            source=str(card.get("source") or (mention.source if mention else "")),
            native_id=native,
            author_handle=str(card.get("handle") or (mention.author.handle if mention else "")),
            summoned=summoned(mention, self._brand),
            url=str(card.get("url") or (mention.url if mention else "")),
        )

    def why_not(self, alert: Alert, mention: Mention | None) -> str:
        """Why this case cannot be answered from the page ("" when it can)."""
        if alert.kind != "mention" or not alert.mention_id:
            return N_("Grouped cases are answered post by post.")
        return self._outbound.why_not(self.target(alert, mention))

    def channel_rule(self, source: str) -> Any:
        channel = self._outbound.channel(source)
        return channel.rule if channel else None

    def sent(self, alert_id: str) -> list[dict[str, Any]]:
        """Every reply of the case (sent here, or seen on the network), oldest first."""
        items = list(self._state.query(keys.alert_pk(alert_id), keys.REPLY_PREFIX))
        return sorted(items, key=lambda i: str(i.get("at", "")))

    # ------------------------------------------------------------ sending

    def send_reply(
        self, alert: Alert, text: str, who: str, now: datetime, mention: Mention | None = None
    ) -> ReplyResult:
        """Send `text` as a reply to the case's post, at most once (see the module)."""
        steps = self.steps(alert, text, who, now, mention)
        try:
            while True:
                next(steps)
        except StopIteration as done:
            result: ReplyResult = done.value
            return result

    def steps(
        self, alert: Alert, text: str, who: str, now: datetime, mention: Mention | None = None
    ) -> Generator[str, None, ReplyResult]:
        """`send_reply` one step at a time: it yields after the claim and after the
        network call (so a test can interleave presses); returns the result."""
        text = clean(text)
        if not text:
            return ReplyResult("invalid", said.EMPTY)
        target = self.target(alert, mention)
        refusal = self.why_not(alert, mention)
        if refusal:
            return ReplyResult("invalid", refusal)
        rule = self.channel_rule(target.source)
        used, fits = rule.check(text) if rule else (len(text), True)
        if not fits:
            too_long = said.too_long(used, rule.limit, rule.unit)
            return ReplyResult("invalid", too_long, reason="too_long")
        key = reply_key(alert.id, text)
        claimed = self._claim(alert, key, text, target.source, who, now)
        if claimed is not None:
            return claimed
        yield "claimed"
        try:
            sent = self._outbound.send(target, text, key)
        except ReplyRefused as refused:
            yield "answered"
            return self._refused(alert, key, refused, who, now)
        except (ReplyUncertain, DeliveryError) as error:
            yield "answered"
            return self._uncertain(alert, key, str(error), now)
        except Exception as error:  # a bug after the request may have gone: never resend
            self._uncertain(alert, key, type(error).__name__, now)
            raise
        yield "answered"
        return self._sent(alert, key, sent, text, who, now)

    def _claim(
        self, alert: Alert, key: str, text: str, network: str, who: str, now: datetime
    ) -> ReplyResult | None:
        """None when this press holds the claim; else what became of the earlier one."""
        item = {
            "state": "sending",
            "text": text,
            "by": who,
            "network": network,
            "at": iso(now),
            "via": "product",
            "expires_at": int((now + self._retention).timestamp()),
        }
        if self._state.put_new(keys.reply(alert.id, "sent", key), item):
            return None
        earlier = self._state.get(keys.reply(alert.id, "sent", key)) or {}
        state = str(earlier.get("state", ""))
        if state == "refused" and self._state.update(
            keys.reply(alert.id, "sent", key),
            {**item, "reason": None, "advice": None},
            expect={"state": "refused"},
        ):
            return None  # a new try after a refusal (a renewed token, say)
        if state == "sent":
            by, reply_id, url = (str(earlier.get(k, "")) for k in ("by", "reply_id", "url"))
            return ReplyResult("already_sent", said.already_sent(by), reply_id, url)
        if state == "uncertain":
            return ReplyResult("uncertain", said.MAYBE_SENT)
        return ReplyResult("in_flight", said.in_flight(str(earlier.get("by") or "")))

    def _sent(
        self, alert: Alert, key: str, sent: Sent, text: str, who: str, now: datetime
    ) -> ReplyResult:
        self._state.update(
            keys.reply(alert.id, "sent", key),
            {"state": "sent", "reply_id": sent.reply_id, "url": sent.url, "sent_at": iso(now)},
        )
        network = str(alert.card.get("source") or "")
        self._state.delete(keys.reply("", "revoked", network))
        self._answered(alert, now, via="product", by=who)
        log.info(
            "reply sent",
            extra={"fields": {"alert_id": alert.id, "by": who, "network": network}},
        )
        return ReplyResult("sent", said.SENT, sent.reply_id, sent.url)

    def _refused(
        self, alert: Alert, key: str, refused: ReplyRefused, who: str, now: datetime
    ) -> ReplyResult:
        self._state.update(
            keys.reply(alert.id, "sent", key),
            {"state": "refused", "reason": refused.reason, "advice": refused.advice},
        )
        network = str(alert.card.get("source") or "")
        log.warning(
            "reply refused",
            extra={"fields": {"alert_id": alert.id, "network": network, "reason": refused.reason}},
        )
        if refused.revoked:
            self._outbound.forget(network)
            self._page_lead(network, refused, now)
        return ReplyResult("refused", said.not_sent(refused.advice), reason=refused.reason)

    def _uncertain(self, alert: Alert, key: str, why: str, now: datetime) -> ReplyResult:
        self._state.update(
            keys.reply(alert.id, "sent", key), {"state": "uncertain", "reason": why[:200]}
        )
        log.error("reply uncertain", extra={"fields": {"alert_id": alert.id, "why": why[:200]}})
        return ReplyResult("uncertain", said.NO_ANSWER)

    def _page_lead(self, network: str, refused: ReplyRefused, now: datetime) -> None:
        """Tell the team lead once that a network refuses our token."""
        on_call = self._team.on_call(now)
        lead = on_call.lead or (on_call.chain[-1] if on_call.chain else None)
        if not lead:
            log.error("token refused and no lead to tell", extra={"fields": {"network": network}})
            return
        marker = keys.reply("", "revoked", network)
        if not self._state.put_new(marker, {"at": iso(now), "lead": lead}):
            return
        subject = f"[Replies] {network} refuses the brand's token"
        text = (
            f"{network} refused a reply from the case page: {refused.advice}\n"
            "Renew the token in the stage's secret (docs/oncall.md, 'Replies'); until then "
            "the team replies in the network's own app."
        )
        try:
            self._notifier.publish(lead, subject, text, subject, kind="replies")
        except DeliveryError:
            self._state.delete(marker)  # the next refusal tries again
            log.warning("lead not told of a refused token", extra={"fields": {"network": network}})

    # ------------------------------------------------------------ answered

    def _answered(self, alert: Alert, at: datetime, *, via: str, by: str) -> None:
        """The case was answered at `at`: the first answer wins, an earlier one replaces it."""
        stamp = {"at": iso(at), "via": via, "by": by}
        changes = {"answered_at": iso(at), "answered_via": via, "answered_by": by}
        answered = keys.reply(alert.id, "answered")
        if not self._state.put_new(answered, stamp):
            first = self._state.get(answered) or {}
            if str(first.get("at", "")) <= iso(at):
                return
            if not self._state.update(answered, stamp, expect={"at": first.get("at")}):
                return
        if self._records.change(alert.id, changes):
            self._events.emit(alert.with_(**changes))

    def brand_replied(self, post: Mention) -> bool:
        """The brand's own post `post` (`Mention.by_brand`) answers the case of the post it
        replies to, if that post has one: see `seen_on_network`."""
        if not post.in_reply_to:
            return False
        alert = self._records.get(alert_id_for(post.in_reply_to))
        if alert is None:
            return False
        who = post.author.handle or post.author.name or "the brand"
        return self.seen_on_network(
            alert, post.native_id, post.text, parse_time(post.created_at), who
        )

    def seen_on_network(
        self, alert: Alert, native_id: str, text: str, at: datetime, handle: str
    ) -> bool:
        """The brand's own reply to the case's post, seen on the network: on the
        timeline, and the case answered at that time. False when known already (the
        same reply sent from the page, or seen before)."""
        if any(i.get("reply_id") in (native_id, f"t1_{native_id}") for i in self.sent(alert.id)):
            return False
        item = {
            "state": "seen",
            "text": untrusted.block(text)[:TEXT_LIMIT],
            "by": handle,
            "via": "network",
            "at": iso(at),
            "reply_id": native_id,
            "expires_at": int((at + self._retention).timestamp()),
        }
        if not self._state.put_new(keys.reply(alert.id, "seen", native_id), item):
            return False
        self._answered(alert, at, via="network", by=handle)
        return True
