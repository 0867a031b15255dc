"""The source registry is the one list of sources: the schedules, source health, the
digest's list, IAM, the Chalice config and the alarms all follow it, and nothing else
lists a source by hand."""

from __future__ import annotations

import ast
import importlib
import json

import pytest
import yaml

from chalicelib.sources import health, registry
from infra import iam
from tests.conftest import ROOT

SCHEDULED = sorted(str(s.function) for s in registry.scheduled())
POLLED = sorted(s.name for s in registry.polled())


def test_every_scheduled_source_has_exactly_one_schedule_in_the_app(monkeypatch):
    import app

    schedules = {
        s.name: s.schedule_expression.value
        for s in app.app.event_sources
        if s.name.startswith("poll_")
    }
    assert sorted(schedules) == SCHEDULED
    for source in registry.scheduled():
        assert schedules[str(source.function)] == source.every_minutes
    for event_source in app.app.event_sources:  # Lambda imports app.poll_<name>
        if event_source.name.startswith("poll_"):
            assert event_source.handler_string == f"app.{event_source.name}"
            assert hasattr(app, event_source.name)


def test_each_polled_source_names_a_module_with_a_client_and_a_fetch():
    for source in registry.polled():
        module = importlib.import_module(f"chalicelib.sources.{source.module}")
        assert callable(module.make_client) and callable(getattr(module, source.fetch))


def test_source_health_knows_every_source_s_quiet_time():
    assert {s.name: s.quiet for s in registry.SOURCES} == health.EXPECTED_INTERVALS


def test_iam_gives_each_scheduled_poller_a_policy_and_secrets_only_if_it_reads_any():
    assert sorted(f for f in iam.FUNCTIONS if f.startswith("poll_")) == SCHEDULED
    for source in registry.scheduled():
        sids = [sid for sid, _, _ in iam.FUNCTIONS[str(source.function)]]
        assert ("ReadSecrets" in sids) == bool(source.secrets)


def test_the_chalice_config_is_the_one_the_registry_gives():
    on_disk = json.loads((ROOT / ".chalice" / "config.json").read_text())
    assert on_disk == iam.chalice_config(), "run `python -m infra.iam`"
    for stage in iam.STAGES:
        functions = on_disk["stages"][stage]["lambda_functions"]
        assert sorted(f for f in functions if f.startswith("poll_")) == SCHEDULED


def test_every_scheduled_poller_has_its_errors_and_throttles_alarms():
    class Loader(yaml.SafeLoader):
        """CloudFormation's short tags (!Sub, !Ref…) read as their plain value."""

    def tag(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_mapping(node)

    Loader.add_multi_constructor("!", tag)
    template = yaml.load((ROOT / "infra" / "template.yaml").read_text(), Loader=Loader)
    watched = {
        (r["Properties"]["MetricName"], d["Value"].rsplit("-", 1)[-1])
        for r in template["Resources"].values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
        for d in r["Properties"].get("Dimensions", [])
        if d.get("Name") == "FunctionName"
    }
    for function in SCHEDULED:
        assert {("Errors", function), ("Throttles", function)} <= watched, function


def _literals(path):
    tree = ast.parse(path.read_text())
    return [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def hand_lists(path) -> list[str]:
    """Where `path` names a poller's function or lists two or more polled sources."""
    found = [f"names {text}" for text in _literals(path) if text in SCHEDULED]
    for node in ast.walk(ast.parse(path.read_text())):
        elements = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", [])
        if isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict):
            names = {e.value for e in elements if isinstance(e, ast.Constant)}
            if len(names & set(POLLED)) >= 2:
                found.append(f"line {node.lineno} lists sources")
    return found


@pytest.mark.parametrize(
    "path",
    [ROOT / "app.py", ROOT / "infra" / "iam.py", *sorted((ROOT / "chalicelib").rglob("*.py"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_nothing_but_the_registry_lists_sources_by_hand(path):
    if path.name == "registry.py":
        return
    assert hand_lists(path) == [], "derive it from chalicelib/sources/registry.py"


def test_the_check_finds_a_list_written_by_hand(tmp_path):
    rogue = tmp_path / "rogue.py"
    rogue.write_text('POLLED = ("x", "reddit", "feeds")\nFUNCTIONS = {"poll_x": 1}\n')
    assert hand_lists(rogue) == ["names poll_x", "line 1 lists sources"]
