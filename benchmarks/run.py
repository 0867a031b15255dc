"""What the pipeline costs, the way an AWS bill sees it: one command, five figures.

    .venv/bin/python benchmarks/run.py [--json] [--only NAME ...] [--mentions 1000]

| figure | what | goal |
|---|---|---|
| `triage_vs_vader` | triage throughput / bare VADER throughput, same texts, same run | >= 0.5 |
| `aws_requests_per_1000_mentions` | requests our code makes, intake to stored, on moto | <= 60 |
| `digest_read_units_100k` | DynamoDB read units one digest of a 100k-mention day uses | <= 100 |
| `cold_import_ratio` | `import app` as Lambda runs the zip ÷ `import boto3`, medians | <= 1.0 |
| `package_bytes` | `chalice package --stage prod` deployment zip | <= 10 MB |

`--json` prints ONE JSON object on stdout (figures, goals, details); progress and the
app's logs go to stderr. Not a test: the timings depend on the machine; the request and
read-unit counts and the package size do not.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GOALS: dict[str, tuple[str, float]] = {
    "triage_vs_vader": (">=", 0.5),
    "aws_requests_per_1000_mentions": ("<=", 60),
    "digest_read_units_100k": ("<=", 100),
    "cold_import_ratio": ("<=", 1.0),
    "package_bytes": ("<=", 10 * 1024 * 1024),
}

FALLBACK_TEXTS = [
    "still waiting for my refund",
    "been on hold for 90 minutes, this is ridiculous",
    "Thanks for the quick help, great service!",
    "nog steeds geen reactie op mijn mail",
    "al drie dagen storing in Utrecht #storing",
    "ik zeg mijn abonnement op, klaar mee",
    "Wat een fijne medewerker aan de telefoon, top!",
    "How do I change my address?",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def sample_texts() -> list[str]:
    """The triage benchmark's corpus (labelled real posts when ../shared/realdata is
    there), else a built-in handful."""
    try:
        from benchmarks.triage_bench import texts
    except ImportError:
        return FALLBACK_TEXTS * 200
    return texts()


# ------------------------------------------------------------------------- figures


def triage_vs_vader(texts: list[str], repeat: int = 5) -> dict[str, Any]:
    """Whole `judge` (no language tag) vs bare VADER as shipped: CPU seconds, interleaved
    per slice of texts, best of `repeat` per slice (`benchmarks.triage_bench.interleaved`)."""
    import chalicelib.triage as triage
    from chalicelib.model import Author, Mention

    try:
        from benchmarks.triage_bench import bare_vader, interleaved
    except ImportError:  # as sample_texts(): the bench module is not importable here
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer as bare_vader

        interleaved = _whole_passes
    vader = bare_vader()  # the library as shipped, not triage's faster english.analyzer()
    mentions = [
        Mention(
            source="bench",
            native_id=str(i),
            url="",
            author=Author(id=str(i), handle=f"user{i}", followers=i * 37 % 50_000),
            text=text,
            created_at="2026-11-23T08:00:00Z",
            received_at="2026-11-23T08:00:00Z",
        )
        for i, text in enumerate(texts)
    ]
    for mention in mentions:  # first use loads the lexicons and fills the word caches
        triage.judge(mention)
    vader_best, triage_best = interleaved(
        vader.polarity_scores, triage.judge, texts, mentions, repeat
    )
    return {
        "value": round(vader_best / triage_best, 2),
        "texts": len(texts),
        "vader_per_cpu_s": round(len(texts) / vader_best),
        "triage_per_cpu_s": round(len(texts) / triage_best),
    }


def _whole_passes(
    vader: Callable[[Any], Any], judge: Callable[[Any], Any], texts: list[Any],
    mentions: list[Any], repeat: int,
) -> tuple[float, float]:  # fmt: skip
    vader_best = triage_best = float("inf")
    for _ in range(repeat):
        vader_best = min(vader_best, _cpu_seconds(vader, texts))
        triage_best = min(triage_best, _cpu_seconds(judge, mentions))
    return vader_best, triage_best


def _cpu_seconds(work: Callable[[Any], Any], items: list[Any]) -> float:
    started = time.process_time()
    for item in items:
        work(item)
    return time.process_time() - started


def aws_requests(texts: list[str], mentions: int) -> dict[str, Any]:
    from benchmarks import requests_budget

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # moto: "no CloudFormation support for ...Secret"
        result = requests_budget.measure(texts, mentions=mentions)
    return {"value": result.pop("per_1000"), **result}


def digest_read_units(texts: list[str], *, cross_check: bool = False) -> dict[str, Any]:
    """The digest engineer's `benchmarks/digest_bench.py` (three synthetic 100k-post days
    through every ingest function, loaded into moto, the digest fired) when it is there;
    our own `digest_reads.py` (the state seeded from the corpus) as the cross-check, or as
    the figure when digest_bench is absent or fails."""
    from benchmarks import digest_reads

    out: dict[str, Any] = {}
    if (ROOT / "benchmarks" / "digest_bench.py").is_file():
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.digest_bench", "--no-mentions-table"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=3600,
        )
        try:
            report = json.loads(done.stdout)
            digest = report["digest"]
            out = {
                "value": digest["read_units"],
                "source": "benchmarks/digest_bench.py --no-mentions-table",
                "requests": digest.get("requests"),
                "items_read": digest.get("items_read"),
                "kb_read": digest.get("kb_read"),
                "sent": digest.get("sent"),
                "mentions_on_the_day": report.get("mentions_on_the_day"),
            }
        except (ValueError, KeyError, TypeError):
            out = {"digest_bench_failed": (done.stdout + done.stderr)[-1500:]}
    if "value" in out and not cross_check:
        return out
    own = digest_reads.measure(texts)
    if "value" not in out:
        return {**out, **own, "source": "benchmarks/digest_reads.py"}
    out["cross_check_digest_reads"] = own["value"]
    return out


def cold_import(runs: int) -> dict[str, Any]:
    from benchmarks import cold_start

    result = cold_start.measure(runs)
    return {"value": result.pop("package_ratio"), **result}


def package_bytes() -> dict[str, Any]:
    from benchmarks import packaging

    with tempfile.TemporaryDirectory() as scratch:
        built = packaging.build("prod", Path(scratch) / "prod")
        if not built.ok:
            return {"value": None, "error": built.log[-2000:]}
        report = packaging.zip_report(built.zip_path)
    return {
        "value": report.size,
        "megabytes": round(report.size / 1024 / 1024, 2),
        "files": report.files,
        "missing_dependencies": built.missing_dependencies,
        "runtime_provided_inside": report.forbidden(),
    }


# ------------------------------------------------------------------------- driver


def meets(name: str, value: float | None) -> bool | None:
    if value is None:
        return None
    op, goal = GOALS[name]
    return value >= goal if op == ">=" else value <= goal


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--only", nargs="*", choices=sorted(GOALS), help="just these figures")
    parser.add_argument("--mentions", type=int, default=1000, help="for the request count")
    parser.add_argument("--runs", type=int, default=9, help="import timings per module")
    parser.add_argument(
        "--cross-check",
        action="store_true",
        help="also measure the digest's read units our own way (digest_reads.py, ~1 min)",
    )
    args = parser.parse_args(argv)

    # the app's logs (JSON lines on stderr) at WARNING: progress stays readable
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    wanted = args.only or list(GOALS)
    texts = sample_texts()
    steps: dict[str, Callable[[], dict[str, Any]]] = {
        "triage_vs_vader": lambda: triage_vs_vader(texts),
        "aws_requests_per_1000_mentions": lambda: aws_requests(texts, args.mentions),
        "digest_read_units_100k": lambda: digest_read_units(texts, cross_check=args.cross_check),
        "cold_import_ratio": lambda: cold_import(args.runs),
        "package_bytes": package_bytes,
    }
    figures: dict[str, Any] = {"date": time.strftime("%Y-%m-%d", time.gmtime())}
    details: dict[str, Any] = {}
    for name in GOALS:
        if name not in wanted:
            continue
        log(f"measuring {name} ...")
        started = time.perf_counter()
        # everything the measured code prints goes to stderr: stdout is the JSON line
        with contextlib.redirect_stdout(sys.stderr):
            result = steps[name]()
        value = result.pop("value")
        figures[name] = value
        op, goal = GOALS[name]
        details[name] = {
            "goal": f"{op} {goal}",
            "meets_goal": meets(name, value),
            "seconds": round(time.perf_counter() - started, 1),
            **result,
        }
        log(f"  {name} = {value}  (goal {op} {goal})")
    figures["goals_met"] = all(d["meets_goal"] for d in details.values())
    figures["details"] = details
    if args.json:
        print(json.dumps(figures, separators=(",", ":"), default=str))
    else:
        print(json.dumps(figures, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
