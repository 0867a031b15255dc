"""A manager's links end with their place on the team (issue 25, item 5): removing a
manager, or revoking a lost phone's links, withdraws every board pass and case code they
hold at once; a board pass lives at most 12 hours (docs/oncall.md)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import time_machine

from chalicelib import wiring
from chalicelib.alerts.paging.message import Links
from tests.functional.desk import BASE, board_link, csrf_of, post
from tests.functional.test_alerting import at, negative
from tools import oncall as cli

NOW = at("2026-11-23T10:00")
CODE_TTL = timedelta(hours=72)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(argv), out=out), out.getvalue()


def paths(links: Links) -> tuple[str, str]:
    return links.case.removeprefix(BASE), links.board.removeprefix(BASE)


def opened(client: Any, path: str, moment=NOW + timedelta(minutes=5)) -> Any:
    with time_machine.travel(moment, tick=False):
        return client.http.get(path)


def test_a_removed_manager_s_board_pass_and_case_code_stop_working_at_once(client, oncall):
    # GIVEN cas joined the team and was handed a case: a case code and a board pass of his own
    assert run("add-manager", "cas", "--name", "Cas", "--email", "cas@example.com")[0] == 0
    service = wiring.alerts()
    alert = service.alert_for(negative("1"), NOW)
    assert alert is not None
    service.desk.handovers.hand_over(alert, "ann", "cas", NOW)
    code, board = paths(service.links.for_page(alert.id, "cas", NOW, CODE_TTL))
    case_on_board = f"{board}/{alert.id}"
    assert b"boze_klant" in opened(client, code).body
    assert b"boze_klant" in opened(client, board).body
    form = csrf_of(opened(client, case_on_board).body)
    # WHEN the team lead removes him
    assert run("remove-manager", "cas")[0] == 0
    # THEN none of his links shows the case, its post or its author, nor acts
    for path in (code, board, case_on_board):
        refused = opened(client, path)
        assert refused.status_code == 403 and b"boze_klant" not in refused.body, path
    assert b"this link was withdrawn" in opened(client, code).body
    with time_machine.travel(NOW + timedelta(minutes=6), tick=False):
        acted = post(client, case_on_board, {"csrf": form, "do": "resolve", "outcome": "solved"})
    assert acted.status_code == 403 and service.get(alert.id).state != "resolved"
    # AND added again, his old links stay dead while new ones work
    assert run("add-manager", "cas", "--email", "cas@example.com")[0] == 0
    assert opened(client, code).status_code == opened(client, board).status_code == 403
    fresh_code, fresh_board = paths(service.links.for_page(alert.id, "cas", NOW, CODE_TTL))
    assert opened(client, fresh_code).status_code == opened(client, fresh_board).status_code == 200


def test_revoking_a_lost_phone_s_links_keeps_the_manager_and_the_next_page_works(client, oncall):
    # GIVEN ann's page, with her case link and board pass
    service = wiring.alerts()
    service.alert_for(negative("1"), NOW)
    (page,) = oncall["ann"].messages()
    board = board_link(page)
    assert opened(client, board).status_code == 200
    # WHEN her phone is lost and the team lead revokes her links
    code, out = run("revoke", "ann")
    assert code == 0 and "withdrew every board pass and case link of ann" in out
    # THEN the lost links are refused, she is still on duty, and her next page's work
    assert opened(client, board).status_code == 403
    assert wiring.team().on_duty(NOW) == "ann"
    service.alert_for(negative("2"), NOW + timedelta(minutes=6))
    (again,) = oncall["ann"].messages()
    assert opened(client, board_link(again), NOW + timedelta(minutes=7)).status_code == 200
    assert run("revoke", "nobody")[0] != 0


def test_a_board_pass_lives_to_the_shift_end_plus_grace_but_never_over_12_hours(client, oncall):
    # GIVEN ann's week on duty ends Mon 30 Nov 09:00 (grace 60 min)
    links = wiring.alerts().links
    # WHEN a page on Monday morning carries a pass
    monday = links.board("ann", NOW).removeprefix(BASE)
    # THEN it works for 12 hours, not the week
    assert opened(client, monday, NOW + timedelta(hours=11, minutes=59)).status_code == 200
    late = opened(client, monday, NOW + timedelta(hours=12, minutes=1))
    assert late.status_code == 403 and b"expired" in late.body
    # AND a pass made in the shift's last hours ends with the shift plus the grace
    last = links.board("ann", at("2026-11-30T02:00")).removeprefix(BASE)
    assert opened(client, last, at("2026-11-30T09:59")).status_code == 200
    assert opened(client, last, at("2026-11-30T10:01")).status_code == 403
