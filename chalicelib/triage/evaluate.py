"""Measure sentiment on human-labelled data: precision, recall and F1 of "negative".

    python -m chalicelib evaluate [--realdata DIR] [--errors N]

Reads, from REALDATA (default ``../shared/realdata`` beside the repository):
``sentiment/tweets_GroundTruth.txt`` (English tweets, ID<TAB>mean rating<TAB>text;
negative = mean < 0) and ``dutch/polarity-nl-bol.com.csv`` (Dutch book reviews,
"-1" = negative). The data stays where it is: nothing is copied into the project.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .sentiment import assess

REPO_ROOT = Path(__file__).resolve().parents[2]
ENGLISH_TWEETS = "sentiment/tweets_GroundTruth.txt"
DUTCH_REVIEWS = "dutch/polarity-nl-bol.com.csv"


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    negative: bool


@dataclass(frozen=True, slots=True)
class Scores:
    true_pos: int
    false_pos: int
    false_neg: int
    true_neg: int

    @property
    def precision(self) -> float:
        found = self.true_pos + self.false_pos
        return self.true_pos / found if found else 0.0

    @property
    def recall(self) -> float:
        actual = self.true_pos + self.false_neg
        return self.true_pos / actual if actual else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def realdata_dir(env: dict[str, str] | None = None) -> Path:
    env = dict(os.environ) if env is None else env
    return Path(env.get("REALDATA") or REPO_ROOT.parent / "shared" / "realdata")


def read_tweets(path: Path) -> Iterator[Example]:
    """VADER's tweet ground truth: ID<TAB>mean<TAB>text, CRLF, mean < 0 is negative."""
    with path.open(encoding="utf-8", errors="replace", newline="") as lines:
        for line in lines:
            parts = line.rstrip("\r\n").split("\t", 2)
            if len(parts) == 3:
                yield Example(parts[2], float(parts[1]) < 0)


def read_reviews(path: Path) -> Iterator[Example]:
    """pattern's bol.com reviews: "score","text" with score "-1" or "1"."""
    with path.open(encoding="utf-8", newline="") as rows:
        for row in csv.reader(rows):
            if len(row) == 2:
                yield Example(row[1], row[0].strip() == "-1")


def score_negative(
    examples: Iterable[Example], is_negative: Callable[[str], bool]
) -> tuple[Scores, list[tuple[Example, bool]]]:
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    errors: list[tuple[Example, bool]] = []
    for example in examples:
        said = is_negative(example.text)
        key = ("t" if said == example.negative else "f") + ("p" if said else "n")
        counts[key] += 1
        if said != example.negative:
            errors.append((example, said))
    return Scores(counts["tp"], counts["fp"], counts["fn"], counts["tn"]), errors


DATASETS = {
    "english tweets": (ENGLISH_TWEETS, read_tweets, "en"),
    "dutch reviews": (DUTCH_REVIEWS, read_reviews, "nl"),
}


def evaluate(root: Path) -> dict[str, tuple[Scores, list[tuple[Example, bool]], float]]:
    """Scores per data set found under `root` (absent files are left out)."""
    results = {}
    for name, (relative, reader, lang) in DATASETS.items():
        path = root / relative
        if not path.is_file():
            continue
        examples = list(reader(path))
        started = time.perf_counter()
        scores, errors = score_negative(
            examples, lambda text, lang=lang: assess(text, lang).sentiment.label == "negative"
        )
        results[name] = (scores, errors, time.perf_counter() - started)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib evaluate", description=__doc__)
    parser.add_argument("--realdata", type=Path, default=None, help="default: $REALDATA")
    parser.add_argument("--errors", type=int, default=0, help="print N misjudged examples")
    args = parser.parse_args(argv)
    root = args.realdata or realdata_dir()
    results = evaluate(root)
    if not results:
        print(f"no labelled data under {root}", file=sys.stderr)
        return 1
    print(f"{'data set':<16} {'n':>5} {'precision':>9} {'recall':>7} {'F1':>7}  (negative class)")
    for name, (s, errors, seconds) in results.items():
        n = s.true_pos + s.false_pos + s.false_neg + s.true_neg
        print(
            f"{name:<16} {n:>5} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>7.4f}  ({seconds:.1f}s)"
        )
        for example, said in errors[: args.errors]:
            verdict = "false alarm" if said else "missed"
            print(f"    {verdict}: {example.text[:160]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
