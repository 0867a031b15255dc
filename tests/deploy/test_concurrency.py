"""Concurrency that cannot starve (issue 15, finding 11): in every stage the SQS event
source is polled no faster than triage may run, and triage's reserved concurrency is above
that, so Lambda never throttles a receive (a throttled receive counts towards
maxReceiveCount and dead-letters a batch nobody processed)."""

from __future__ import annotations

import json

import pytest

from benchmarks import packaging

CONFIG = json.loads((packaging.ROOT / ".chalice" / "config.json").read_text())


@pytest.mark.parametrize("stage", sorted(CONFIG["stages"]))
def test_triage_reserved_concurrency_is_above_its_event_sources_maximum(stage: str) -> None:
    settings = CONFIG["stages"][stage]
    maximum = int(settings["environment_variables"]["TRIAGE_MAX_CONCURRENCY"])
    reserved = settings["lambda_functions"]["triage"]["reserved_concurrency"]
    assert 2 <= maximum < reserved, (stage, maximum, reserved)


@pytest.mark.parametrize("stage", sorted(CONFIG["stages"]))
def test_every_stage_keeps_its_logs_a_while_and_traces(stage: str) -> None:
    settings = CONFIG["stages"][stage]
    assert settings["xray"] is True
    # per function: Chalice 1.34 packages a stage-wide retention for the API handler as a
    # log group naming a resource that does not exist ("ApiHandler"); infra/template.yaml
    # creates the API's log group with the same retention instead
    for name, function in settings["lambda_functions"].items():
        if name != "api_handler":
            assert function["log_retention_in_days"] >= 14, (stage, name)
