"""Exactly once: a reply reaches the network at most once per case and text, whatever the
interleaving of two presses (the holder and the lead) and a retry, whatever the network
answers, and even when a press dies between its claim and the network's answer."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.alerts.desk.replies import ReplyResult

NOW = datetime(2026, 11, 23, 20, 30, tzinfo=UTC)

ACTORS = (("ann", "press"), ("lea", "press"), ("ann", "retry"))
TEXT = "Hoi Anna, we kijken ernaar. Stuur je ons een DM?"


def run(kit, schedule: list[int], dies: set[int], answers: list[str]) -> list[ReplyResult | None]:
    """Advance the actors' steps in `schedule` order, then each to its end; an actor in
    `dies` stops for good right after its claim (a Lambda that timed out)."""
    kit.network.answers = list(answers)
    alert, mention = kit.case()
    steps = [kit.replies.steps(alert, TEXT, who, NOW, mention) for who, _ in ACTORS]
    results: list[ReplyResult | None] = [None] * len(ACTORS)
    done = [False] * len(ACTORS)

    def advance(i: int) -> None:
        if done[i]:
            return
        try:
            stage = next(steps[i])
        except StopIteration as end:
            results[i], done[i] = end.value, True
            return
        if stage == "claimed" and i in dies:
            done[i] = True  # dead: never calls the network, never records anything

    for i in schedule:
        advance(i)
    for i in range(len(ACTORS)):
        while not done[i]:
            advance(i)
    return results


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    schedule=st.lists(st.integers(0, len(ACTORS) - 1), max_size=12),
    dies=st.sets(st.integers(0, len(ACTORS) - 1), max_size=1),
    answers=st.lists(st.sampled_from(["ok", "refused", "uncertain"]), max_size=3),
)
def test_no_reply_is_posted_twice_under_any_interleaving(make_kit, schedule, dies, answers):
    kit = make_kit()
    results = run(kit, schedule, dies, answers)
    # THEN the network shows the text at most once
    assert len(kit.network.posted) <= 1
    # and it was asked again only after a refusal (nothing posted): never while a claim
    # was open, never after an answer that may have posted it
    for earlier in answers[: max(0, len(kit.network.requests) - 1)]:
        assert earlier == "refused"
    # and whoever got "sent" is the one whose request posted it; the others were told
    sent = [r for r in results if r is not None and r.state == "sent"]
    assert len(sent) <= 1
    if sent:
        assert kit.network.posted and sent[0].reply_id == "r1"
    told = {r.state for r in results if r is not None} - {"sent"}
    assert told <= {"already_sent", "in_flight", "refused", "uncertain"}


def test_a_refused_reply_may_be_pressed_again_and_then_goes_once(make_kit):
    kit = make_kit()
    alert, mention = kit.case()
    kit.network.answers = ["refused"]
    first = kit.replies.send_reply(alert, TEXT, "ann", NOW, mention)
    second = kit.replies.send_reply(alert, TEXT, "ann", NOW, mention)
    third = kit.replies.send_reply(alert, TEXT, "lea", NOW, mention)
    assert [first.state, second.state, third.state] == ["refused", "sent", "already_sent"]
    assert first.message == "Not sent: The post is gone: nothing to answer."
    assert third.message.startswith("Already sent by ann")
    assert kit.network.posted == [TEXT]


def test_an_uncertain_reply_is_never_sent_again_by_itself(make_kit):
    kit = make_kit()
    alert, mention = kit.case()
    kit.network.answers = ["uncertain"]
    first = kit.replies.send_reply(alert, TEXT, "ann", NOW, mention)
    again = kit.replies.send_reply(alert, TEXT + "  ", "ann", NOW, mention)  # same, folded
    changed = kit.replies.send_reply(alert, TEXT + " Groet, Ann", "ann", NOW, mention)
    assert [first.state, again.state, changed.state] == ["uncertain", "uncertain", "sent"]
    assert "Open the post to check" in again.message
    assert len(kit.network.requests) == 2


def test_a_revoked_token_pages_the_lead_once_until_a_reply_goes_through(make_kit):
    kit = make_kit()
    alert, mention = kit.case()
    kit.network.answers = ["revoked", "revoked", "ok", "revoked"]
    for text in ("een", "twee", "drie", "vier"):
        kit.replies.send_reply(alert, text, "ann", NOW, mention)
    # one page for the first refusal, none for the second, and again after "drie" went out
    assert kit.pager.pages == [("lea", "[Replies] facebook refuses the brand's token")] * 2


def test_a_sent_reply_marks_the_case_answered_in_the_product_and_keeps_it_open(make_kit):
    kit = make_kit()
    alert, mention = kit.case()
    result = kit.replies.send_reply(alert, TEXT, "ann", NOW, mention)
    stored = kit.records.get(alert.id)
    assert (result.state, result.reply_id) == ("sent", "r1")
    assert (stored.answered_at, stored.answered_via, stored.answered_by) == (
        "2026-11-23T20:30:00Z", "product", "ann")  # fmt: skip
    assert stored.state == "acknowledged"  # open until someone resolves it
    assert [a.answered_via for a in kit.changed] == ["product"]  # the digest's tally hears


def test_too_long_for_the_network_is_refused_before_anything_is_claimed(make_kit):
    kit = make_kit()
    alert, mention = kit.case()
    result = kit.replies.send_reply(alert, "x" * 8001, "ann", NOW, mention)
    assert result.state == "invalid" and result.message == (
        "Too long: 8001 of 8000 characters. Shorten it by 1."
    )
    assert kit.network.requests == [] and kit.replies.sent(alert.id) == []
