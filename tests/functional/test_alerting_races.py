"""Changes of hands that race, on moto (issue 25, item 6): two hand-overs of one case, a
resolve against the shift change. Each is written only over the holder, state and version
it was decided on: one wins, the other changes nothing and says so; the history keeps
every hand-over that happened."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib import wiring
from chalicelib.alerts.paging.tick import Tick
from chalicelib.alerts.record.records import AlertRecords
from tests.functional.desk import case_link, csrf_of, post, tap
from tests.functional.test_alerting import at, negative

NOW = at("2026-11-23T10:00")
MANAGERS = ("ann", "bob", "lea")
_ids = itertools.count(1)


def between_read_and_write(monkeypatch: pytest.MonkeyPatch, other: Callable[[], Any]) -> None:
    """Run `other` to its end inside the next alert write, after its request has read
    the case and decided: the interleaving read 1, read 2, write 2, write 1."""
    original = AlertRecords.change
    waiting = [other]

    def change(self: AlertRecords, alert_id: str, changes: Any, **kwargs: Any) -> bool:
        if waiting:
            waiting.pop()()
        return original(self, alert_id, changes, **kwargs)

    monkeypatch.setattr(AlertRecords, "change", change)


def handed_over_to(inbox: Any) -> list[str]:
    return [m["Message"] for m in inbox.messages() if m["Message"].startswith("HANDED OVER")]


def held_by_ann(client: Any, oncall: dict[str, Any], native_id: str) -> str:
    wiring.alerts().alert_for(negative(native_id), NOW)
    (page,) = oncall["ann"].messages()
    path = case_link(page)
    assert tap(client, path, NOW + timedelta(minutes=1)).status_code == 200
    return path


def test_of_two_racing_hand_overs_one_wins_and_the_other_is_told(client, oncall, monkeypatch):
    # GIVEN ann holds a case, open in two tabs
    path = held_by_ann(client, oncall, "race1")
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        first, second = (csrf_of(client.http.get(path).body) for _ in range(2))
        # WHEN she hands it to bob in one and to lea in the other, both decided on "ann has it"
        answers: dict[str, Any] = {}
        between_read_and_write(
            monkeypatch,
            lambda: answers.setdefault(
                "lea", post(client, path, {"csrf": second, "do": "handover", "to": "lea"})
            ),
        )
        answers["bob"] = post(client, path, {"csrf": first, "do": "handover", "to": "bob"})
    # THEN the one that wrote first wins; the other is refused and says where the case is
    assert answers["lea"].status_code == 200 and b"Handed over" in answers["lea"].body
    assert answers["bob"].status_code == 409
    assert b"the case changed while you decided; it is with lea now" in answers["bob"].body
    stored = wiring.alerts().get("alert:x:race1")
    assert stored is not None and stored.holder == "lea"
    assert [(h["from"], h["to"]) for h in stored.handovers] == [("ann", "lea")]
    # AND only lea is told the case is hers
    assert len(handed_over_to(oncall["lea"])) == 1 and handed_over_to(oncall["bob"]) == []


def test_a_resolve_decided_before_the_shift_change_moved_the_case_fails(
    client, oncall, monkeypatch
):
    # GIVEN ann holds a case; her shift ends Mon 30 Nov 09:00, when bob's begins
    path = held_by_ann(client, oncall, "race2")
    wiring.alerts().handovers.shift_change(NOW, Tick())  # the job knows ann is on duty
    # WHEN she resolves it while the shift change hands her cases to bob
    between_read_and_write(
        monkeypatch,
        lambda: wiring.alerts().handovers.shift_change(at("2026-11-30T09:00"), Tick()),
    )
    late = tap(client, path, NOW + timedelta(minutes=3), do="resolve", outcome="solved")
    # THEN the resolve changes nothing: the case is bob's, open, with the hand-over recorded
    assert late.status_code == 409 and b"it is with bob now" in late.body
    stored = wiring.alerts().get("alert:x:race2")
    assert stored is not None and (stored.state, stored.holder) == ("acknowledged", "bob")
    assert stored.resolved_by is None
    assert [(h["from"], h["to"], h["reason"]) for h in stored.handovers] == [
        ("ann", "bob", "shift change")
    ]


OPS = st.lists(st.one_of(st.integers(0, 1), st.just("resolve")), min_size=2, max_size=3)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS, data=st.data())
def test_racing_changes_of_hands_in_any_interleaving_keep_one_history(oncall, ops, data):
    # GIVEN a case ann holds, and 2-3 colleagues each reading it, then acting on what they read
    service = wiring.alerts()
    alert = service.alert_for(negative(f"prop{next(_ids)}"), NOW)
    assert alert is not None
    service.desk.acks.acknowledge_as(alert, "ann", NOW)
    order = data.draw(st.permutations([i for i in range(len(ops)) for _ in (0, 1)]))
    read: dict[int, Any] = {}
    commits = 0
    read_at: dict[int, int] = {}
    won: list[tuple[int, Any]] = []
    # WHEN reads and writes interleave in the drawn order
    for i in order:
        if i not in read:
            read[i], read_at[i] = service.get(alert.id), commits
            continue
        seen = read[i]
        if ops[i] == "resolve":
            result = service.desk.acks.resolve_as(seen, seen.holder, NOW, outcome="solved")
        else:
            to = [m for m in MANAGERS if m != seen.holder][ops[i]]
            result = service.desk.handovers.hand_over(seen, seen.holder, to, NOW, reason="test")
        # THEN a write wins exactly when nothing changed hands since its read
        fresh = read_at[i] == commits and seen.state != "resolved"
        assert result.changed is fresh, (ops, order, i)
        if result.changed:
            commits += 1
            won.append((i, seen))
    # AND the history is every hand-over that won, in order, each from the holder then
    stored = service.get(alert.id)
    holder = "ann"
    history = []
    for i, seen in won:
        assert seen.holder == holder and stored.version == 1 + len(won)
        if ops[i] != "resolve":
            history.append((holder, stored.handovers[len(history)]["to"]))
            holder = history[-1][1]
    assert [(h["from"], h["to"]) for h in stored.handovers] == history
    assert stored.holder == holder
    assert (stored.state == "resolved") is any(ops[i] == "resolve" for i, _ in won)
