"""The links a message or a page carries: a case code for its recipient, and a board pass.

A board pass lives until the current shift ends (the next change of primary) plus the
grace period, so a manager can finish the shift from their last page's link, but never
longer than `PASS_LIFETIME` (12 h: a working day on a phone, its evening included).
Every page, hand-over, shift greeting and case page brings a fresh one, so a manager at
work always has a pass; a phone lost, or a manager gone, exposes half a day at most even
before `Team.revoke` / `remove_manager` withdraws it (docs/oncall.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..record import codes
from ..roster.team import Team
from . import message

PASS_LIFETIME = timedelta(hours=12)


class CaseLinks:
    def __init__(
        self,
        *,
        codes_: codes.CaseCodes,
        passes: codes.BoardPasses,
        team: Team,
        base_url: str,
        grace: timedelta,
    ) -> None:
        self.codes = codes_
        self.passes = passes
        self._team = team
        self._base_url = base_url
        self._grace = grace

    def for_page(
        self, alert_id: str, recipient: str, now: datetime, ttl: timedelta
    ) -> message.Links:
        """A fresh case code for `recipient` (stored before the page goes) and their board."""
        code = self.codes.issue(alert_id, recipient, now, ttl=ttl)
        return message.Links(
            case=codes.case_url(self._base_url, code), board=self.board(recipient, now)
        )

    def board(self, manager: str, now: datetime) -> str:
        return codes.board_url(self._base_url, self.board_pass(manager, now))

    def board_pass(self, manager: str, now: datetime) -> str:
        until = min(self.shift_end(now) + self._grace, now + PASS_LIFETIME)
        return self.passes.issue(manager, until)

    def shift_end(self, now: datetime) -> datetime:
        change = self._team.next_change(now)
        return change[0] if change else now + PASS_LIFETIME

    def case_url(self, code: str) -> str:
        return codes.case_url(self._base_url, code)
