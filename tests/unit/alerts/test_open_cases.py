"""`OpenCases.paged_waiting`: who was paged for a case nobody has taken, read newest first
and only as far as needed (the every-minute job asks it while a phone is owed an SMS)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.alerts.record.cases import CHUNK, OpenCases
from chalicelib.model import Alert
from chalicelib.store import MemoryTable, keys


def alert(n: int, *, paged: tuple[str, ...] = (), state: str = "sent", **kw: Any) -> Alert:
    return Alert(
        id=f"alert:x:{n}",
        kind="mention",
        recipient=paged[0] if paged else "unassigned",
        created_at=f"2026-11-23T10:{n:02d}:00Z",
        subject="s",
        body="b",
        mention_id=f"x:{n}",
        state=state,
        paged=paged,
        **kw,
    )


def board(*alerts: Alert) -> tuple[OpenCases, MemoryTable, list[int]]:
    state = MemoryTable()
    cases = OpenCases(state, timedelta(days=90))
    for a in alerts:
        state.put(keys.alert(a.id), a.to_dict())
        cases.add(a)
    reads: list[int] = []
    get_many, query = state.get_many, state.query

    def counted(wanted: Any) -> Any:
        wanted = list(wanted)
        reads.append(len(wanted))
        return get_many(wanted)

    def pulled(*args: Any, **kwargs: Any) -> Any:  # entries the caller read, one by one
        for entry in query(*args, **kwargs):
            reads.append(0)
            yield entry

    state.get_many = counted  # type: ignore[method-assign]
    state.query = pulled  # type: ignore[method-assign]
    return cases, state, reads


def test_the_manager_paged_for_the_newest_waiting_case_is_found_in_one_small_read():
    older = [alert(n, paged=("ann",)) for n in range(30)]
    cases, _, reads = board(*older, alert(45, paged=("ann", "bob")))
    assert cases.paged_waiting(["bob"]) == {"bob"}
    assert reads == [0] * CHUNK + [CHUNK]  # ten entries, their ten alerts: not all 31


def test_it_reads_on_until_each_manager_is_found_and_ignores_taken_or_closed_cases():
    alerts = [alert(n, paged=("ann",)) for n in range(12)]
    alerts += [alert(20 + n, paged=("bob",), state="acknowledged") for n in range(5)]
    alerts += [alert(30, paged=("bob",), state="resolved"), alert(31, pending_page="cas")]
    cases, _, reads = board(*alerts)
    assert cases.paged_waiting(["ann", "bob", "cas"]) == {"ann", "cas"}
    # bob is never found: all 19 entries and their alerts are read, ten at a time
    assert reads == [0] * CHUNK + [CHUNK] + [0] * (19 - CHUNK) + [19 - CHUNK]
    assert cases.paged_waiting([]) == set()
