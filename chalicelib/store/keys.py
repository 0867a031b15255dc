"""Every key the app writes, in one place: the only module that spells a pk or sk.

Mentions table (`MENTIONS_TABLE`), one item per post:

    id = "<source>:<native id>"                     the Mention (model.mention_id)
    (no index: `day`, the team-local YYYY-MM-DD, is an attribute for tools and tests)

State table (`STATE_TABLE`), everything else under (pk, sk), GSI `gsi1` (gsi1pk, gsi1sk):

    pk                           sk                        what                      owner
    source#<name>                cursor                    a poller's cursor         sources.polling
    source#<name>                health                    last success, failures    sources.health
    team                         manager#<id>              a Manager                 alerts.team
    team                         rotation                  the Rotation              alerts.team
    team                         override#<start>#<id>     an Override               alerts.team
    team                         policy                    the Policy                alerts.team
    alert#<alert id>             alert                     the Alert (outbox)        alerts.records
    alert#<alert id>             tally                     events the digest counted digest.tally
    alert#<id> | replies#<net>   reply#…, answered|revoked  replies | lead told   alerts.replies
    team                         replies                   saved replies, status pg. (saved_replies)
    alerts#negatives#<UTC day>   <UTC 5-min bucket>        negative alerts (spikes), alerts.storm
                                                           t#<theme> of the first 50,
                                                           pages#<manager>; 2 days
    alerts#group                 last                      last grouped message      alerts.storm
    alerts#spike                 last                      last spike message        alerts.storm
    alerts#sms                   <UTC hour>                SMS sent (the budget)     alerts.budget
    alerts#sms#<manager>         missed                    pages the budget kept off alerts.budget
    alerts#shift                 current                   primary on duty now       alerts.handover
    code#<SHA-256 of the code>   code                      a case code's grant       alerts.codes
    csrf#<nonce>                 used                      a form already submitted  alerts.web
    incidents#cause|open; day#…  <kind>|<id>; incidents    open incidents; by day   alerts.incidents
    cases#queue                  <created>#<alert id>      open, unacknowledged case alerts.cases
    cases#held#<manager>         <created>#<alert id>      open case a manager holds alerts.cases
    author#<source>:<author id>  history                   earlier alerted posts     alerts.history
    day#<local day>              stats                     the day's alert counters  digest.tally
    day#<local day>              stats#<shard>             a share of its counters   digest.ingest
    day#<local day>              top#<list>#<shard>        a shard of a top list     digest.toplists
                                                           (top#themes#0: the tally)
    day#<local day>              turned                    who turned (flags)      digest.turnaround
    digest#<local day>           send                      the day's send claim      digest.service
    digest#trend                 days                      28 days' figures, themes  digest.trends
    trail#<ISO week>#<bucket>    authors                   negatives, cases/author   digest.trail
    trail#<ISO week>             swept                     old weeks cleared         digest.lessons
    week#<ISO week>              top#<list>#<shard>        a shard of a week's list  digest.toplists
    week#<ISO week>              lessons                   lessons counted per theme digest.outcomes
    lessons#<ISO week>           send#<owner e-mail>       a weekly mail's claim     digest.lessons
    list#<list>                  top#<shard>               a standing list (cases)   digest.toplists
    list#<list>                  counts                    its opened/closed counts  digest.outcomes
    quarantine#<ref>             quarantine                a poison message/mention  consumer
    brandpost#<net>:<post id>    post                      the brand's own post      store.brand
    brand#<thread|reply>#<net>:<conversation | post answered> / post#<post id>: its copies
    deleted#<mention id>         review                    a review its author deleted store.reviews

    gsi1pk          gsi1sk
    alerts#due      next moment an alert needs the every-minute job (resend, escalate)
    alerts#held     release time of an alert held back (storm, quiet hours)
    quarantine      when it was quarantined (`tools dlq list` reads them in order)

An erased mention leaves a tombstone under its id in the mentions table
(``{"id", "erased": true, "expires_at"}``): a replayed request or a redriven message of
it is a duplicate, never the post again.

Items that carry a post's text (alerts, day lists, open cases, author history) and codes
have `expires_at` (DynamoDB TTL). Week trail items are deleted by the weekly job once older
than the minus→plus window (`digest.trail.sweep`). Entries that name an author or a post are
attributes ``e#<source>:<author id>`` / ``e#<mention id>``, which erasure removes by name.
"""

from __future__ import annotations

import zlib
from typing import Literal, NamedTuple


class Key(NamedTuple):
    pk: str
    sk: str


# ------------------------------------------------------------------ the brand's own posts
def brand_post(post_id: str) -> Key:
    return Key(f"brandpost#{post_id}", "post")  # post_id: "<network>:<native id>"


def brand_index(kind: str, network: str, target: str, native_id: str = "") -> Key:
    """kind "thread" (a conversation id) or "reply" (the post answered); no `native_id`: a query"""
    return Key(f"brand#{kind}#{network}:{target}", f"post#{native_id}")


def deleted_review(mention_id: str) -> Key:  # a review its author deleted: store.reviews
    return Key(f"deleted#{mention_id}", "review")


# ------------------------------------------------------------------ sources

CURSOR = "cursor"
HEALTH = "health"


def source_cursor(source: str) -> Key:
    return Key(f"source#{source}", CURSOR)


def source_health(source: str) -> Key:
    return Key(f"source#{source}", HEALTH)


# ------------------------------------------------------------------ the team

TEAM = "team"
MANAGER_PREFIX = "manager#"
OVERRIDE_PREFIX = "override#"
ROTATION = Key(TEAM, "rotation")
POLICY = Key(TEAM, "policy")
REPLY_SETTINGS = Key(TEAM, "replies")  # the saved replies and the status page they link to


def manager(manager_id: str) -> Key:
    return Key(TEAM, f"{MANAGER_PREFIX}{manager_id}")


def manager_revocations(manager_id: str) -> Key:
    """How often a manager's passes and codes were withdrawn; kept when they leave."""
    return Key(TEAM, f"revoked#{manager_id}")


def override(start: str, manager_id: str) -> Key:
    """An override's key; `start` is its UTC ISO start, so overrides sort by start."""
    return Key(TEAM, f"{OVERRIDE_PREFIX}{start}#{manager_id}")


def is_override(sk: str) -> bool:
    return sk.startswith(OVERRIDE_PREFIX)


# ------------------------------------------------------------------ alerts

ALERT_PREFIX = "alert#"
DUE_INDEX = "alerts#due"
HELD_INDEX = "alerts#held"
LAST_GROUP = Key("alerts#group", "last")
LAST_SPIKE = Key("alerts#spike", "last")


def alert(alert_id: str) -> Key:
    return Key(f"{ALERT_PREFIX}{alert_id}", "alert")


def alert_tally(alert_id: str) -> Key:
    return Key(f"{ALERT_PREFIX}{alert_id}", "tally")


def alert_pk(alert_id: str) -> str:
    """Every item about one alert shares this pk (the alert, what the digest counted)."""
    return f"{ALERT_PREFIX}{alert_id}"


REPLY_PREFIX, SEEN_PREFIX = "reply#", "reply#seen#"


def reply(alert_id: str, kind: str, ref: str = "") -> Key:
    """A case's "sent" reply (`ref`: case + text), "seen" one (`ref`: its id), "answered";
    "revoked": the lead told that network `ref` refuses our token (no `alert_id`)."""
    if kind == "revoked":
        return Key(f"replies#{ref}", "revoked")
    sk = {"sent": f"{REPLY_PREFIX}{ref}", "seen": f"{SEEN_PREFIX}{ref}", "answered": "answered"}
    return Key(alert_pk(alert_id), sk[kind])


def is_alert(key: Key) -> bool:
    return key.pk.startswith(ALERT_PREFIX) and key.sk == "alert"


def negatives_pk(utc_day: str) -> str:
    return f"alerts#negatives#{utc_day}"


def is_negatives_counter(key: Key) -> bool:
    return key.pk.startswith("alerts#negatives#")


def negatives_counter(bucket: str) -> Key:
    """Negative alerts (and pages per manager) in a 5-minute bucket (`YYYY-MM-DDTHH:MM`),
    one pk per UTC day."""
    return Key(negatives_pk(bucket[:10]), bucket)


# ------------------------------------------------------------------ the digest's days

STATS = "stats"


def day_pk(day: str) -> str:
    return f"day#{day}"


STATS_SHARDS = 10  # a day's mention counters, spread so that no one item is hot


def day_stats(day: str) -> Key:
    """The day's first counter item (the alert tally adds here); see `day_stats_shard`."""
    return Key(day_pk(day), STATS)


def day_stats_shard(day: str, shard: int) -> Key:
    """One of `STATS_SHARDS` items the day's mention counters are spread over; a day's
    counters are the sum of every item whose sort key starts with `STATS`."""
    return Key(day_pk(day), f"{STATS}#{shard}")


def day_of(key: Key) -> str:
    """The day a `day_pk` key belongs to."""
    return key.pk[len(day_pk("")) :]


def is_day_stats(key: Key) -> bool:
    return key.pk.startswith("day#") and (key.sk == STATS or key.sk.startswith(f"{STATS}#"))


def day_list_shard(day: str, list_name: str, shard: int) -> Key:
    return Key(day_pk(day), f"top#{list_name}#{shard}")


def digest_claim(day: str) -> Key:
    return Key(f"digest#{day}", "send")


def day_turned(day: str) -> Key:
    """Authors counted as turned from minus to plus on a day (flags ``e#<author>``)."""
    return Key(day_pk(day), "turned")


def trend() -> Key:
    return Key("digest#trend", "days")


# ------------------------------------------------------------------ minus -> plus trail

TRAIL_BUCKETS = 1024  # at 50k complaining authors a week: ~50 per item, ~2 KB


def trail_bucket(author: str) -> int:
    return zlib.crc32(author.encode()) % TRAIL_BUCKETS


def trail(week: str, author: str) -> Key:
    """The week's trail item that holds `author` ("<source>:<author id>")."""
    return trail_bucket_key(week, trail_bucket(author))


def trail_bucket_key(week: str, bucket: int) -> Key:
    return Key(f"trail#{week}#{bucket}", "authors")


def trail_sweep(week: str) -> Key:
    """The weekly job cleared old trail weeks during `week`."""
    return Key(f"trail#{week}", "swept")


# ------------------------------------------------------------------ weeks and standing lists


def week_pk(week: str) -> str:
    return f"week#{week}"


def week_list_shard(week: str, list_name: str, shard: int) -> Key:
    return Key(week_pk(week), f"top#{list_name}#{shard}")


def week_lessons(week: str) -> Key:
    return Key(week_pk(week), "lessons")


def lessons_claim(week: str, owner: str) -> Key:
    return Key(f"lessons#{week}", f"send#{owner}")


def standing_list_shard(list_name: str, shard: int) -> Key:
    return Key(f"list#{list_name}", f"top#{shard}")


def standing_counts(list_name: str) -> Key:
    return Key(f"list#{list_name}", "counts")


# ------------------------------------------------------------------ quarantine

QUARANTINE_INDEX = "quarantine"


def quarantined(ref: str) -> Key:
    """A quarantined message (`ref` = its message id) or mention (`ref` = its id)."""
    return Key(f"quarantine#{ref}", "quarantine")


def is_quarantined(key: Key) -> bool:
    return key.pk.startswith("quarantine#") and key.sk == "quarantine"


# ------------------------------------------------------------------ the case desk

CASE_QUEUE = "cases#queue"
SHIFT = Key("alerts#shift", "current")
MISSED = "missed"


def case_code(digest: str) -> Key:
    """A case code's grant, stored under the code's SHA-256 (never the code itself)."""
    return Key(f"code#{digest}", "code")


def csrf_used(nonce: str) -> Key:
    return Key(f"csrf#{nonce}", "used")


def cases_held_pk(manager: str) -> str:
    return f"cases#held#{manager}"


def open_case(pk: str, created_at: str, alert_id: str) -> Key:
    """An open case on the board: in the queue (`CASE_QUEUE`) or held (`cases_held_pk`)."""
    return Key(pk, f"{created_at}#{alert_id}")


def incidents(what: Literal["cause", "open", "day"], name: str) -> Key:  # (cause, kind)…
    return Key(day_pk(name), "incidents") if what == "day" else Key(f"incidents#{what}", name)


def author_history(source: str, author_id: str) -> Key:
    return Key(f"author#{source}:{author_id}", "history")


def sms_counter(utc_hour: str) -> Key:
    """SMS the team was sent in one UTC hour (`YYYY-MM-DDTHH`)."""
    return Key("alerts#sms", utc_hour)


def sms_missed(manager: str) -> Key:
    return Key(f"alerts#sms#{manager}", MISSED)
