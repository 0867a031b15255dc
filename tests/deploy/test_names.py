"""Every name `chalice deploy` creates fits AWS's limits, for every stage in
`.chalice/config.json`; Chalice does not check them (PLATFORM_NOTES.md).

The names come from Chalice's own application graph, built per stage in a fresh
interpreter with that stage's environment, exactly as the CLI builds it.
"""

from __future__ import annotations

import json

import pytest

from benchmarks import packaging

STAGES = packaging.stages()


@pytest.fixture(scope="module", params=STAGES)
def names(request: pytest.FixtureRequest) -> tuple[str, dict[str, list[str]]]:
    return request.param, packaging.deployed_names(request.param)


def stage_config(stage: str) -> dict:
    return json.loads(packaging.CONFIG.read_text())["stages"][stage]


@pytest.mark.parametrize("kind", sorted(packaging.NAME_LIMITS))
def test_every_name_fits_the_aws_limit(names: tuple[str, dict[str, list[str]]], kind: str) -> None:
    stage, found = names
    limit = packaging.NAME_LIMITS[kind]
    assert found[kind], f"{stage}: no {kind} names found"
    too_long = [n for n in found[kind] if len(n) > limit]
    assert too_long == [], f"{stage}: {kind} names over {limit} characters"


def test_each_function_name_starts_with_app_and_stage(
    names: tuple[str, dict[str, list[str]]],
) -> None:
    stage, found = names
    assert all(n.startswith(f"social-listening-{stage}") for n in found["function"])


def test_stage_config_configures_only_functions_that_exist(
    names: tuple[str, dict[str, list[str]]],
) -> None:
    # a misspelt key in `lambda_functions` is silently ignored by Chalice: no policy file,
    # no timeout, no reserved concurrency for the function it meant
    stage, found = names
    configured = set(stage_config(stage).get("lambda_functions", {}))
    assert configured <= set(found["handlers"]), configured - set(found["handlers"])


def test_every_function_has_its_own_policy_in_the_stage(
    names: tuple[str, dict[str, list[str]]],
) -> None:
    stage, found = names
    configured = stage_config(stage).get("lambda_functions", {})
    missing = [h for h in found["handlers"] if "iam_policy_file" not in configured.get(h, {})]
    assert missing == [], f"{stage}: functions without iam_policy_file (autogen_policy is off)"


def test_triage_consumes_its_own_stage_queue(names: tuple[str, dict[str, list[str]]]) -> None:
    stage, found = names
    expected = stage_config(stage)["environment_variables"]["MENTIONS_QUEUE"]
    assert found["queue"] == [expected]
