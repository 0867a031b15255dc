"""The deployment package and the names a deploy creates, as `chalice` builds them.

Shared by `benchmarks/run.py` (`package_bytes`) and `tests/deploy/` (the deploy checks):

* `build(stage, out_dir)` runs `chalice package --stage <stage>` the way CI and a
  developer without an AWS account would: a region set, no credentials at all;
* `zip_report(zip_path)` lists what went into the zip (top-level names, size, forbidden
  packages such as boto3/botocore, which Lambda provides and which would add ~17 MB);
* `deployed_names(stage)` asks Chalice's own application graph which function, role and
  rule names `chalice deploy --stage <stage>` would create (in a fresh interpreter, so the
  stage's environment is in place when `app.py` is imported, as the CLI does).
"""

from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".chalice" / "config.json"
REGION = "eu-west-1"
MISSING_DEPENDENCIES = "Could not install dependencies"
# Provided by the Lambda Python runtime; vendoring them only makes the zip bigger.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")
# AWS limits on names: Lambda function, IAM role and EventBridge rule names.
NAME_LIMITS = {"function": 64, "role": 64, "rule": 64}


def stages() -> list[str]:
    return sorted(json.loads(CONFIG.read_text())["stages"])


def offline_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a machine with a region but no AWS credentials or profile."""
    env = {
        k: v for k, v in (os.environ if base is None else base).items() if not k.startswith("AWS_")
    }
    env.update(
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


@dataclass(frozen=True)
class PackageResult:
    returncode: int
    log: str
    zip_path: Path
    template_path: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.zip_path.is_file()

    @property
    def missing_dependencies(self) -> bool:
        return MISSING_DEPENDENCIES in self.log


def executable(name: str) -> str:
    """A console script of this environment (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else name


def build(stage: str, out_dir: Path, *, timeout: float = 600) -> PackageResult:
    """`chalice package --stage <stage> <out_dir>`, offline, with the bytecode `make package`
    compiles first (infra/bytecode.py); the log is stdout + stderr."""
    from infra import bytecode

    bytecode.write()
    done = subprocess.run(
        [executable("chalice"), "package", "--stage", stage, str(out_dir)],
        cwd=ROOT,
        env=offline_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return PackageResult(
        returncode=done.returncode,
        log=done.stdout + done.stderr,
        zip_path=out_dir / "deployment.zip",
        template_path=out_dir / "sam.json",
    )


def index_reachable(timeout: float = 3.0) -> bool:
    """Can pip reach its package index? (Only asked when packaging failed.)"""
    url = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple")
    parsed = urlparse(url)
    host = parsed.hostname or "pypi.org"
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# cfn-lint judges a runtime's deprecation by today's date (E2533, W2531): the same template
# would pass today and fail next year. The runtime is the Python that runs `chalice
# package`; its end of support is in docs/operation.md, not in a test that a calendar breaks.
DATE_DEPENDENT_CHECKS = ("E2533", "W2531")


def cfn_lint(template: Path) -> subprocess.CompletedProcess[str]:
    """cfn-lint on a template; it expands the SAM transform itself (samtranslator)."""
    return subprocess.run(
        [
            executable("cfn-lint"),
            *(arg for check in DATE_DEPENDENT_CHECKS for arg in ("--ignore-checks", check)),
            "--",
            str(template),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@dataclass
class ZipReport:
    size: int
    files: int
    top_level: set[str] = field(default_factory=set)

    def forbidden(self) -> list[str]:
        return sorted(name for name in self.top_level if name in RUNTIME_PROVIDED)


# What must never reach Lambda: test and local-run tooling, and the app module from below.
HARNESS_MODULES = (
    "moto",
    "responses",
    "yaml",
    "pytest",
    "hypothesis",
    "time_machine",
    "chalice.test",
    "devstack",
    "tools",
    "tests",
    "demo",
    "benchmarks",
)


def harness_imports(zip_path: Path) -> list[str]:
    """`file: module` for every import in the zip's own code (app.py, chalicelib/) of a
    harness module, or of `app` from inside chalicelib (an arrow upwards)."""
    found = []
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            if not (name == "app.py" or (name.startswith("chalicelib/") and name.endswith(".py"))):
                continue
            tree = ast.parse(archive.read(name), filename=name)
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    harness = any(
                        module == h or module.startswith(h + ".") for h in HARNESS_MODULES
                    )
                    upward = name != "app.py" and module == "app"
                    if harness or upward:
                        found.append(f"{name}: {module}")
    return sorted(found)


def zip_report(zip_path: Path) -> ZipReport:
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
    top = set()
    for name in names:
        first = name.split("/", 1)[0]
        if first.endswith((".dist-info", ".egg-info", ".data")):
            continue
        top.add(first.removesuffix(".py"))
    return ZipReport(size=zip_path.stat().st_size, files=len(names), top_level=top)


_GRAPH_SCRIPT = """
import json, os, sys
from chalice.cli.factory import CLIFactory
from chalice.deploy import models
from chalice.deploy.appgraph import ApplicationGraphBuilder, DependencyBuilder

stage = sys.argv[1]
# as the CLI does: the stage's environment is put in os.environ before app.py is imported
factory = CLIFactory(project_dir=sys.argv[2], environ=os.environ)
config = factory.create_config_obj(chalice_stage_name=stage)
graph = ApplicationGraphBuilder().build(config, stage)
out = {"function": [], "role": [], "rule": [], "queue": [], "handlers": []}
for resource in DependencyBuilder().build_dependencies(graph):
    if isinstance(resource, models.LambdaFunction):
        out["function"].append(resource.function_name)
        out["handlers"].append(resource.resource_name)
    elif isinstance(resource, models.ManagedIAMRole):
        out["role"].append(resource.role_name)
    elif isinstance(resource, (models.ScheduledEvent, models.CloudWatchEvent)):
        out["rule"].append(resource.rule_name)
    elif isinstance(resource, models.SQSEventSource):
        out["queue"].append(resource.queue)
print(json.dumps(out))
"""


def deployed_names(stage: str) -> dict[str, list[str]]:
    """Names `chalice deploy --stage <stage>` would create, by kind, plus the SQS queues
    the event sources consume and the handlers' own names (`lambda_functions` keys)."""
    done = subprocess.run(
        [sys.executable, "-c", _GRAPH_SCRIPT, stage, str(ROOT)],
        cwd=ROOT,
        env=offline_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])
