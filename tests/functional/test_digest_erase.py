"""Erasure by author (`tools/erase.py`) leaves no trace of them in what closing the loop
keeps: the minus -> plus trail and list, the open cases, stories, lessons, their marks."""

from __future__ import annotations

import json

import boto3

from chalicelib import wiring
from devstack import sample_days
from tests.functional.test_digest_loop import COMPLAINT, PRAISE, act, local, mails, post, text_of
from tools import erase


def state_dump(stack: dict[str, str]) -> str:
    """Every item of the state table, keys and all, as text."""
    items = boto3.client("dynamodb").scan(TableName=stack["STATE_TABLE"])["Items"]
    return json.dumps(items, ensure_ascii=False)


def test_an_erased_author_leaves_no_trace_in_the_loops_lists_and_marks(stack, team):
    # GIVEN jan (x:42) and piet (x:43) each complained, were helped, and praised us after
    jan_before = post("2026-11-22T20:00", "Jan hier: " + COMPLAINT, author="42")
    piet_before = post("2026-11-22T20:05", "Piet hier: " + COMPLAINT, author="43")
    jan_open = post(
        "2026-11-23T08:00", "Nog een storing bij Voltera, weer geen internet. Slecht!", author="42"
    )
    seeded = sample_days.ingest([jan_before, piet_before, jan_open])
    jan_case, piet_case = f"alert:{jan_before.id}", f"alert:{piet_before.id}"
    assert {jan_case, piet_case} <= set(seeded.alerts)
    for case in (jan_case, piet_case):
        act(
            case,
            local("2026-11-23T08:30"),
            outcome="turned_positive",
            note="Called back",
            lesson="Outage page out of date",
            lesson_theme="network",
        )
    sample_days.ingest(
        [
            post("2026-11-23T09:00", "Jan hier: " + PRAISE, author="42"),
            post("2026-11-23T09:05", "Piet hier: " + PRAISE, author="43"),
        ]
    )
    before = state_dump(stack)
    assert "x:42" in before and "klant_42" in before and jan_before.id in before

    # WHEN jan asks to be forgotten
    erase.Eraser(wiring.mentions(), wiring.state()).erase("x", "42")

    # THEN nothing in the state table names jan, his posts or his words
    after = state_dump(stack)
    for trace in ("x:42", "klant_42", "Klant 42", jan_before.id, jan_open.id, "Jan hier"):
        assert trace not in after, trace
    # AND piet is still there, and the digest and the weekly mail still tell his story
    assert "x:43" in after and "Piet hier" in after
    text = wiring.digest().preview(local("2026-11-23T00:00").date()).text
    assert "@klant_43" in text and "klant_42" not in text
    assert "2 turned around this day" in text  # counters hold no person: they stay
    # AND the lesson the team wrote stays (it is ours), without jan's post as its example
    weekly = wiring.lessons().preview("2026-W48")["network-operations@example.com"].text
    assert "Outage page out of date (2 cases" in weekly and "klant_42" not in weekly


def test_erasing_an_author_redacts_their_name_from_the_lessons_and_the_next_weekly_mail(
    stack, team
):
    # GIVEN jan (x:42, "Klant 42", @klant_42) and piet (x:43) complained, and the team's
    # lessons name jan: on his own case, and on piet's ("like ...")
    jan = post("2026-11-23T07:00", "Jan hier: " + COMPLAINT, author="42")
    piet = post("2026-11-23T07:05", "Piet hier: " + COMPLAINT, author="43")
    sample_days.ingest([jan, piet])
    lessons = {
        jan.id: "Klant 42 waited three days: klant_42 was right, the outage page was stale",
        piet.id: "Same as KLANT 42 last week: nobody updated the outage page",
    }
    for mention_id, lesson in lessons.items():
        act(f"alert:{mention_id}", local("2026-11-23T08:30"), outcome="solved",
            note="Called back klant_42", lesson=lesson, lesson_theme="network")  # fmt: skip
    before = state_dump(stack)
    assert "Klant 42 waited" in before and "KLANT 42 last week" in before

    # WHEN jan asks to be forgotten, through the erase command
    assert erase.main(["--stage", "dev", "--source", "x", "--author-id", "42"]) == 0

    # THEN no lesson, list or note in the state table names him, in any spelling
    after = state_dump(stack).casefold()
    for trace in ("klant 42", "klant_42"):
        assert trace not in after, trace
    # AND the lessons stay, his name redacted
    assert "[erased] waited three days" in after and "same as [erased] last week" in after
    # AND the next Monday's lessons mail tells them without naming him
    wiring.lessons().run(local("2026-11-30T09:35"))
    (mail,) = mails("network-operations@example.com")
    weekly = text_of(mail)
    assert "[erased] waited three days" in weekly and "Same as [erased] last week" in weekly
    assert "klant 42" not in weekly.casefold() and "klant_42" not in weekly.casefold()
