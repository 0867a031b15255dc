"""`chalice package` works on a machine with a region and no AWS credentials, and what it
builds is deployable: every dependency installed, nothing Lambda already provides, a
template cfn-lint accepts, the prod functions wired to the prod queue.

`chalice package` downloads Lambda wheels from PyPI (or reuses its cache in
`.chalice/deployments/`); the tests skip, saying so, only when packaging failed and the
index is unreachable.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks import packaging

STAGE = "prod"
MAX_ZIP_BYTES = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[packaging.PackageResult]:
    """GIVEN no AWS credentials WHEN `chalice package --stage prod` runs."""
    out = tmp_path_factory.mktemp("package") / STAGE
    result = packaging.build(STAGE, out)
    if (not result.ok or result.missing_dependencies) and not packaging.index_reachable():
        pytest.skip("chalice package needs PyPI for Lambda wheels and the index is unreachable")
    yield result


def test_package_builds_offline_without_credentials(package: packaging.PackageResult) -> None:
    assert package.ok, package.log[-3000:]


def test_package_reports_no_missing_dependency(package: packaging.PackageResult) -> None:
    assert not package.missing_dependencies, package.log[-3000:]


def test_zip_leaves_out_what_lambda_provides(package: packaging.PackageResult) -> None:
    report = packaging.zip_report(package.zip_path)
    assert report.forbidden() == [], "boto3/botocore belong in requirements-dev.in only"


def test_zip_holds_the_app_and_every_runtime_requirement(
    package: packaging.PackageResult,
) -> None:
    report = packaging.zip_report(package.zip_path)
    expected = {"app", "chalicelib", "tweepy", "praw", "feedparser", "vaderSentiment", "jinja2"}
    assert expected <= report.top_level


def test_zip_holds_no_test_or_local_run_harness(package: packaging.PackageResult) -> None:
    report = packaging.zip_report(package.zip_path)
    assert report.top_level.isdisjoint({"devstack", "tools", "tests", "demo", "benchmarks"})
    assert packaging.harness_imports(package.zip_path) == []


def test_harness_check_sees_a_harness_import(tmp_path: Path) -> None:
    # GIVEN a zip whose chalicelib imports moto and app THEN the check names both
    import zipfile

    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("chalicelib/x.py", "import moto\nfrom app import app\n")
        archive.writestr("app.py", "from chalicelib import wiring\n")
    assert packaging.harness_imports(bad) == ["chalicelib/x.py: app", "chalicelib/x.py: moto"]


def test_functions_run_on_python_3_13(package: packaging.PackageResult) -> None:
    # python3.11 passed Lambda's deprecation date on 2026-06-30; 3.13 is supported to 2029
    template = json.loads(package.template_path.read_text())
    runtimes = {
        resource["Properties"].get("Runtime")
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    assert runtimes == {"python3.13"}


def test_zip_ships_valid_bytecode_for_every_module_a_cold_start_imports(
    package: packaging.PackageResult,
) -> None:
    # GIVEN the zip's own Python: app.py, chalice's module and every chalicelib module
    import importlib.util
    import zipfile

    with zipfile.ZipFile(package.zip_path) as archive:
        names = set(archive.namelist())
        sources = sorted(
            n
            for n in names
            if n in ("app.py", "chalice/app.py", "chalice/__init__.py")
            or (n.startswith("chalicelib/") and n.endswith(".py"))
        )
        assert "chalicelib/wiring.py" in sources
        for name in sources:
            # THEN beside each is its 3.13 bytecode, checked against the hash of that source
            pyc = str(Path(name).parent / "__pycache__" / (Path(name).stem + ".cpython-313.pyc"))
            pyc = pyc.removeprefix("./")
            assert pyc in names, f"no bytecode for {name}"
            data = archive.read(pyc)
            assert data[:4] == importlib.util.MAGIC_NUMBER, name
            flags = int.from_bytes(data[4:8], "little")
            assert flags == 0b11, f"{name}: not checked-hash bytecode (flags {flags:#b})"
            assert data[8:16] == importlib.util.source_hash(archive.read(name)), f"stale: {name}"
        # AND no other bytecode (no timestamp pyc from a local run, never valid in Lambda)
        stray = sorted(
            n
            for n in names
            if n.endswith(".pyc")
            and n.split("/")[0] in ("chalicelib", "chalice", "__pycache__")
            and n.replace("__pycache__/", "").replace(".cpython-313.pyc", ".py") not in names
        )
        assert stray == []


def test_zip_stays_under_ten_megabytes(package: packaging.PackageResult) -> None:
    size = packaging.zip_report(package.zip_path).size
    assert size <= MAX_ZIP_BYTES, f"{size:,} bytes"


def test_prod_triage_consumes_the_prod_queue(package: packaging.PackageResult) -> None:
    template = json.loads(package.template_path.read_text())
    queues = [
        json.dumps(event["Properties"]["Queue"])
        for resource in template["Resources"].values()
        for event in (resource.get("Properties", {}).get("Events") or {}).values()
        if event.get("Type") == "SQS"
    ]
    assert queues, "no SQS event source in the template"
    assert all(":social-listening-prod-mentions" in queue for queue in queues), queues


def test_prod_triage_event_source_has_its_maximum_concurrency(
    package: packaging.PackageResult,
) -> None:
    # SQS is polled no faster than triage may run (issue 15, finding 11)
    template = json.loads(package.template_path.read_text())
    scaling = [
        event["Properties"].get("ScalingConfig")
        for resource in template["Resources"].values()
        for event in (resource.get("Properties", {}).get("Events") or {}).values()
        if event.get("Type") == "SQS"
    ]
    config = json.loads((packaging.ROOT / ".chalice" / "config.json").read_text())
    expected = int(config["stages"][STAGE]["environment_variables"]["TRIAGE_MAX_CONCURRENCY"])
    assert scaling == [{"MaximumConcurrency": expected}]


def test_generated_sam_template_passes_cfn_lint(package: packaging.PackageResult) -> None:
    # cfn-lint expands the AWS::Serverless-2016-10-31 transform itself (samtranslator)
    done = packaging.cfn_lint(package.template_path)
    assert done.returncode == 0, done.stdout + done.stderr


INFRA_TEMPLATES = sorted(
    p for p in (packaging.ROOT / "infra").iterdir() if p.suffix in (".yaml", ".yml", ".json")
)


@pytest.mark.parametrize("template", INFRA_TEMPLATES, ids=lambda p: p.name)
def test_infra_template_passes_cfn_lint(template: Path) -> None:
    done = packaging.cfn_lint(template)
    assert done.returncode == 0, done.stdout + done.stderr


def test_infra_holds_the_template() -> None:
    assert packaging.ROOT / "infra" / "template.yaml" in INFRA_TEMPLATES
