"""Measure triage on human-labelled data the way production judges: `judge()` on each post.

    python -m tools evaluate [--realdata DIR] [--with-lang] [--no-cv] [--errors N]

Every text becomes a Mention with no language tag and a neutral author (0 followers, no
engagement, not on the watch list) and goes through `chalicelib.triage.judge`, as the
triage handler does: language detection, lexicon, learned layer, complaint rules,
priority. Per data set: precision, recall and F1 of the negative class, and the share of
the set that would page at the default threshold (`should_alert`).

The sets the shipped model was trained on are cross-validated: each fold is judged by a
model fitted without it (same recipe and settings as the shipped one, `tools.train_triage`),
never by a model that saw it. The others are held out (the shipped model never saw them).
`--no-cv` judges every set with the shipped model (quick, optimistic on training sets).
`--with-lang` passes the true language in, as the old figures did.

Data, from REALDATA (default ``../shared/realdata`` beside the repository), never copied:
``sentiment/tweets_GroundTruth.txt``, ``movieReviewSnippets_GroundTruth.txt``,
``nytEditorialSnippets_GroundTruth.txt`` (ID<TAB>mean rating<TAB>text; negative = mean
< 0) and ``dutch/polarity-nl-bol.com.csv`` (bol.com reviews, "-1" = negative; personal
use only: evaluated on, never trained on).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from chalicelib.model import Author, Mention
from chalicelib.triage import DEFAULT_MIN_PRIORITY, judge, should_alert
from chalicelib.triage.model import LinearModel, ModelSource, shipped

REPO_ROOT = Path(__file__).resolve().parents[1]
ENGLISH_TWEETS = "sentiment/tweets_GroundTruth.txt"
MOVIE_SNIPPETS = "sentiment/movieReviewSnippets_GroundTruth.txt"
NYT_SNIPPETS = "sentiment/nytEditorialSnippets_GroundTruth.txt"
DUTCH_REVIEWS = "dutch/polarity-nl-bol.com.csv"
_STAMP = "2026-11-23T08:00:00Z"  # any fixed moment: no `now`, so no staleness discount


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    negative: bool
    rating: float = 0.0  # the mean human rating where the set has one (-4..4)


@dataclass(frozen=True, slots=True)
class DataSet:
    name: str
    path: str  # relative to REALDATA
    lang: str  # the true language (for --with-lang)
    read: Callable[[Path], Iterator[Example]]


@dataclass(frozen=True, slots=True)
class Scores:
    true_pos: int
    false_pos: int
    false_neg: int
    true_neg: int
    paged: int = 0  # texts that would page at the default threshold

    @property
    def count(self) -> int:
        return self.true_pos + self.false_pos + self.false_neg + self.true_neg

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

    @property
    def page_share(self) -> float:
        return self.paged / self.count if self.count else 0.0

    @property
    def all_negative_f1(self) -> float:
        """The baseline "call everything negative": precision = the share of negatives,
        recall 1, so F1 = 2p / (1 + p)."""
        share = (self.true_pos + self.false_neg) / self.count if self.count else 0.0
        return 2 * share / (1 + share) if share else 0.0


@dataclass(frozen=True, slots=True)
class Result:
    scores: Scores
    errors: list[tuple[Example, bool]]
    method: str  # "cv 5-fold" or "held out"


def realdata_dir(env: dict[str, str] | None = None) -> Path:
    env = dict(os.environ) if env is None else env
    return Path(env.get("REALDATA") or REPO_ROOT.parent / "shared" / "realdata")


def read_tweets(path: Path) -> Iterator[Example]:
    """VADER's ground truth: ID<TAB>mean<TAB>text, CRLF, mean < 0 is negative."""
    with path.open(encoding="utf-8", errors="replace", newline="") as lines:
        for line in lines:
            parts = line.rstrip("\r\n").split("\t", 2)
            if len(parts) == 3:
                rating = float(parts[1])
                yield Example(parts[2], rating < 0, rating)


def read_reviews(path: Path) -> Iterator[Example]:
    """pattern's bol.com reviews: "score","text" with score "-1" or "1"."""
    with path.open(encoding="utf-8", newline="") as rows:
        for row in csv.reader(rows):
            if len(row) == 2:
                negative = row[0].strip() == "-1"
                yield Example(row[1], negative, -1.0 if negative else 1.0)


DATASETS = (
    DataSet("english tweets", ENGLISH_TWEETS, "en", read_tweets),
    DataSet("movie snippets", MOVIE_SNIPPETS, "en", read_tweets),
    DataSet("nyt snippets", NYT_SNIPPETS, "en", read_tweets),
    DataSet("dutch reviews", DUTCH_REVIEWS, "nl", read_reviews),
)


def as_mention(index: int, text: str, lang: str | None = None) -> Mention:
    """A post as intake would queue it: no tag unless given, a neutral author."""
    return Mention(
        source="eval",
        native_id=str(index),
        url="",
        author=Author(id="eval", handle="eval"),
        text=text,
        created_at=_STAMP,
        received_at=_STAMP,
        lang=lang,
    )


def score_negative(
    examples: Iterable[Example], is_negative: Callable[[int, str], tuple[bool, bool]]
) -> tuple[Scores, list[tuple[Example, bool]]]:
    """Count the negative class; `is_negative(i, text)` says (negative, would page)."""
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    paged = 0
    errors: list[tuple[Example, bool]] = []
    for i, example in enumerate(examples):
        said, pages = is_negative(i, example.text)
        paged += pages
        key = ("t" if said == example.negative else "f") + ("p" if said else "n")
        counts[key] += 1
        if said != example.negative:
            errors.append((example, said))
    scores = Scores(counts["tp"], counts["fp"], counts["fn"], counts["tn"], paged)
    return scores, errors


def production_judge(
    models_for: Callable[[int], ModelSource], lang_for: Callable[[str], str | None]
) -> Callable[[int, str], tuple[bool, bool]]:
    """The production path for text `i`: judge() with the models that may see it."""

    def run(i: int, text: str) -> tuple[bool, bool]:
        judged = judge(as_mention(i, text, lang_for(text)), models=models_for(i))
        return judged.is_negative, should_alert(judged, min_priority=DEFAULT_MIN_PRIORITY)

    return run


def trained_on(lang: str) -> tuple[str, ...]:
    """The data sets (relative paths) the shipped model for `lang` was fitted on."""
    model = shipped(lang)
    if model is None:
        return ()
    return tuple(model.params.get("trained_on", "").split(","))


def cv_models(root: Path, lang: str) -> dict[str, list[LinearModel]]:
    """For each training set: per text, the fold model that never saw it (see train_triage)."""
    from tools import train_triage

    model = shipped(lang)
    assert model is not None
    return train_triage.fold_models_by_set(root, train_triage.Settings.of(model))


def evaluate(
    root: Path, *, with_lang: bool = False, cross_validate: bool = True
) -> dict[str, Result]:
    """Results per data set found under `root` (absent files are left out)."""
    results: dict[str, Result] = {}
    folds: dict[str, dict[str, list[LinearModel]]] = {}
    for data in DATASETS:
        path = root / data.path
        if not path.is_file():
            continue
        examples = list(data.read(path))
        models_for: Callable[[int], ModelSource] = lambda _i: shipped  # noqa: E731
        method = "held out"
        training = trained_on(data.lang)
        complete = all((root / relative).is_file() for relative in training)
        if cross_validate and data.path in training and complete:
            if data.lang not in folds:
                folds[data.lang] = cv_models(root, data.lang)
            per_text = folds[data.lang][data.path]
            models_for = _fold_source(per_text, data.lang)
            method = f"cv {_fold_count(per_text)}-fold"
        elif data.path in training:
            method = "shipped model, trained on it: not a fair figure"
        true_lang = data.lang if with_lang else None

        def tag(_text: str, lang: str | None = true_lang) -> str | None:
            return lang

        scores, errors = score_negative(examples, production_judge(models_for, tag))
        results[data.name] = Result(scores, errors, method)
    return results


def _fold_count(per_text: Sequence[LinearModel]) -> int:
    return len({id(model) for model in per_text})


def _fold_source(per_text: Sequence[LinearModel], lang: str) -> Callable[[int], ModelSource]:
    def models_for(i: int) -> ModelSource:
        model = per_text[i]
        return lambda wanted: model if wanted == lang else shipped(wanted)

    return models_for


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools evaluate", description=__doc__)
    parser.add_argument("--realdata", type=Path, default=None, help="default: $REALDATA")
    parser.add_argument("--with-lang", action="store_true", help="pass the true language in")
    parser.add_argument(
        "--no-cv", action="store_true", help="judge training sets with the shipped model"
    )
    parser.add_argument("--errors", type=int, default=0, help="print N misjudged examples")
    args = parser.parse_args(argv)
    root = args.realdata or realdata_dir()
    results = evaluate(root, with_lang=args.with_lang, cross_validate=not args.no_cv)
    if not results:
        print(f"no labelled data under {root}", file=sys.stderr)
        return 1
    path = "true language passed in (--with-lang)" if args.with_lang else "no language tag"
    print(f"production path: judge(), {path}, neutral author, page = priority >= "
          f"{DEFAULT_MIN_PRIORITY:g}")  # fmt: skip
    print(
        f"{'data set':<16} {'n':>6} {'precision':>9} {'recall':>7} {'F1':>7} {'pages':>7}"
        f" {'all-neg F1':>10}  figure (negative class)"
    )
    for name, result in results.items():
        s = result.scores
        print(
            f"{name:<16} {s.count:>6} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>7.4f}"
            f" {s.page_share:>6.1%} {s.all_negative_f1:>10.4f}  {result.method}"
        )
        for example, said in result.errors[: args.errors]:
            verdict = "false alarm" if said else "missed"
            print(f"    {verdict}: {example.text[:160]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
