"""The handoff table of the DST nights, shared by the rotation's unit tests and the shift
change on moto (`tests/functional/test_alerting_dst.py`)."""

from __future__ import annotations

from datetime import date

# Europe/Amsterdam: the clocks go back on Sun 25 Oct 2026 at 03:00 CEST (01:00 UTC), so
# 02:00-02:59 happens twice; they go forward on Sun 29 Mar 2026 at 02:00 CET (01:00 UTC),
# so 02:00-02:59 never happens. The intended instant of each handoff, written out in UTC:
# an ambiguous time is its first occurrence, a skipped one the moment the clocks jump.
AUTUMN, SPRING = date(2026, 10, 25), date(2026, 3, 29)
HANDOFF_INSTANTS = {
    AUTUMN: {
        "00:00": "2026-10-24T22:00", "00:30": "2026-10-24T22:30", "01:00": "2026-10-24T23:00",
        "01:30": "2026-10-24T23:30", "02:00": "2026-10-25T00:00", "02:30": "2026-10-25T00:30",
        "03:00": "2026-10-25T02:00", "03:30": "2026-10-25T02:30", "04:00": "2026-10-25T03:00",
    },
    SPRING: {
        "00:00": "2026-03-28T23:00", "00:30": "2026-03-28T23:30", "01:00": "2026-03-29T00:00",
        "01:30": "2026-03-29T00:30", "02:00": "2026-03-29T01:00", "02:30": "2026-03-29T01:00",
        "03:00": "2026-03-29T01:00", "03:30": "2026-03-29T01:30", "04:00": "2026-03-29T02:00",
    },
}  # fmt: skip
