"""Rotation: local-time handoffs across DST, backup and lead, overrides, the next change."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.alerts.roster.rotation import (
    OnCall,
    Override,
    Rotation,
    handoff_instant,
    next_change,
)
from tests.dst import HANDOFF_INSTANTS

AMS = ZoneInfo("Europe/Amsterdam")


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


def utc(moment: datetime) -> datetime:
    """Real elapsed time needs UTC: aware datetimes in one zone subtract as wall clocks."""
    return moment.astimezone(UTC)


# Europe/Amsterdam: CEST -> CET on Sunday 25 October 2026 at 03:00 local.
WEEKLY = Rotation(
    managers=("ann", "bob", "cas"),
    start=date(2026, 10, 19),  # Monday
    handoff=time(9, 0),
    lead="lea",
)


def test_weekly_handoff_stays_at_nine_local_across_the_autumn_dst_change():
    # GIVEN ann's week starting Mon 19 Oct 09:00 CEST; the clocks go back on Sun 25 Oct
    # THEN she is on duty until Mon 26 Oct 08:59:59 CET and bob from 09:00:00 CET
    assert WEEKLY.on_duty(local("2026-10-26T08:59:59")) == "ann"
    assert WEEKLY.on_duty(local("2026-10-26T09:00:00")) == "bob"
    # which is 08:00 UTC after the change, where it was 07:00 UTC before it
    handoff, who = WEEKLY.next_handoff(local("2026-10-25T12:00"))
    assert handoff.astimezone(UTC) == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    assert who == "bob"
    first, _ = WEEKLY.next_handoff(local("2026-10-19T08:00"))
    assert first.astimezone(UTC) == datetime(2026, 10, 19, 7, 0, tzinfo=UTC)


def test_the_shift_across_the_dst_change_is_one_hour_longer():
    start, _ = WEEKLY.next_handoff(local("2026-10-19T08:00"))
    end, _ = WEEKLY.next_handoff(local("2026-10-20T08:00"))
    assert utc(end) - utc(start) == timedelta(days=7, hours=1)


def test_daily_handoff_across_the_spring_dst_change():
    # Sunday 29 March 2026: 02:00 CET -> 03:00 CEST
    daily = Rotation(("ann", "bob"), start=date(2026, 3, 28), shift_days=1, handoff=time(9))
    assert daily.on_duty(local("2026-03-29T08:59")) == "ann"
    assert daily.on_duty(local("2026-03-29T09:00")) == "bob"
    assert daily.on_duty(local("2026-03-30T09:00")) == "ann"
    sat, _ = daily.next_handoff(local("2026-03-27T10:00"))
    sun, _ = daily.next_handoff(local("2026-03-28T10:00"))
    assert utc(sun) - utc(sat) == timedelta(hours=23)


def test_backup_is_the_next_manager_and_the_lead_comes_last():
    on_call = WEEKLY.on_call(local("2026-10-20T12:00"))
    assert on_call == OnCall("ann", "bob", "lea")
    assert on_call.chain == ("ann", "bob", "lea")


def test_an_own_backup_rotation_takes_the_place_of_the_next_manager():
    rotation = Rotation(("ann", "bob"), start=date(2026, 10, 19), backups=("dan",), lead="lea")
    assert rotation.on_call(local("2026-10-20T12:00")) == OnCall("ann", "dan", "lea")


def test_a_holiday_override_covers_for_one_manager_from_until():
    # GIVEN cas covers for ann from Wed 21 Oct 09:00 to Fri 23 Oct 18:00 local
    swap = Override("cas", local("2026-10-21T09:00"), local("2026-10-23T18:00"), replaces="ann")
    before = WEEKLY.on_call(local("2026-10-21T08:59"), [swap])
    during = WEEKLY.on_call(local("2026-10-22T03:00"), [swap])
    after = WEEKLY.on_call(local("2026-10-23T18:00"), [swap])
    assert before.primary == "ann" and after.primary == "ann"
    assert during == OnCall("cas", "bob", "lea")


def test_an_override_for_someone_at_the_backup_level_replaces_the_backup():
    swap = Override("cas", local("2026-10-20T00:00"), local("2026-10-21T00:00"), replaces="bob")
    assert WEEKLY.on_call(local("2026-10-20T12:00"), [swap]) == OnCall("ann", "cas", "lea")


def test_an_override_naming_nobody_makes_the_manager_primary_and_never_backs_themselves_up():
    swap = Override("bob", local("2026-10-20T00:00"), local("2026-10-21T00:00"))
    on_call = WEEKLY.on_call(local("2026-10-20T12:00"), [swap])
    assert on_call.primary == "bob" and on_call.backup is None
    assert on_call.chain == ("bob", "lea")


def test_an_override_spanning_the_dst_change_ends_at_its_local_time():
    swap = Override("cas", local("2026-10-24T09:00"), local("2026-10-25T09:00"), replaces="ann")
    assert WEEKLY.on_duty(local("2026-10-25T08:59")) == "ann"
    assert WEEKLY.on_call(local("2026-10-25T08:59"), [swap]).primary == "cas"
    assert WEEKLY.on_call(local("2026-10-25T09:00"), [swap]).primary == "ann"
    assert utc(swap.end) - utc(swap.start) == timedelta(hours=25)


def test_next_change_finds_the_override_before_the_regular_handoff():
    swap = Override("cas", local("2026-10-21T09:00"), local("2026-10-23T18:00"), replaces="ann")
    at, then = next_change(WEEKLY, [swap], local("2026-10-20T12:00"))
    assert at == local("2026-10-21T09:00") and then.primary == "cas"
    at, then = next_change(WEEKLY, [swap], local("2026-10-22T12:00"))
    assert at == local("2026-10-23T18:00") and then.primary == "ann"
    at, then = next_change(WEEKLY, [swap], local("2026-10-24T12:00"))
    assert at == local("2026-10-26T09:00") and then.primary == "bob"


def test_rotation_and_override_survive_a_round_trip_through_their_stored_form():
    swap = Override("cas", local("2026-10-21T09:00"), local("2026-10-23T18:00"), replaces="ann")
    assert Rotation.from_dict(WEEKLY.to_dict()) == WEEKLY
    assert Override.from_dict(swap.to_dict()) == swap


def test_bad_rotations_and_overrides_are_refused():
    with pytest.raises(ValueError):
        Rotation(("ann", "ann"), start=date(2026, 10, 19))
    with pytest.raises(ValueError):
        Rotation(("ann",), start=date(2026, 10, 19), shift_days=0)
    with pytest.raises(ValueError):
        Override("cas", local("2026-10-23T09:00"), local("2026-10-21T09:00"))
    with pytest.raises(ValueError):
        Override("cas", datetime(2026, 10, 21), datetime(2026, 10, 22))


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
    ),
    shift_days=st.sampled_from([1, 7]),
)
def test_every_handoff_is_at_nine_local_and_the_manager_changes_only_there(moment, shift_days):
    rotation = Rotation(("ann", "bob", "cas"), start=date(2025, 12, 29), shift_days=shift_days)
    handoff, who = rotation.next_handoff(moment)
    assert handoff.astimezone(AMS).time() == time(9, 0)
    assert moment < handoff <= moment + timedelta(days=shift_days, hours=1)
    just_before = handoff.astimezone(UTC) - timedelta(seconds=1)
    assert rotation.on_duty(just_before) == rotation.on_duty(moment)
    assert rotation.on_duty(handoff) == who != rotation.on_duty(moment)


# ---------------------------------------------------------------- handoffs on the DST nights

DST_CASES = [(night, at) for night, table in HANDOFF_INSTANTS.items() for at in table]


def night_rotation(night: date, handoff: str, shift_days: int) -> Rotation:
    """bob's shift ends on `night` at `handoff`, when ann's begins."""
    first = night - timedelta(days=shift_days)
    return Rotation(("bob", "ann"), start=first, shift_days=shift_days,
                    handoff=time.fromisoformat(handoff))  # fmt: skip


def minutes(start: datetime, end: datetime) -> list[datetime]:
    return [start + timedelta(minutes=m) for m in range(int((end - start).total_seconds()) // 60)]


@pytest.mark.parametrize("shift_days", [1, 7])
@pytest.mark.parametrize(("night", "handoff"), DST_CASES)
def test_on_a_dst_night_the_shift_changes_once_at_the_intended_instant(night, handoff, shift_days):
    # GIVEN a handoff at every hour and half hour of 00:00-04:00 on a DST night
    rotation = night_rotation(night, handoff, shift_days)
    intended = datetime.fromisoformat(HANDOFF_INSTANTS[night][handoff]).replace(tzinfo=UTC)
    window = datetime.combine(night, time(0), UTC) - timedelta(hours=4)
    # WHEN the every-minute job asks who is on duty, minute by minute, from 20:00 to 06:00 UTC
    duty = [
        (moment, rotation.on_duty(moment))
        for moment in minutes(window, window + timedelta(hours=10))
    ]
    changes = [(m, who) for (_, was), (m, who) in pairwise(duty) if who != was]
    # THEN bob hands over to ann once, at the intended instant
    assert duty[0][1] == "bob"
    assert changes == [(intended, "ann")]
    # AND the next handoff, seen from any moment before it, is that instant
    for moment in (window, intended - timedelta(minutes=31), intended - timedelta(seconds=1)):
        at, who = rotation.next_handoff(moment)
        assert (utc(at), who) == (intended, "ann")
        change = next_change(rotation, [], moment)
        assert change is not None and utc(change[0]) == intended and change[1].primary == "ann"
    # AND the handoff after it is one shift later at the same local time
    later, who = rotation.next_handoff(intended)
    assert utc(later) > intended and who == "bob"
    assert later.astimezone(AMS).strftime("%H:%M") == handoff


def test_a_skipped_handoff_time_is_the_moment_the_clocks_jump_in_any_zone():
    # Lord Howe Island springs forward half an hour: 02:00 +10:30 -> 02:30 +11:00, on
    # Sunday 4 October 2026 (15:30 UTC on the 3rd); 02:15 never happens there
    lord_howe = ZoneInfo("Australia/Lord_Howe")
    jump = datetime(2026, 10, 3, 15, 30, tzinfo=UTC)
    assert handoff_instant(date(2026, 10, 4), time(2, 15), lord_howe) == jump
    assert handoff_instant(date(2026, 10, 4), time(2, 30), lord_howe) == jump
    assert handoff_instant(date(2026, 10, 4), time(1, 59), lord_howe) == jump - timedelta(minutes=1)
