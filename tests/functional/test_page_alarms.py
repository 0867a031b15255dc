"""Every way a page can fail to reach a person ends in an ops alarm (issue 25, item 3).

SNS refusing every publish (KMS access denied after a bad deploy) used to end a case
`failed` with `Exhausted` 0 and `PageFailures` feeding no alarm: nobody was told.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib import wiring
from tests.conftest import load_template
from tests.functional.conftest import scheduled
from tests.functional.test_faults import drain, emf_lines, send


def alarms_on(metric: str, service: str = "alerts_every_minute") -> list[dict]:
    resources = load_template()["Resources"]
    return [
        r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
        and r["Properties"]["MetricName"] == metric
        and r["Properties"]["Namespace"] == "SocialListening"
        and {"Name": "service", "Value": service} in r["Properties"]["Dimensions"]
    ]


def test_sns_refusing_every_page_ends_in_alarmed_metrics(
    client,
    stack,
    team,
    secret,
    faults,
    capsys,
):
    # GIVEN SNS refuses every publish, as after a deploy that lost the KMS key grant
    faults.fail("sns", "Publish", times=-1, code="KMSAccessDenied", status=400)
    send(client, secret, "1001")
    drain(client, stack)
    capsys.readouterr()
    # WHEN the minute job runs until the case is given up
    at = datetime.now(UTC)
    for _ in range(80):
        at += timedelta(minutes=1)
        client.lambda_.invoke("alerts_every_minute", scheduled(client, at))
        if wiring.alerts().get("alert:generic:1001").state == "failed":
            break
    assert wiring.alerts().get("alert:generic:1001").state == "failed"
    runs = [m for m in emf_lines(capsys) if m["service"] == "alerts_every_minute"]
    # THEN the job counted the refused pages and the case nobody could be paged for
    assert sum(m["PageFailures"][0] for m in runs) >= 3
    assert sum(m["Undeliverable"][0] for m in runs) == 1
    # AND an ops alarm reads each of those metrics at a threshold this run crossed
    (undeliverable,) = alarms_on("Undeliverable")
    assert undeliverable["Threshold"] == 1
    (refused,) = alarms_on("PageFailures")
    window = [m["PageFailures"][0] for m in runs[: 5 * refused["EvaluationPeriods"]]]
    assert sum(window[:5]) >= refused["Threshold"] and sum(window[5:]) >= refused["Threshold"]


def test_a_case_with_nobody_on_duty_is_counted_and_alarmed(client, stack, secret, capsys):
    # GIVEN no rotation at all: nobody is on duty when the post arrives
    send(client, secret, "1002")
    drain(client, stack)
    capsys.readouterr()
    client.lambda_.invoke(
        "alerts_every_minute", scheduled(client, datetime.now(UTC) + timedelta(minutes=1))
    )
    (run,) = [m for m in emf_lines(capsys) if m["service"] == "alerts_every_minute"]
    assert run["Unassigned"] == [1.0]
    (unassigned,) = alarms_on("Unassigned")
    assert unassigned["Threshold"] == 1
