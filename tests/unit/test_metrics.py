"""EMF metrics: one line per emit, carrying that emit's values only."""

from __future__ import annotations

import json

from chalicelib import metrics


def test_each_emit_is_one_line_with_its_own_values_however_many_there_are(capsys):
    for n in range(150):
        metrics.emit("triage", "prod", {"MentionsStored": n}, {"PostToPage": [2.5] * (n % 3)})
        metrics.emit("redrive_dead_letters", "prod", {"Redriven": 1})
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    triage = [line for line in lines if line["service"] == "triage"]
    assert len(lines) == 300 and [line["MentionsStored"] for line in triage] == [
        [float(n)] for n in range(150)
    ]
    first = triage[0]["_aws"]["CloudWatchMetrics"][0]
    assert first["Namespace"] == "SocialListening"
    assert first["Dimensions"] == [["stage", "service"]] and triage[0]["stage"] == "prod"
    assert {"Name": "MentionsStored", "Unit": "Count"} in first["Metrics"]


def test_a_metric_that_cannot_be_written_never_fails_the_caller(capsys):
    metrics.emit("triage", "prod", {"": 1})  # Powertools refuses an empty name
    assert capsys.readouterr().out == ""


def test_a_timing_with_hundreds_of_values_is_one_line_and_nothing_when_switched_off(
    capsys, monkeypatch
):
    # GIVEN a minute job that paged 586 alerts late (the chaos replay's first run)
    late = [float(n) for n in range(586)]
    # WHEN metrics are switched off (the local tools), THEN nothing is printed
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    metrics.emit("alerts_every_minute", "dev", {"Pages": 586}, {"PostToPage": late})
    assert capsys.readouterr().out == ""  # (Powertools printed its 100th value's line)
    # AND when they are on, it is one line with the first 99 values and the count
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    metrics.emit("alerts_every_minute", "dev", {"Pages": 586}, {"PostToPage": late})
    (line,) = capsys.readouterr().out.splitlines()
    emitted = json.loads(line)
    assert emitted["Pages"] == [586.0] and emitted["PostToPage"] == late[: metrics.MAX_SAMPLES]
