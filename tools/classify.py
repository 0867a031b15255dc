"""`python -m tools classify`: judge JSON lines from stdin, one JSON line out per input.

    echo '{"text": "al drie dagen storing"}' | python -m tools classify

Input lines: {"text": ..., "lang": optional, "followers": optional, "author": optional}.
Output lines: {"label", "score", "lang", "priority", "alert", "reasons", "themes", "text"}.
A line that is not valid JSON, or has no text, gives {"error": ...} and exit status 1
once all lines are done.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from chalicelib.triage import DEFAULT_MIN_PRIORITY, classify, should_alert


def classify_line(line: str, *, watchlist: frozenset[str], min_priority: float) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"error": f"not JSON: {exc.msg}"}
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return {"error": 'expected an object with a "text" string'}
    mention = classify(
        record["text"],
        record.get("lang") or None,
        followers=int(record.get("followers") or 0),
        author=str(record.get("author") or "cli"),
        watchlist=watchlist,
    )
    sentiment = mention.sentiment
    assert sentiment is not None
    return {
        "label": sentiment.label,
        "need": sentiment.need,
        "score": sentiment.score,
        "lang": mention.lang,
        "priority": mention.priority,
        "alert": should_alert(mention, min_priority=min_priority),
        "reasons": list(mention.reasons),
        "themes": list(mention.themes),
        "analyzer": sentiment.analyzer,
        "text": mention.text,
    }


def run(
    lines: Iterable[str], out: TextIO, *, watchlist: frozenset[str], min_priority: float
) -> int:
    status = 0
    for line in lines:
        if not line.strip():
            continue
        result = classify_line(line, watchlist=watchlist, min_priority=min_priority)
        status = 1 if "error" in result else status
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools classify",
        description="Judge JSON lines on stdin; write one JSON line per input.",
    )
    parser.add_argument("--watch", action="append", default=[], help="watch-list author handle")
    parser.add_argument("--min-priority", type=float, default=DEFAULT_MIN_PRIORITY)
    args = parser.parse_args(argv)
    return run(
        sys.stdin,
        sys.stdout,
        watchlist=frozenset(args.watch),
        min_priority=args.min_priority,
    )


if __name__ == "__main__":
    raise SystemExit(main())
