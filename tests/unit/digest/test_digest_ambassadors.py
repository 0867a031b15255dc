"""The ambassador list takes praise only: a positive question or request is no ambassador."""

from __future__ import annotations

from chalicelib.digest.ingest import AMBASSADORS, DayRecorder
from chalicelib.digest.toplists import TopLists
from chalicelib.model import Author, Mention
from chalicelib.store import MemoryTable
from chalicelib.triage import judge

AT = "2026-11-22T10:00:00Z"


def judged(native_id: str, text: str, followers: int = 5_000) -> Mention:
    return judge(
        Mention(
            source="x",
            native_id=native_id,
            url="https://x.example/p",
            author=Author(f"a{native_id}", f"user{native_id}", "User", followers),
            text=text,
            created_at=AT,
            received_at=AT,
        )
    )


def test_only_praise_reaches_the_ambassador_list() -> None:
    # GIVEN three posts the lexicon calls positive: praise, a question, a polite request
    praise = judged("1", "Thanks so much, the engineer fixed it today!")
    question = judged("2", "What is the best way to contact support")
    request = judged("3", "Hi, could you please check my order? Thanks a lot!")
    assert praise.sentiment is not None and praise.sentiment.need == "praise"
    assert question.sentiment is not None and question.sentiment.need == "question"
    assert request.sentiment is not None and request.sentiment.need == "help"
    assert question.sentiment.label == "positive"  # the words are friendly all the same
    state = MemoryTable()
    lists = TopLists(state)
    # WHEN the day's lists are offered them
    DayRecorder(state, lists, "Europe/Amsterdam").after_insert_many([praise, question, request])
    # THEN only the praise's author is an ambassador
    assert [e.key for e in lists.read("2026-11-22", AMBASSADORS)] == ["x:a1"]
