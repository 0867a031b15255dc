"""The team's language and the night shift, through the routes on moto: a Dutch team
reads Dutch pages, a manager with their own language reads theirs, and every form
answers with a redirect (POST-redirect-GET), so a reload never sends it twice."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine

from chalicelib import wiring
from chalicelib.alerts.roster.team import Manager
from tests.functional.desk import CSRF, FORM, post
from tests.functional.test_alerting import at, negative

NOW = at("2026-11-23T10:00")


@pytest.fixture
def dutch(monkeypatch: pytest.MonkeyPatch, stack: dict[str, str]) -> None:
    monkeypatch.setenv("TEAM_LOCALE", "nl")
    wiring.reset()


def link(envelope: dict[str, Any], starts: str) -> str:
    line = next(x for x in envelope["Message"].splitlines() if x.startswith(starts))
    return line.split(": ", 1)[1].removeprefix("http://localhost:8000")


def test_a_dutch_team_gets_its_page_and_case_page_in_dutch(dutch, client, oncall) -> None:
    # GIVEN a Dutch team (TEAM_LOCALE=nl) WHEN a negative post pages ann
    wiring.alerts().alert_for(negative("1"), NOW)
    (envelope,) = oncall["ann"].messages()
    # THEN her e-mail is Dutch, dates included
    text = envelope["Message"]
    assert "Negatief bericht op X, prioriteit 72" in text
    assert "@boze_klant (Boze Klant, 15,3k volgers), geplaatst ma 23 nov 09:58 CET" in text
    # AND the case page says which language it is in
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        page = client.http.get(link(envelope, "Open de case"))
    assert page.status_code == 200 and '<html lang="nl">' in page.body.decode()


def test_a_manager_who_reads_english_gets_english_in_a_dutch_team(dutch, client, oncall) -> None:
    # GIVEN ann chose English for herself
    wiring.team().add_manager(Manager("ann", "Ann", email="ann@example.com", locale="en"))
    wiring.alerts().alert_for(negative("2"), NOW)
    (envelope,) = oncall["ann"].messages()
    assert "Negative post on X, priority 72" in envelope["Message"]
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        page = client.http.get(link(envelope, "Open the case"))
    assert '<html lang="en">' in page.body.decode()


def test_an_action_redirects_to_the_case_and_a_reload_sends_nothing(client, oncall) -> None:
    wiring.alerts().alert_for(negative("3"), NOW)
    (envelope,) = oncall["ann"].messages()
    path = link(envelope, "Open the case")
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        opened = client.http.get(path)
        token = CSRF.search(opened.body.decode())
        assert token is not None
        # WHEN ann acknowledges
        pressed = post(client, path, {"csrf": token.group(1), "do": "ack"}, follow=False)
        # THEN the answer is a redirect to the same case, never a page to reload
        assert pressed.status_code == 303 and pressed.headers["Location"] == "?done=ack"
        assert pressed.body in (b"", "")
        # AND the page it leads to says what was done; opening it again changes nothing
        shown = client.http.get(path + "?done=ack")
        again = client.http.get(path + "?done=ack")
    assert b"Acknowledged" in shown.body and shown.status_code == 200
    assert again.status_code == 200 and wiring.alerts().get("alert:x:3").state == "acknowledged"
    assert len(wiring.alerts().get("alert:x:3").pages) == 1


def test_the_hand_over_menu_preselects_nobody_and_every_field_has_a_label(client, oncall) -> None:
    wiring.alerts().alert_for(negative("4"), NOW)
    (envelope,) = oncall["ann"].messages()
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        body = client.http.get(link(envelope, "Open the case")).body.decode()
    # THEN the first choice is none at all: a colleague must be picked (the select is required)
    assert '<select id="to" name="to" required><option value="" selected disabled>' in body
    # AND every visible field has a label that names it
    fields = re.findall(r'<(?:select|textarea|input)[^>]*\bid="([^"]+)"', body)
    assert fields and all(f'<label for="{f}">' in body for f in fields)


def test_a_posted_form_with_a_bad_value_is_answered_not_redirected(client, oncall) -> None:
    wiring.alerts().alert_for(negative("5"), NOW)
    (envelope,) = oncall["ann"].messages()
    path = link(envelope, "Open the case")
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        token = CSRF.search(client.http.get(path).body.decode())
        assert token is not None
        fields = {"csrf": token.group(1), "do": "resolve"}
        missing = client.http.post(path, headers=FORM, body=urlencode(fields).encode())
    assert missing.status_code == 400 and b"choose how the case ended" in missing.body


def test_the_team_lead_gives_a_manager_their_own_language_and_their_test_page_uses_it(
    dutch, oncall
) -> None:
    import io

    from tools import oncall as cli

    # GIVEN a Dutch team WHEN the lead says bob reads English
    out = io.StringIO()
    code = cli.main(["add-manager", "bob", "--email", "bob@example.com", "--locale", "en"], out=out)
    assert code == 0
    listing = io.StringIO()
    cli.main(["managers"], out=listing)
    # THEN the list says so, and each gets their test page in their own language
    # (the listing is in the team's language: Dutch)
    assert "leest en" in listing.getvalue() and wiring.team().locale_of("bob") == "en"
    for manager, expected in (("bob", "Test page for bob"), ("ann", "Testmelding voor ann")):
        assert cli.main(["--at", "2026-11-23T10:00", "test-page", manager], out=io.StringIO()) == 0
        (page,) = oncall[manager].messages()
        assert page["Message"].startswith(expected)


def test_the_board_shows_the_whole_team_filters_to_mine_and_refreshes_itself(
    client, oncall
) -> None:
    from tests.functional.desk import board_link, tap

    # GIVEN two cases: ann acknowledges one, the other waits
    wiring.alerts().alert_for(negative("6"), NOW)
    wiring.alerts().alert_for(negative("7", priority=60.0), NOW)
    pages = oncall["ann"].messages()
    first = next(p for p in pages if "#6" in p["Message"])
    tap(client, link(first, "Open the case"), NOW + timedelta(minutes=2))
    # WHEN bob (on call next, so the board's pass is his) opens his team board
    bob = wiring.alerts().links.board("bob", NOW + timedelta(minutes=3))
    path = bob.removeprefix("http://localhost:8000")
    with time_machine.travel(NOW + timedelta(minutes=3), tick=False):
        everyone = client.http.get(path)
        mine = client.http.get(path + "?show=mine")
    team, own = everyone.body.decode(), mine.body.decode()
    # THEN he sees what waits, that he holds nothing, and what ann holds since when
    assert "<h2>Waiting: not acknowledged (1)</h2>" in team
    assert "<h2>Yours: acknowledged, not resolved (0)</h2>" in team
    assert "<h2>With Ann (1)</h2>" in team and "with ann · since 10:02" in team
    # AND "mine" leaves the colleagues out
    assert "With Ann" not in own and "<h2>Waiting: not acknowledged (1)</h2>" in own
    assert 'href="?show=mine" aria-current="page"' in own
    # AND the page reloads itself every minute, without script (the CSP is unchanged)
    assert '<meta http-equiv="refresh" content="60">' in team
    assert "script-src" not in everyone.headers["Content-Security-Policy"]
    # AND the reader can stop it (WCAG 2.2.1), and the filters keep that choice
    with time_machine.travel(NOW + timedelta(minutes=3), tick=False):
        still = client.http.get(path + "?show=all&refresh=off").body.decode()
    assert 'http-equiv="refresh"' not in still and 'href="?show=mine&amp;refresh=off"' in still
    assert board_link(first).startswith("/board/ann.")  # ann's own link is hers, not bob's


def test_a_dutch_team_follows_its_outage_in_dutch_on_the_incident_page_and_update(
    dutch, client, oncall
) -> None:
    from tests.functional.test_incidents import post as outage_post

    # GIVEN a Dutch team WHEN an outage in Amersfoort brings three posts in two minutes
    service = wiring.alerts()
    for n in range(3):
        service.alert_for(
            outage_post(str(n), text="Storing in Amersfoort, geen internet"),
            NOW + timedelta(minutes=n),
        )
    (first,) = oncall["ann"].messages()
    # THEN five minutes on, ann's one follow-up is Dutch
    service.every_minute(NOW + timedelta(minutes=6))
    (update,) = oncall["ann"].messages()
    assert (
        update["Subject"]
        == "[Incident] storing Amersfoort: +2 berichten, bereik 3,0k, oudste 6 min"
    )
    assert "3 berichten in totaal." in update["Message"]
    # AND the incident page her link opens is Dutch, the incident named in Dutch
    with time_machine.travel(NOW + timedelta(minutes=7), tick=False):
        page = client.http.get(link(update, "Open het incident"))
    html = page.body.decode()
    assert page.status_code == 200 and '<html lang="nl">' in html
    assert "<h1>storing Amersfoort</h1>" in html and "3 berichten" in html
    assert "Alles oppakken: ik doe het" in html and "Alles afronden" in html
    assert "Acknowledge" not in html and "posts" not in html
    assert first["Subject"].startswith("[P70")
