"""Composition root: builds every service from `Settings` and the boto3 clients, once
per Lambda container. `app.py` asks for what it needs; tests swap pieces by calling
`reset()` after changing the environment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING

from . import aws
from .config import Settings
from .model import utc_now
from .secrets import Secrets
from .store import MentionStore, Table

if TYPE_CHECKING:  # (the services are imported where they are built: a cold start loads
    # only what its handler asks for, see benchmarks/cold_start.py)
    from .alerts.paging.notify import Notifier
    from .alerts.record.codes import CaseCodes
    from .alerts.roster.team import Team
    from .alerts.service import AlertService
    from .consumer.brand_replies import BrandAwareTriage
    from .consumer.dead_letters import DeadLetterQueue
    from .consumer.pipeline import Triage
    from .consumer.quarantine import Quarantine
    from .digest.ingest import DayRecorder
    from .digest.lessons import LessonsService
    from .digest.outcomes import CaseLog
    from .digest.service import DigestService
    from .digest.tally import AlertTally
    from .digest.toplists import TopLists
    from .digest.turnaround import Turnarounds
    from .intake import Intake
    from .sources.catch_up import Heard
    from .store.brand import BrandActivity
    from .store.reviews import DeletedReviews

# how long the mails' view-only case links work: a digest is read that week, the
# weekly lessons mail until the next one and a little longer
DIGEST_LINK_DAYS = 7
LESSONS_LINK_DAYS = 14


@cache
def settings() -> Settings:
    """Settings from the environment, with queue URLs and topic ARN resolved by name."""
    s = Settings.from_env()
    if not s.queue_url:
        s = replace(s, queue_url=_queue_url(s.queue_name))
    if not s.dead_letter_queue_url:
        s = replace(s, dead_letter_queue_url=_queue_url(s.dead_letter_queue))
    if not s.alerts_topic_arn:
        partition = "aws-cn" if aws.region().startswith("cn-") else "aws"
        arn = f"arn:{partition}:sns:{aws.region()}:{aws.account_id()}:{s.alerts_topic}"
        s = replace(s, alerts_topic_arn=arn)
    return s


def _queue_url(name: str) -> str:
    return aws.sqs().get_queue_url(QueueName=name)["QueueUrl"]


@cache
def secrets() -> Secrets:
    return Secrets(aws.secretsmanager(), settings().secrets_id)


@cache
def signing_secrets() -> Secrets:
    return Secrets(aws.secretsmanager(), settings().signing_secret_id)


@cache
def state() -> Table:
    return Table(aws.dynamodb(), settings().state_table)


@cache
def mentions() -> MentionStore:
    s = settings()
    return MentionStore(aws.dynamodb(), s.mentions_table, s.state_table)


@cache
def intake() -> Intake:
    from .intake import Intake

    return Intake(aws.sqs(), settings().queue_url)


@cache
def team() -> Team:
    from .alerts.roster.team import Team

    return Team(state())


@cache
def notifier() -> Notifier:
    from .alerts.paging.notify import Notifier

    return Notifier(aws.sns(), settings().alerts_topic_arn)


@cache
def alerts() -> AlertService:
    from .alerts.service import AlertService, DeskSettings
    from .sources.reply import Outbound
    from .triage.spikes import SpikePolicy

    s = settings()
    return AlertService(
        state=state(),
        mentions=mentions(),
        notifier=notifier(),
        team=team(),
        signing_key=lambda: signing_secrets().require("ack_signing_key"),
        base_url=s.public_base_url,
        timezone=s.timezone,
        spike_policy=SpikePolicy(ignore_themes=own_terms()),
        listeners=[lambda event: tally().on_alert_changed(event)],  # the digest's counts
        retention=timedelta(days=s.retention_days),
        desk=DeskSettings(
            routing=s.routing,
            targets=s.response_targets,
            sms_per_hour=s.sms_per_hour,
            board_grace=timedelta(minutes=s.board_grace_minutes),
            locale=s.locale,
            incident_kinds=s.incident_kinds,
        ),
        outbound=Outbound(secrets()),
        brand_handles=_brand_handles(),
    )


def _brand_handles() -> tuple[str, ...]:
    """The brand's own accounts (the watch configuration's handles): a post naming one
    summoned the brand, which X requires before we may reply."""
    from .sources.watch import watch_or_none

    watch = watch_or_none(settings().extra)
    return tuple(watch.handles) if watch else ()


def case_codes() -> CaseCodes:
    """Case codes, e.g. view-only links for the digest (`alerts/record/codes.py`)."""
    return alerts().codes


@cache
def own_terms() -> frozenset[str]:
    """The watch configuration's terms, handles and hashtags and the brand: never a theme."""
    from .sources.watch import watch_or_none
    from .triage.rising import excluded_terms

    s = settings()
    watch = watch_or_none(s.extra)
    terms = [s.brand, *(watch.terms + watch.handles + watch.hashtags if watch else ())]
    return excluded_terms(terms)


@cache
def triage() -> BrandAwareTriage:
    """Triage of the mentions queue: the brand's own replies taken out first (they answer
    cases), its X Activity posts recorded after triage (and answering cases too)."""
    from .consumer.brand_posts import WithBrandPosts
    from .consumer.brand_replies import BrandAwareTriage

    posts = WithBrandPosts(mention_triage(), brand_activity(), utc_now)
    return BrandAwareTriage(posts, alerts().replies, _brand_handles())


@cache
def mention_triage() -> Triage:
    from .consumer.pipeline import Triage

    s = settings()
    return Triage(
        mentions=mentions(),
        alerts=alerts(),
        retention=timedelta(days=s.retention_days),
        timezone=s.timezone,
        clock=utc_now,
        recorder=recorder(),
        quarantine=quarantine(),
    )


@cache
def heard() -> Heard:
    """When each webhook last delivered (source health, the catch-up job)."""
    from .sources.catch_up import Heard

    return Heard(state)


@cache
def brand_activity() -> BrandActivity:
    """The brand's own posts by thread (`store/brand.py`): the replies work reads it."""
    from .store.brand import BrandActivity

    return BrandActivity(state(), timedelta(days=settings().retention_days))


@cache
def deleted_reviews() -> DeletedReviews:
    """Reviews their authors deleted (`store/reviews.py`), recorded by the webhook route."""
    from .store.reviews import DeletedReviews

    return DeletedReviews(state(), timedelta(days=settings().retention_days))


@cache
def quarantine() -> Quarantine:
    from .consumer.quarantine import Quarantine

    return Quarantine(state(), timedelta(days=settings().retention_days))


@cache
def dead_letters() -> DeadLetterQueue:
    from .consumer.dead_letters import DeadLetterQueue

    s = settings()
    return DeadLetterQueue(aws.sqs(), s.dead_letter_queue_url, s.queue_url, quarantine=quarantine())


@cache
def day_lists() -> TopLists:
    from .digest.toplists import TopLists

    return TopLists(state(), retention=timedelta(days=settings().retention_days))


@cache
def turnarounds() -> Turnarounds:
    from .digest.turnaround import Turnarounds

    s = settings()
    return Turnarounds(
        state(),
        day_lists(),
        timezone=s.timezone,
        window_days=s.turnaround_days,
        retention=timedelta(days=s.retention_days),
    )


@cache
def cases() -> CaseLog:
    """What the team did with each case (outcomes, stories, lessons), for the digest."""
    from .digest.outcomes import CaseLog

    return CaseLog(state(), day_lists(), timezone=settings().timezone, turnarounds=turnarounds())


@cache
def tally() -> AlertTally:
    """Counts alert outcomes for the digest; told of every change by the alert service."""
    from .digest.tally import AlertTally

    s = settings()
    return AlertTally(
        state(),
        day_lists(),
        mentions(),
        s.timezone,
        retention=timedelta(days=s.retention_days),
        targets=s.response_targets,
        cases=cases(),
    )


@cache
def recorder() -> DayRecorder:
    from .digest.ingest import DayRecorder

    return DayRecorder(
        state(),
        day_lists(),
        settings().timezone,
        excluded=own_terms(),
        turnarounds=turnarounds(),
    )


def view_links(reader: str, valid: timedelta) -> Callable[[str], str | None]:
    """Case links for people who read, not act (marketing, theme owners): a view-only
    code per case, issued when the mail is written (`alerts/record/codes.py`). Without a
    PUBLIC_BASE_URL there is nowhere to link to: the mails link the post instead."""
    from .alerts.record.codes import CaseCodes, case_url

    base, codes_ = settings().public_base_url, CaseCodes(state(), team().generation)

    def link(alert_id: str) -> str | None:
        if not base:
            return None
        return case_url(base, codes_.issue(alert_id, reader, utc_now(), scope="view", ttl=valid))

    return link


@cache
def digest() -> DigestService:
    from .digest.service import DigestService

    return DigestService(
        settings=settings(),
        state=state(),
        ses=aws.ses(),
        lists=day_lists(),
        case_link=view_links("digest", timedelta(days=DIGEST_LINK_DAYS)),
        excluded=own_terms(),
    )


@cache
def lessons() -> LessonsService:
    """The weekly "what customers taught us" mail to each theme's owner."""
    from .digest.lessons import LessonsService

    return LessonsService(
        settings=settings(),
        state=state(),
        ses=aws.ses(),
        lists=day_lists(),
        case_link=view_links("lessons", timedelta(days=LESSONS_LINK_DAYS)),
        excluded=own_terms(),
    )


def reset() -> None:
    """Forget every built service and client (tests, the local run): every cached factory
    of this module, found rather than listed (a listed one was once left out)."""
    for value in list(globals().values()):
        if callable(getattr(value, "cache_clear", None)) and value.__module__ == __name__:
            value.cache_clear()
    aws.reset()
