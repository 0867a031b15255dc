"""`make demo` keeps working: the whole path on moto ends with its summary line."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_demo_pages_dedups_and_writes_a_digest(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "demo", "--quiet", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["duplicates_dropped"] == 3  # demo/posts.jsonl repeats three posts
    assert summary["mentions"] == 20  # 19 posts by webhook, one App Store review polled
    assert 0 < summary["negative"] < summary["mentions"]
    assert 0 < summary["alerts"] <= summary["negative"]
    assert summary["pages"] > 0
    # the one-star App Store review, read by the App Store poller, pages the manager on duty
    lines = (tmp_path / "pages.jsonl").read_text(encoding="utf-8").splitlines()
    pages = [json.loads(line) for line in lines if line.strip()]
    review = "alert:app_store:00000031-d3e4-0014-729e-fbd5demo0001"
    assert any(p["alert_id"] == review and p["recipient"] == "sanne" for p in pages)
    html = (tmp_path / "digest.html").read_text(encoding="utf-8")
    assert "Voltera" in html and "storing" in html
    assert (tmp_path / "digest.txt").read_text(encoding="utf-8").strip()
