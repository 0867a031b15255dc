"""The shift change on DST nights, on moto: the every-minute job's handover (`Handovers.
shift_change`) with a handoff at every hour and half hour of 00:00-04:00 Amsterdam time,
and the "your shift has begun" messages it sends (issue 25, item 8)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from chalicelib import wiring
from chalicelib.alerts.paging.tick import Tick
from chalicelib.alerts.roster.rotation import Rotation
from chalicelib.store import keys
from tests.dst import HANDOFF_INSTANTS

STEP = timedelta(minutes=30)  # every handoff of the table, and every flip back, is on one


@pytest.mark.parametrize("night", [date(2026, 10, 25), date(2026, 3, 29)])
def test_on_a_dst_night_the_incoming_manager_is_told_once_and_the_shift_never_flips_back(
    night, team
):
    for handoff, intended_text in HANDOFF_INSTANTS[night].items():
        # GIVEN bob's weekly shift ends on the DST night at `handoff`, when ann's begins
        intended = datetime.fromisoformat(intended_text).replace(tzinfo=UTC)
        wiring.team().set_rotation(
            Rotation(
                ("bob", "ann"), start=night - timedelta(days=7), handoff=time.fromisoformat(handoff)
            )
        )
        wiring.state().delete(keys.SHIFT)
        for inbox in team.values():
            inbox.messages()
        # WHEN the every-minute job runs through the night (21:00-04:00 UTC)
        moment = datetime.combine(night, time(0), UTC) - timedelta(hours=3)
        told: list[tuple[datetime, list[str]]] = []
        while moment < datetime.combine(night, time(4), UTC):
            tick = Tick()
            wiring.alerts().handovers.shift_change(moment, tick)
            if tick.handed_over:
                told.append((moment, tick.handed_over))
            moment += STEP
        # THEN the shift changed once, to ann, at the intended instant
        assert told == [(intended, ["ann"])], handoff
        # AND ann got one "your shift" message, bob none
        greetings = {
            who: [m for m in inbox.messages() if "Your shift has begun" in m["Message"]]
            for who, inbox in team.items()
        }
        assert (len(greetings["ann"]), len(greetings["bob"])) == (1, 0), handoff
