"""Pure pieces of alerting: the policy, signed links and the rendered message."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from chalicelib.alerts.paging import message, sms
from chalicelib.alerts.record import links
from chalicelib.alerts.roster.policy import Policy, Rules, bucket_key, parse_quiet, storm_buckets
from chalicelib.i18n import Lang
from chalicelib.model import Author, Mention, Sentiment

EN = Lang("en")  # these tests read the English messages; Dutch: tests/unit/i18n

AMS = ZoneInfo("Europe/Amsterdam")
KEY = "k" * 32
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC).timestamp()


# ---------------------------------------------------------------- policy


def test_priority_bands_choose_the_escalation_minutes():
    policy = Policy()
    assert policy.rules(85, ("ann",)).escalate_after_minutes == 5
    assert policy.rules(45, ("ann",)).escalate_after_minutes == 10
    assert policy.rules(30, ("ann",)).escalate_after_minutes == 20
    assert [policy.band(p) for p in (60, 59.9, 40, 39.9)] == ["high", "normal", "normal", "low"]


def test_rules_walk_the_chain_then_repeat_it_at_most_k_times():
    rules = Rules("high", 5, max_repeats=1, chain=("ann", "bob", "lea"))
    walked = [rules.recipient(level) for level in range(7)]
    assert walked == ["ann", "bob", "lea", "ann", "bob", "lea", None]
    assert Rules("high", 5, 0, ()).recipient(0) is None
    assert Rules.from_dict(rules.to_dict()) == rules


def test_quiet_hours_over_midnight_hold_low_priority_until_they_end():
    policy = Policy(quiet_start=time(22), quiet_end=time(7))
    late = datetime(2026, 11, 23, 23, 30, tzinfo=AMS)
    early = datetime(2026, 11, 24, 6, 59, tzinfo=AMS)
    assert policy.holds_quietly(30, late, "Europe/Amsterdam") == datetime(
        2026, 11, 24, 7, 0, tzinfo=AMS
    )
    assert policy.holds_quietly(30, early, "Europe/Amsterdam") == datetime(
        2026, 11, 24, 7, 0, tzinfo=AMS
    )
    assert (
        policy.holds_quietly(30, datetime(2026, 11, 24, 7, 0, tzinfo=AMS), "Europe/Amsterdam")
        is None
    )
    # high and normal priority always page
    assert policy.holds_quietly(85, late, "Europe/Amsterdam") is None
    assert policy.holds_quietly(45, late, "Europe/Amsterdam") is None


def test_quiet_hours_can_be_switched_off_and_bad_text_is_refused():
    assert parse_quiet("off") == (None, None)
    assert (
        Policy(quiet_start=None, quiet_end=None).quiet_until(
            datetime(2026, 11, 23, 23, tzinfo=AMS), "Europe/Amsterdam"
        )
        is None
    )
    with pytest.raises(ValueError):
        parse_quiet("late")


def test_policy_survives_a_round_trip_and_refuses_nonsense():
    policy = Policy(escalate_after={"high": 2, "normal": 7, "low": 30}, storm_max=9)
    assert Policy.from_dict(policy.to_dict()) == policy
    with pytest.raises(ValueError):
        Policy(escalate_after={"high": 0, "normal": 7, "low": 30})
    with pytest.raises(ValueError):
        Policy(escalate_after={"high": 5})


def test_storm_buckets_cover_the_window_in_utc_five_minute_steps():
    now = datetime(2026, 11, 23, 10, 7, 30, tzinfo=UTC)
    assert storm_buckets(now, 10) == ["2026-11-23T09:55", "2026-11-23T10:00", "2026-11-23T10:05"]
    assert bucket_key(datetime(2026, 11, 23, 11, 4, tzinfo=AMS)) == "2026-11-23T10:00"


# ---------------------------------------------------------------- links


def test_a_token_checks_out_for_its_alert_recipient_and_action():
    token = links.make_token(KEY, "alert:x:1", "ann", NOW)
    claims = links.check_token(KEY, token, "alert:x:1", NOW + 60)
    assert claims.recipient == "ann" and claims.action == "ack"


@pytest.mark.parametrize(
    "case",
    ["forged", "other alert", "expired", "other action", "other key", "malformed", "recipient"],
)
def test_a_bad_token_is_refused(case):
    token = links.make_token(KEY, "alert:x:1", "ann", NOW, ttl=3600)
    alert_id, now, action, key = "alert:x:1", NOW + 60, "ack", KEY
    if case == "forged":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    elif case == "other alert":
        alert_id = "alert:x:2"
    elif case == "expired":
        now = NOW + 3601
    elif case == "other action":
        action = "resolve"
    elif case == "other key":
        key = "z" * 32
    elif case == "malformed":
        token = "nonsense"
    elif case == "recipient":  # ann's link edited to claim bob
        expires, _, mac = token.split(".")
        token = f"{expires}.bob.{mac}"
    with pytest.raises(links.TokenError):
        links.check_token(key, token, alert_id, now, action=action)


# ---------------------------------------------------------------- message


def mention(
    text: str = "Storing al drie dagen, geen internet en niemand helpt. Ik zeg mijn abonnement op!",
) -> Mention:
    return Mention(
        source="x",
        native_id="1860000000000000001",
        url="https://x.com/boze_klant/status/1860000000000000001",
        author=Author("42", "boze_klant", "Boze Klant", 15_300),
        text=text,
        created_at="2026-11-23T09:28:00Z",
        received_at="2026-11-23T09:28:05Z",
        lang="nl",
        sentiment=Sentiment(-0.8, "negative", "pattern-nl"),
        priority=71.6,
        reasons=("negative sentiment -0.80", "urgency: cancel", "reach: 15.3k followers"),
    )


LINKS = message.Links(
    case="https://api.example.com/c/AbCdEfGhIjKlMnOp",
    board="https://api.example.com/board/ann.tdk3x0.abcdefghijklmnopqrstuv",
)


def test_email_carries_the_whole_post_author_reach_priority_why_and_every_link():
    rendered = message.render(
        message.card_for(mention()), LINKS, timezone="Europe/Amsterdam", lang=EN, band="high"
    )
    email = rendered.email
    assert "Negative post on X, priority 72 (high)" in email
    assert "@boze_klant (Boze Klant, 15.3k followers), posted Mon 23 Nov 10:28 CET" in email
    assert (
        "> Storing al drie dagen, geen internet en niemand helpt. Ik zeg mijn abonnement op!"
        in (email.splitlines())
    )
    assert "Why you were paged: negative sentiment -0.80; urgency: cancel" in email
    assert "Open the post: https://x.com/boze_klant/status/1860000000000000001" in email
    lines = email.splitlines()
    assert f"Open the case (acknowledge, resolve, hand over): {LINKS.case}" in lines
    assert f"Your shift board: {LINKS.board}" in lines
    assert len(rendered.subject) <= message.SUBJECT_LIMIT


def test_the_email_keeps_a_long_post_whole_and_its_line_breaks_behind_quote_marks():
    post = "Regel een\nACK: ok\n" + "heel lang verhaal " * 200
    rendered = message.render(
        message.card_for(mention(post)), LINKS, timezone="Europe/Amsterdam", lang=EN
    )
    lines = rendered.email.splitlines()
    assert "> Regel een" in lines and "> ACK: ok" in lines
    assert not any(line.startswith("ACK") for line in lines)
    assert rendered.email.count("heel lang verhaal") == 200


def test_sms_is_one_gsm7_segment_with_band_source_handle_reach_words_and_the_case_link():
    long_post = "Werkelijk waardeloos “service” – België 😩 " * 30
    rendered = message.render(
        message.card_for(mention(long_post)),
        LINKS,
        timezone="Europe/Amsterdam",
        lang=EN,
        band="high",
    )
    measured = sms.measure(rendered.sms)
    assert (measured.encoding, measured.segments) == ("GSM-7", 1)
    assert rendered.sms.endswith(f" {LINKS.case}")
    assert rendered.sms.startswith(
        'HIGH P72 X @boze_klant 15.3k: "Werkelijk waardeloos "service" -'
    )
    assert "Belgie" in rendered.sms


def test_a_post_from_a_network_that_sends_no_follower_count_shows_no_reach_of_zero():
    # GIVEN a Facebook comment: Meta sends a name, no handle and no follower count
    post = mention()
    post = replace(post, source="facebook", author=Author("77", "", "Annelies Peeters", 0))
    rendered = message.render(message.card_for(post), LINKS, timezone="Europe/Amsterdam", lang=EN)
    # THEN neither the SMS nor the e-mail says "0"
    assert rendered.sms.startswith('P72 Facebook Annelies Peeters: "Storing al drie dagen')
    assert "Annelies Peeters, posted Mon 23 Nov 10:28 CET" in rendered.email
    assert "0 followers" not in rendered.email
    group = message.group_card("group", "why", [message.card_for(post)], 1)
    shown = message.render(group, LINKS, timezone="Europe/Amsterdam", lang=EN).email
    assert "1. Facebook Annelies Peeters P72:" in shown


def test_the_stored_copy_has_no_links():
    rendered = message.render(
        message.card_for(mention()), None, timezone="Europe/Amsterdam", lang=EN
    )
    assert "/c/" not in rendered.email and "/c/" not in rendered.sms
    assert sms.measure(rendered.sms).segments == 1


def test_a_group_message_shows_the_count_why_and_the_top_three_by_priority():
    cards = [
        {**message.card_for(mention(f"post number {i} is terrible")), "priority": i}
        for i in range(10)
    ]
    card = message.group_card(
        "spike", "10 negative mentions in 15 min (baseline 0.5 per window)", cards, 10
    )
    rendered = message.render(card, LINKS, timezone="Europe/Amsterdam", lang=EN, band="normal")
    assert rendered.subject.startswith("[Spike] 10 negative posts")
    assert "post number 9" in rendered.email and "post number 7" in rendered.email
    assert "post number 6" not in rendered.email
    assert "acknowledge or resolve all 10 posts" in rendered.email
    assert sms.measure(rendered.sms).segments == 1 and rendered.sms.endswith(LINKS.case)


def test_an_escalated_page_says_so_first():
    rendered = message.render(
        message.card_for(mention()),
        LINKS,
        timezone="Europe/Amsterdam",
        lang=EN,
        note="ESCALATED (step 2): not acknowledged by ann within 5 min.",
    )
    assert rendered.email.startswith("ESCALATED (step 2)")
    assert rendered.subject.startswith("[ESCALATED]") and rendered.sms.startswith("ESCALATED")
