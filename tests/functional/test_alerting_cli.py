"""`python -m tools oncall`: the team lead's commands against the moto stack."""

from __future__ import annotations

import io
import json

import boto3

from chalicelib import wiring
from tests.functional.test_alerting import at, negative
from tools import oncall as cli
from tools.__main__ import main as dispatch


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(list(argv), out=out)
    return code, out.getvalue()


def subscriptions(stack: dict[str, str]) -> list[dict]:
    sns = boto3.client("sns")
    found = sns.list_subscriptions_by_topic(TopicArn=stack["ALERTS_TOPIC_ARN"])["Subscriptions"]
    return [
        {
            **s,
            "FilterPolicy": json.loads(
                sns.get_subscription_attributes(SubscriptionArn=s["SubscriptionArn"])[
                    "Attributes"
                ].get("FilterPolicy", "{}")
            ),
        }
        for s in found
    ]


def test_add_manager_subscribes_email_and_sms_filtered_to_that_manager(stack):
    code, out = run("add-manager", "ann", "--name", "Ann", "--email", "ann@example.com",
                    "--phone", "+31612345678")  # fmt: skip
    assert code == 0 and "added ann: 2 subscription(s)" in out
    subs = subscriptions(stack)
    assert sorted((s["Protocol"], s["Endpoint"]) for s in subs) == [
        ("email", "ann@example.com"),
        ("sms", "+31612345678"),
    ]
    policies = {s["Protocol"]: s["FilterPolicy"] for s in subs}
    assert policies == {
        "email": {"recipient": ["ann"], "channels": ["email"]},
        "sms": {"recipient": ["ann"], "channels": ["sms"]},
    }
    stored = wiring.team().manager("ann").subscriptions
    assert set(stored) == {s["SubscriptionArn"] for s in subs}


def test_updating_a_manager_replaces_their_subscriptions(stack):
    run("add-manager", "ann", "--email", "ann@example.com")
    run("add-manager", "ann", "--email", "ann@webcare.example.com")
    assert [s["Endpoint"] for s in subscriptions(stack)] == ["ann@webcare.example.com"]


def test_rotation_override_and_show_through_the_dispatcher(stack, capsys):
    for name in ("ann", "bob", "lea"):
        assert run("add-manager", name, "--email", f"{name}@example.com")[0] == 0
    code = dispatch(
        [
            "oncall",
            "set-rotation",
            "--managers",
            "ann,bob",
            "--start",
            "2026-11-23",
            "--lead",
            "lea",
        ]
    )
    assert code == 0
    code, out = run(
        "add-override", "bob", "--from", "2026-11-24T00:00", "--until", "2026-11-25T00:00",
        "--for", "ann",
    )  # fmt: skip
    assert code == 0 and "bob covers for ann from Tue 24 Nov 2026 00:00 CET" in out

    code, out = run("--at", "2026-11-23T10:00", "show")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Now   Mon 23 Nov 2026 10:00 CET: primary ann · backup bob · lead lea"
    assert lines[1] == "Next  Tue 24 Nov 2026 00:00 CET: primary bob · backup - · lead lea"
    assert any(line.startswith("Override bob covers for ann") for line in lines)
    assert wiring.team().on_duty(at("2026-11-24T12:00")) == "bob"


def test_set_policy_changes_only_what_is_given(stack):
    code, out = run(
        "set-policy", "--high", "3", "--storm", "8/15", "--quiet", "off", "--bands", "70/45"
    )  # fmt: skip
    assert code == 0
    policy = wiring.team().policy()
    assert (policy.high_from, policy.normal_from) == (70, 45)
    assert policy.band(69) == "normal" and "priority high from 70, normal from 45" in out
    assert policy.escalate_after == {"high": 3, "normal": 10, "low": 20}
    assert (policy.storm_max, policy.storm_window_minutes) == (8, 15)
    assert policy.quiet_start is None
    assert "quiet hours off" in out


def test_mistakes_are_refused_with_a_reason_and_change_nothing(stack, capsys):
    assert run("add-manager", "ann")[0] == 2  # no e-mail or phone
    assert run("add-manager", "Ann Smith", "--email", "a@example.com")[0] == 2
    assert run("add-manager", "ann", "--phone", "0612345678")[0] == 2  # not E.164
    assert run("set-rotation", "--managers", "zoe", "--start", "2026-11-23")[0] == 2
    run("add-manager", "ann", "--email", "ann@example.com")
    run("set-rotation", "--managers", "ann", "--start", "2026-11-23")
    assert run("remove-manager", "ann")[0] == 2  # still in the rotation
    errors = capsys.readouterr().err
    assert "must be reachable" in errors and "unknown manager(s): zoe" in errors
    assert "is in the rotation" in errors
    assert wiring.team().manager("ann") is not None and len(subscriptions(stack)) == 1


def test_remove_manager_removes_their_subscriptions(stack):
    run("add-manager", "cas", "--email", "cas@example.com", "--phone", "+32470123456")
    code, out = run("remove-manager", "cas")
    assert code == 0 and "2 subscription(s)" in out
    assert subscriptions(stack) == [] and wiring.team().manager("cas") is None


def test_an_alert_made_while_nobody_is_on_duty_goes_out_once_someone_is(stack):
    service = wiring.alerts()
    alert = service.alert_for(negative("1"), at("2026-11-23T10:00"))
    assert alert.recipient == "unassigned" and alert.state == "pending"
    run("add-manager", "ann", "--email", "ann@example.com")
    run("set-rotation", "--managers", "ann", "--start", "2026-11-23")
    assert service.every_minute(at("2026-11-23T10:01")).resent == [alert.id]
    assert service.get(alert.id).recipient == "ann"


def test_local_mode_runs_the_commands_on_moto_in_this_process():
    code, out = run(
        "--local", "--at", "2026-11-23T10:00",
        "add-manager", "ann", "--email", "ann@example.com",
        "+", "set-rotation", "--managers", "ann", "--start", "2026-11-23",
        "+", "show",
    )  # fmt: skip
    assert code == 0
    # the dev stage's team is Dutch (TEAM_LOCALE in .chalice/config.json): so is the CLI
    assert "Nu     ma 23 nov 2026 10:00 CET: dienst ann · achtervang - · teamleider -" in out
    assert "ann toegevoegd: 1 abonnement(en)" in out


def test_a_mistake_is_told_in_the_teams_language(monkeypatch, capsys):
    # GIVEN a Dutch team WHEN the lead gives a key that is no override's
    monkeypatch.setenv("TEAM_LOCALE", "nl")
    code, _ = run("--local", "remove-override", "not-a-key")
    # THEN one line in Dutch, exit code 2
    said = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 2
    assert said == "error: dat is geen uitzonderingssleutel (zie show voor de sleutels)"
    # AND an English team reads the same mistake, its values filled in, in English
    monkeypatch.setenv("TEAM_LOCALE", "en")
    code, _ = run("--local", "remove-manager", "nobody")
    assert capsys.readouterr().err.strip().splitlines()[-1] == "error: no manager 'nobody'"


def test_test_page_reaches_only_the_manager_on_duty_and_alerts_lists_open_ones(stack, oncall):
    code, out = run("--at", "2026-11-23T10:00", "test-page")
    assert code == 0 and "test page sent to ann" in out
    (page,) = oncall["ann"].messages()
    assert page["Message"].startswith("Test page for ann") and oncall["bob"].messages() == []

    wiring.alerts().alert_for(negative("1"), at("2026-11-23T10:00"))
    code, out = run("--at", "2026-11-23T10:01", "alerts")
    assert code == 0
    assert "alert:x:1" in out and "sent" in out and "ann" in out and "step 1" in out
