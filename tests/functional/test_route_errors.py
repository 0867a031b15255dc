"""A route's 5xx reaches CloudWatch (issue 25, item 4): Chalice turns an exception into a
500 from a successful invocation, so Lambda's `Errors` (alarm `ApiErrors`) never count it;
the app counts every 5xx as `ServerErrors`, read by the alarm `ApiServerErrors`."""

from __future__ import annotations

import app as the_app
from tests.functional.conftest import post_webhook
from tests.functional.test_faults import emf_lines
from tests.functional.test_page_alarms import alarms_on
from tests.functional.test_walking_skeleton import post


def server_errors(capsys) -> list[float]:
    return [m["ServerErrors"][0] for m in emf_lines(capsys) if m["service"] == "api"]


def test_an_exception_in_a_route_is_a_500_counted_for_the_alarm(
    client, stack, secret_values, monkeypatch, capsys
):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(the_app, "accept", broken)
    capsys.readouterr()
    response = post_webhook(client, post(), secret_values["generic_webhook_secret"])
    assert response.status_code == 500
    assert server_errors(capsys) == [1.0]
    (alarm,) = alarms_on("ServerErrors", service="api")
    assert alarm["Threshold"] == 1 and alarm["Statistic"] == "Sum"


def test_a_503_when_sqs_refuses_is_counted_and_a_202_is_not(
    client,
    stack,
    secret_values,
    faults,
    capsys,
):
    capsys.readouterr()
    assert (
        post_webhook(client, post("1"), secret_values["generic_webhook_secret"]).status_code == 202
    )
    assert server_errors(capsys) == []
    faults.fail("sqs", "SendMessageBatch", times=2)
    response = post_webhook(client, post("2"), secret_values["generic_webhook_secret"])
    assert response.status_code == 503
    assert server_errors(capsys) == [1.0]
