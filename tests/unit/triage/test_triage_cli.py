"""`python -m tools classify`: JSON lines in, one JSON line out per input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from tools.classify import run

ROOT = Path(__file__).resolve().parents[3]


def classify_lines(*lines: str) -> tuple[int, list[dict]]:
    out = io.StringIO()
    status = run(lines, out, watchlist=frozenset(), min_priority=25)
    return status, [json.loads(line) for line in out.getvalue().splitlines()]


def test_each_input_line_gives_one_output_line_with_the_promised_fields() -> None:
    status, results = classify_lines(
        '{"text": "al drie dagen storing"}\n', '{"text": "Thanks, great job!", "lang": "en"}\n'
    )
    assert status == 0
    assert [r["label"] for r in results] == ["negative", "positive"]
    assert [r["lang"] for r in results] == ["nl", "en"]
    for result in results:
        assert {"label", "score", "lang", "priority", "reasons"} <= result.keys()
    assert "urgency: outage" in results[0]["reasons"]


def test_blank_lines_are_skipped_and_bad_lines_reported() -> None:
    status, results = classify_lines("\n", "not json\n", '{"no": "text"}\n')
    assert status == 1
    assert [sorted(r) for r in results] == [["error"], ["error"]]


def test_the_module_command_works_end_to_end() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "tools", "classify"],
        input='{"text": "still waiting for my refund", "followers": 5000}\n',
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    result = json.loads(completed.stdout)
    assert result["label"] == "negative" and result["alert"] is True
    assert "reach: 5.0k followers" in result["reasons"]


def test_importing_triage_loads_no_lexicon() -> None:
    code = (
        "import sys, chalicelib.triage, tools.classify; "
        "from chalicelib.triage import dutch, english; "
        "print(any(m.startswith('vaderSentiment') for m in sys.modules), "
        "dutch.lexicon.cache_info().currsize, english.analyzer.cache_info().currsize)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert completed.stdout.strip() == "False 0 0"
