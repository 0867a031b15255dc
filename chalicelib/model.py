"""The normalised records: a `Mention` (one post, from any network) and an `Alert`.

Both are plain dataclasses that turn into JSON-safe dicts (`to_dict`) and back
(`from_dict`). Only `store.py` knows how a dict becomes a DynamoDB item. The brand's own
posts are not mentions: `activity.BrandPost`.

A mention id is ``"{source}:{native_id}"``: the same post seen by a poller and a
webhook is one mention. Sources that carry the same network (the X poller and the
X Account Activity webhook) use the same ``source`` name for it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

MENTION_STATUSES = ("new", "alerted", "acknowledged", "resolved")
SENTIMENT_LABELS = ("negative", "neutral", "positive", "unknown")


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """UTC ISO 8601 with a `Z`, second precision: sortable as a string."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give a timezone-aware moment")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str | int | float) -> datetime:
    """Parse ISO 8601 (with `Z` or an offset) or epoch seconds/milliseconds into UTC.

    Anything that is not such a time, or is past what a datetime holds, is a ValueError.
    """
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 10**11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError) as exc:  # 1e20: past what a datetime can hold
            raise ValueError(f"timestamp out of range: {value!r}") from exc
    text = value.strip()
    if text.isdigit():
        return parse_time(int(text))
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"timestamp without timezone: {value!r}")
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Author:
    id: str
    handle: str
    name: str = ""
    followers: int = 0


@dataclass(frozen=True, slots=True)
class Engagement:
    likes: int = 0
    replies: int = 0
    reposts: int = 0
    score: int = 0  # network-specific (Reddit score, X quotes…); 0 when unknown


@dataclass(frozen=True, slots=True)
class Sentiment:
    score: float  # in [-1, 1]
    label: str  # one of SENTIMENT_LABELS
    analyzer: str  # e.g. "vader-en", "pattern-nl"
    # what the customer needs (triage/needs.py): complaint, help, question, praise, other;
    # "" when not judged
    need: str = ""


@dataclass(frozen=True, slots=True)
class Mention:
    source: str
    native_id: str
    url: str
    author: Author
    text: str
    created_at: str  # UTC ISO 8601
    received_at: str  # UTC ISO 8601
    lang: str | None = None
    engagement: Engagement = field(default_factory=Engagement)
    matched_terms: tuple[str, ...] = ()
    in_reply_to: str | None = None
    sentiment: Sentiment | None = None
    priority: float = 0.0
    reasons: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    status: str = "new"
    expires_at: int | None = None  # epoch seconds (DynamoDB TTL)
    # posted by the brand's own account: never a mention; its `in_reply_to` is answered
    # (triage marks that case answered on the network, alerts/desk/replies.py)
    by_brand: bool = False
    rating: int | None = None  # a review's stars, 1..5 (app stores, review sites); else None

    def __post_init__(self) -> None:
        if not self.source or ":" in self.source:
            raise ValueError(f"bad source name: {self.source!r}")
        if not self.native_id:
            raise ValueError("a mention needs the network's own id")
        if self.status not in MENTION_STATUSES:
            raise ValueError(f"unknown status: {self.status!r}")
        if self.rating is not None and not 1 <= self.rating <= 5:
            raise ValueError(f"a rating is 1..5 stars, got {self.rating!r}")

    @property
    def id(self) -> str:
        return mention_id(self.source, self.native_id)

    @property
    def day(self) -> str:
        """UTC day of the post (`YYYY-MM-DD`), the key of the day index."""
        return self.created_at[:10]

    @property
    def is_negative(self) -> bool:
        return self.sentiment is not None and self.sentiment.label == "negative"

    def with_(self, **changes: Any) -> Mention:
        return replace(self, **changes)

    def judged(
        self,
        lang: str,
        sentiment: Sentiment,
        priority: float,
        reasons: tuple[str, ...],
        themes: tuple[str, ...],
    ) -> Mention:
        """`with_()` of triage's five fields, built by one constructor call: triage judges
        every post, and `dataclasses.replace` looks each field up by name (~2x the time)."""
        return Mention(
            source=self.source,
            native_id=self.native_id,
            url=self.url,
            author=self.author,
            text=self.text,
            created_at=self.created_at,
            received_at=self.received_at,
            lang=lang,
            engagement=self.engagement,
            matched_terms=self.matched_terms,
            in_reply_to=self.in_reply_to,
            sentiment=sentiment,
            priority=priority,
            reasons=reasons,
            themes=themes,
            status=self.status,
            expires_at=self.expires_at,
            by_brand=self.by_brand,
            rating=self.rating,
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["id"] = self.id
        for key in ("matched_terms", "reasons", "themes"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mention:
        sentiment = data.get("sentiment")
        return cls(
            source=data["source"],
            native_id=str(data["native_id"]),
            url=data.get("url", ""),
            author=Author(**_ints(data["author"], "followers")),
            text=data["text"],
            created_at=data["created_at"],
            received_at=data["received_at"],
            lang=data.get("lang"),
            engagement=Engagement(
                **_ints(data.get("engagement") or {}, "likes", "replies", "reposts", "score")
            ),
            matched_terms=tuple(data.get("matched_terms") or ()),
            in_reply_to=data.get("in_reply_to"),
            sentiment=Sentiment(
                score=float(sentiment["score"]),
                label=sentiment["label"],
                analyzer=sentiment["analyzer"],
                need=sentiment.get("need") or "",
            )
            if sentiment
            else None,
            priority=float(data.get("priority") or 0),
            reasons=tuple(data.get("reasons") or ()),
            themes=tuple(data.get("themes") or ()),
            status=data.get("status", "new"),
            expires_at=int(data["expires_at"]) if data.get("expires_at") is not None else None,
            by_brand=bool(data.get("by_brand", False)),
            rating=int(data["rating"]) if data.get("rating") is not None else None,
        )


def mention_id(source: str, native_id: str) -> str:
    return f"{source}:{native_id}"


def _ints(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    """Copy of `data` with `keys` as ints (DynamoDB hands numbers back as Decimal)."""
    out = dict(data)
    for key in keys:
        if key in out and out[key] is not None:
            out[key] = int(out[key])
    return out


# "board": routed to the shift board only, no page; "failed": no one could be paged
ALERT_STATES = ("pending", "held", "sent", "board", "acknowledged", "resolved", "failed")
# How a case ended (chosen when resolving it); the digest counts and tells them.
OUTCOMES = ("answered", "solved", "turned_positive", "handed_over", "no_action")
LESSON_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class Alert:
    """A page to a conversation manager, stored before it is sent (outbox).

    One mention gives at most one alert: the alert id is derived from the mention id.
    A spike alert carries no mention, but a count and examples.
    """

    id: str
    kind: str  # "mention" | "spike" | "source-health"
    recipient: str  # manager id the SNS filter policy matches on
    created_at: str
    subject: str
    body: str  # e-mail text, phone-sized
    sms: str = ""  # SMS text, a few segments at most
    mention_id: str | None = None
    priority: float = 0.0
    state: str = "pending"
    sent_at: str | None = None
    acknowledged_at: str | None = None
    acknowledged_by: str | None = None
    resolved_at: str | None = None
    attempts: int = 0
    escalation_level: int = 0
    # On-call detail (docs/oncall.md documents each field):
    card: dict[str, Any] = field(default_factory=dict)  # what the message renders from
    rules: dict[str, Any] = field(default_factory=dict)  # escalation rules at creation
    paged: tuple[str, ...] = ()  # everyone sent a link for this alert, in order
    pages: tuple[dict[str, Any], ...] = ()  # {escalation_level, recipient, at} per page
    pending_page: str | None = None  # recipient whose page is not delivered yet
    last_sent_at: str | None = None
    escalated_at: str | None = None  # last escalation
    next_escalation_at: str | None = None
    exhausted_at: str | None = None  # every escalation step used, still unacknowledged
    resolved_by: str | None = None
    resolution_note: str | None = None
    outcome: str | None = None  # one of OUTCOMES, given when it was resolved
    lesson: str | None = None  # what the organisation should learn from the case
    lesson_theme: str | None = None  # the theme the lesson concerns (routes it to an owner)
    held_reason: str | None = None  # "storm" | "quiet hours": waits for a grouped message
    release_at: str | None = None
    group_id: str | None = None  # the grouped alert that carried this one
    members: tuple[str, ...] = ()  # a grouped alert's member alert ids
    count: int = 1  # posts this alert stands for (a group or a spike: more than one)
    # The case desk (docs/oncall.md):
    channels: tuple[str, ...] = ()  # how its band is paged ("sms", "email"); () board only
    holder: str | None = None  # who has the case now (acknowledged it, or was handed it)
    handovers: tuple[dict[str, Any], ...] = ()  # {from, to, at, note, reason} per handover
    # one more at every change of hands (acknowledge, hand over, resolve); each is made
    # only over the version it was decided on (`records.decided_on`); None: not yet
    version: int | None = None
    reminders: int = 0  # 1: the holder was reminded, 2: and the backup told
    reminded_at: str | None = None  # acknowledged, unresolved past target: holder reminded
    reminder_escalated_at: str | None = None  # ... and then the backup told
    page_attempts: int = 0  # publish attempts of the page now pending
    plain: bool = False  # the pending page goes in its plain form (SNS refused the full one)
    failed_pages: tuple[dict[str, Any], ...] = ()  # {recipient, at, reason}: given up on
    # Answered on the network (alerts/desk/replies.py): the first reply, sent from the case
    # page ("product") or seen on the network from the brand's account ("network")
    answered_at: str | None = None
    answered_via: str | None = None
    answered_by: str | None = None  # the manager, or the brand account's handle
    incident_id: str | None = None  # a post's alert that joined an incident (alerts.incidents)

    def with_(self, **changes: Any) -> Alert:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alert:
        known = {name for name in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("attempts", "escalation_level", "count", "page_attempts", "reminders"):
            if key in values:
                values[key] = int(values[key])
        if "priority" in values:
            values["priority"] = float(values["priority"])
        if values.get("version") is not None:
            values["version"] = int(values["version"])
        for key in ("paged", "pages", "members", "channels", "handovers", "failed_pages"):
            if key in values:
                values[key] = tuple(values[key] or ())
        return cls(**values)


def alert_id_for(mention_id_: str) -> str:
    return f"alert:{mention_id_}"
