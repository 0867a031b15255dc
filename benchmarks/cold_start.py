"""Cold import: `import app` against `import boto3`, each in a fresh interpreter.

Each run is a new `python -c` process that times only the import (perf_counter around
it), so interpreter start-up is left out of both. Runs alternate (app, boto3, app, ...)
so drift in machine load hits both; the ratio is of the medians. One untimed run of each
first writes the bytecode caches (even when PYTHONDONTWRITEBYTECODE is set, as it is on
some machines: a stale or missing cache would time the compiler, not the import).

Also reported: the import as Lambda runs it. `/var/task` is read-only, so Python writes no
bytecode there (`python -B`) and runs what the zip holds. `package_ms` / `package_ratio`:
a copy of the package's Python (app.py, chalicelib/, chalice's module) with the bytecode
`make package` ships (infra/bytecode.py); `app_no_pyc_ms` / `no_pyc_ratio`: the same copy
without it, where every cold start compiles the project's modules (the zip before
2026-12-07). boto3 in the runtime comes compiled.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_TIMED = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def import_seconds(module: str, *, cwd: Path = ROOT, no_bytecode: bool = False) -> float:
    from .packaging import offline_env

    env = offline_env()
    flags = ["-B"] if no_bytecode else []
    if not no_bytecode:  # bytecode caches are written (and then read): what is compared
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run(
        [sys.executable, *flags, "-c", _TIMED.format(module=module)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def lambda_layout(folder: Path, *, with_bytecode: bool) -> Path:
    """The package's own Python as the zip lays it out, with or without its bytecode."""
    from infra import bytecode

    for source, zip_path in bytecode.lambda_sources():
        (folder / zip_path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, folder / zip_path)
    if with_bytecode:
        with tempfile.TemporaryDirectory() as scratch:
            vendor = Path(scratch) / "vendor"
            bytecode.compile_into(vendor)
            shutil.copytree(vendor, folder, dirs_exist_ok=True)
    return folder


def measure(runs: int = 9) -> dict[str, float]:
    """Each run imports all four in turn (so a burst of load hits all of them alike)."""
    with tempfile.TemporaryDirectory() as scratch:
        bare = lambda_layout(Path(scratch) / "bare", with_bytecode=False)
        shipped = lambda_layout(Path(scratch) / "package", with_bytecode=True)
        import_seconds("app")  # (writes the venv's and the checkout's caches, untimed)
        import_seconds("boto3")
        import_seconds("app", cwd=shipped, no_bytecode=True)
        app_times, boto3_times, no_pyc, package = [], [], [], []
        for _ in range(runs):
            app_times.append(import_seconds("app"))
            boto3_times.append(import_seconds("boto3"))
            package.append(import_seconds("app", cwd=shipped, no_bytecode=True))
            no_pyc.append(import_seconds("app", cwd=bare, no_bytecode=True))
    app_ms = statistics.median(app_times) * 1000
    boto3_ms = statistics.median(boto3_times) * 1000
    package_ms = statistics.median(package) * 1000
    return {
        "ratio": round(app_ms / boto3_ms, 2),
        "app_ms": round(app_ms, 1),
        "boto3_ms": round(boto3_ms, 1),
        "app_no_pyc_ms": round(statistics.median(no_pyc) * 1000, 1),
        "no_pyc_ratio": round(statistics.median(no_pyc) * 1000 / boto3_ms, 2),
        "package_ms": round(package_ms, 1),
        "package_ratio": round(package_ms / boto3_ms, 2),
        "runs": runs,
    }
