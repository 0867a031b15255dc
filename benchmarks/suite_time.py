"""The suite's wall time, its 20 slowest tests and its count: `make bench-suite`.

    .venv/bin/python benchmarks/suite_time.py [--jobs auto|N] [--json] [-- PYTEST_ARGS...]

Runs pytest once as `make test` does (every core, a file per worker) and prints what it
took. A figure to track (docs/development.md), never a timed test: it moves with the
machine and with whatever else runs on it (say how busy it was: `uptime` is printed).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DURATION = re.compile(r"^(\d+\.\d+)s (call|setup|teardown)\s+(\S+)", re.MULTILINE)
OUTCOME = re.compile(r"(\d+) (passed|failed|skipped|errors?|xfailed|xpassed)")


def run(jobs: str, extra: list[str]) -> dict[str, object]:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-n",
        jobs,
        "--durations=20",
        "-p",
        "no:cacheprovider",
        *extra,
    ]
    load_before = os.getloadavg()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    tail = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    counts = {kind: int(n) for n, kind in OUTCOME.findall(tail)}
    slowest = [
        {"seconds": float(s), "phase": phase, "test": test}
        for s, phase, test in DURATION.findall(done.stdout)
    ]
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", done.stdout, re.MULTILINE)
    return {
        "wall_seconds": round(wall, 1),
        "failed": failed,
        "tests": sum(counts.values()),
        "outcomes": counts,
        "exit_code": done.returncode,
        "jobs": jobs,
        "cores": os.cpu_count(),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "slowest": slowest[:20],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", default="auto")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("pytest_args", nargs="*")
    args = parser.parse_args()
    result = run(args.jobs, args.pytest_args)
    if args.json:
        print(json.dumps(result))
        return 0
    minutes, seconds = divmod(float(result["wall_seconds"]), 60)  # type: ignore[arg-type]
    tests, outcomes = result["tests"], result["outcomes"]
    print(f"suite: {int(minutes)} min {seconds:.0f} s wall, {tests} tests {outcomes}")
    cores, jobs = result["cores"], result["jobs"]
    load = f"load before {result['load_before']}, after {result['load_after']}"
    print(f"  {cores} cores, -n {jobs}, {load}")
    for test in result["failed"]:  # type: ignore[union-attr]
        print(f"  FAILED {test}")
    print("  slowest:")
    for row in result["slowest"]:  # type: ignore[union-attr]
        print(f"    {row['seconds']:7.2f} s {row['phase']:<8} {row['test']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
