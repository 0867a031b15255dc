"""An outage on a phone: one incident page, acknowledged and resolved for all its posts.

GIVEN the demo's morning on a moto server: its outage ("storing") arrived as one incident,
      paged once to sanne by SMS
WHEN  she opens that SMS's link at 390 px (no JavaScript), acknowledges all, prepares one
      reply per author, and resolves all with one outcome and one lesson
THEN  every post of the incident is acknowledged, then resolved with that outcome and
      lesson; the page fits the phone and breaks nothing of its CSP.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from chalicelib import wiring
from chalicelib.model import parse_time
from devstack import phones
from tests.browser.conftest import PATIENCE, PHONE, follow, phone_page


def _fits(page: Any) -> None:
    for box in page.locator(".card, .button, h1, textarea").all():
        bounds = box.bounding_box()
        if bounds is not None:
            assert bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= PHONE["width"] + 0.5


def test_the_manager_acknowledges_and_resolves_an_incident_from_its_page(
    browser, served, reads, screenshots: Path, clock
):
    reads("sanne", "en")  # this walk reads English (both languages: test_night_browser.py)
    service = wiring.alerts()
    records = phones.read_jsonl(Path(served.summary["pages_jsonl"]))
    texts = [r for r in records if r["channel"] == "sms" and r["recipient"] == "sanne"]

    def incident_of(alert_id: str) -> str:
        alert = service.get(alert_id)
        return (alert.incident_id or "") if alert else ""

    heads = [r for r in texts if incident_of(r["alert_id"])]
    assert heads, "the outage's first post paged sanne and became an incident"
    head = heads[0]
    incident = service.get(incident_of(head["alert_id"]))
    assert incident is not None and incident.count >= 3
    link = phones.case_links([head])[0]
    clock.move_to(parse_time(incident.created_at) + timedelta(minutes=3), tick=False)

    page = phone_page(browser)
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text))

    assert page.goto(link).status == 200
    assert page.get_by_role("heading", name="outage").is_visible()
    assert page.get_by_text(f"{incident.count} posts").first.is_visible()
    _fits(page)
    page.screenshot(path=str(screenshots / "incident-page.png"), full_page=True)

    follow(page, page.get_by_role("button", name="Acknowledge all: I am on it"))
    assert (
        page.get_by_role("status")
        .inner_text(timeout=PATIENCE)
        .startswith("Acknowledged: the incident")
    )
    for member in incident.members:
        assert service.get(member).state == "acknowledged"  # type: ignore[union-attr]

    # the stage has reply channels (the stand-ins): the button sends where a network takes
    # a reply from us, and prepares the rest to copy
    follow(page, page.get_by_role("button", name="Send the replies"))
    # one reply to prepare per post not answered yet (the page lists 50 at most)
    shown = list(reversed(incident.members))[:50]
    waiting = [m for m in shown if not service.get(m).answered_at]  # type: ignore[union-attr]
    assert page.locator("#drafts textarea").count() == len(waiting) > 0

    page.get_by_label("Solved").check()
    page.get_by_label("Lesson for the organisation (optional)").fill(
        "The outage page did not mention Amersfoort"
    )
    follow(page, page.get_by_role("button", name="Resolve all"))
    assert (
        page.get_by_role("status").inner_text(timeout=PATIENCE).startswith("Resolved: the incident")
    )
    _fits(page)
    page.screenshot(path=str(screenshots / "incident-resolved.png"), full_page=True)
    for member in incident.members:
        post = service.get(member)
        assert post is not None
        assert (post.state, post.outcome) == ("resolved", "solved")
        assert post.lesson == "The outage page did not mention Amersfoort"
    assert not [c for c in complaints if "Content Security Policy" in c]
    page.context.close()
