"""Cold import: `import app` against `import boto3`, each in a fresh interpreter.

Each run is a new `python -c` process that times only the import (perf_counter around
it), so interpreter start-up is left out of both. Runs alternate (app, boto3, app, ...)
so drift in machine load hits both; the ratio is of the medians. One untimed run of each
first writes the bytecode caches (even when PYTHONDONTWRITEBYTECODE is set, as it is on
some machines: a stale or missing cache would time the compiler, not the import).

Also reported, not part of the ratio: `app_no_pyc_ms` (and `no_pyc_ratio`), the import
of a copy of `app.py` and `chalicelib/` with no bytecode cache (`python -B`), which is
closer to Lambda: the zip `chalice package` builds holds no `.pyc` and `/var/task` is
read-only, so every cold start compiles the project's modules (boto3 in the runtime comes
compiled).
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


def measure(runs: int = 9) -> dict[str, float]:
    import_seconds("app")
    import_seconds("boto3")
    app_times, boto3_times = [], []
    for _ in range(runs):
        app_times.append(import_seconds("app"))
        boto3_times.append(import_seconds("boto3"))
    app_ms = statistics.median(app_times) * 1000
    boto3_ms = statistics.median(boto3_times) * 1000
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch)
        shutil.copy2(ROOT / "app.py", copy / "app.py")
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(ROOT / "chalicelib", copy / "chalicelib", ignore=ignore)
        no_pyc = [import_seconds("app", cwd=copy, no_bytecode=True) for _ in range(runs)]
    return {
        "ratio": round(app_ms / boto3_ms, 2),
        "app_ms": round(app_ms, 1),
        "boto3_ms": round(boto3_ms, 1),
        "app_no_pyc_ms": round(statistics.median(no_pyc) * 1000, 1),
        "no_pyc_ratio": round(statistics.median(no_pyc) * 1000 / boto3_ms, 2),
        "runs": runs,
    }
