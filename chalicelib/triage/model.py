"""The learned layer at run time: a logistic regression scored as a sparse dot product.

    p(negative) = sigmoid(bias + (sum of the weights of the text's marks)
                               + (sum of the weights of the n-grams the text emits)
                                 / sqrt(number of n-grams it emits))

The marks (`features.marks`: a link, a handle, the length band…, and where the lexicon
score is weak, the weak-region marks) need the lexicon's score, so `assess` passes it in.

The weights were fitted offline (`tools/train_triage.py`) on the features of
`features.py` and ship as a small text file per language (`data/model-<lang>.tsv`),
read on first use and kept for the process: importing this module reads nothing, and
no numpy or scikit-learn is needed here. A word's summed weight (the word and its
character n-grams) is cached and pairs are keyed by (word, word), so a text costs about
one dict look-up per word and per pair of words, and a few for its marks.
A language without a file has no learned layer (`shipped` says None).

File format (UTF-8, deterministic, written by `dumps`): `#` comment lines, then
`@name<TAB>value` parameters (`bias`; `blend`, `blend_weak`, `weak_below` and `margin`
of `Blend`; the training settings and provenance), then one `feature<TAB>weight` line
per feature, sorted, weights as integers in units of 1e-3 and the bias to 4 decimals: a
precision that a refit on another CPU reproduces (docs/triage.md, "Reproducing the weights").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise, repeat
from pathlib import Path

from .features import marks, token_features, tokens, weak_marks

DATA = Path(__file__).with_name("data")
WEIGHT_UNIT = 1e-3  # weights are stored as integers in this unit (see docs/triage.md)
_CACHE_LIMIT = 100_000  # distinct words whose summed weight a model remembers


@dataclass(frozen=True, slots=True)
class Blend:
    """How the model's score and the lexicon's make the combined score (see `combine`)."""

    share: float  # the model's share where the lexicon found something
    weak_share: float  # its share where the lexicon's |score| < weak_below
    weak_below: float
    margin: float = 0.0  # the model says nothing until |1 - 2p| exceeds this

    def weak(self, lexicon: float) -> bool:
        """The lexicon found next to nothing: where the model decides alone."""
        return abs(lexicon) < self.weak_below

    def combine(self, lexicon: float, negative_probability: float) -> float:
        """(1 - s) * lexicon + s * m: s by the lexicon's strength, m = 1 - 2p past the margin
        (rescaled to [-1, 1]). An unsure model (|1 - 2p| within the margin) counts as 0
        where it nudges; where it would decide (|lexicon| < weak_below) it leaves the
        lexicon's faint score standing, so a neutral text stays neutral and a faintly
        positive one is not zeroed (which opened it to the negation lean)."""
        weak = self.weak(lexicon)
        said = 1 - 2 * negative_probability
        if abs(said) <= self.margin:
            return lexicon if weak else (1 - self.share) * lexicon
        share = self.weak_share if weak else self.share
        said = math.copysign((abs(said) - self.margin) / (1 - self.margin), said)
        return (1 - share) * lexicon + share * said


class LinearModel:
    """A fitted model for one language: weights by feature name, a bias and its blend share."""

    __slots__ = ("_count_of", "_pairs", "_weight_of", "bias", "blend", "lang", "params", "weights")

    def __init__(
        self,
        lang: str,
        weights: Mapping[str, float],
        bias: float,
        blend: Blend,
        params: Mapping[str, str] | None = None,
    ) -> None:
        self.lang = lang
        self.weights = dict(weights)
        self.bias = bias
        self.blend = blend
        self.params = dict(params or {})  # the rest of the header (provenance, settings)
        self._weight_of: dict[str, float] = {}  # word -> summed weight of its features
        self._count_of: dict[str, int] = {}  # word -> number of features it emits
        self._pairs = _pair_index(self.weights)

    def with_blend(self, blend: Blend) -> LinearModel:
        """The same weights combined another way (sharing the weights, not the cache);
        the weak-region marks follow the new blend's `weak_below`, so training keeps it."""
        twin = LinearModel(self.lang, {}, self.bias, blend, self.params)
        twin.weights = self.weights
        twin._pairs = self._pairs
        return twin

    def _word(self, token: str) -> tuple[float, int]:
        """(summed weight, number of features) of one word, cached."""
        weight = self._weight_of.get(token)
        if weight is not None:
            return weight, self._count_of[token]
        names = token_features(token)
        get = self.weights.get
        found = (sum(get(name, 0.0) for name in names), len(names))
        if len(self._weight_of) < _CACHE_LIMIT:
            self._weight_of[token], self._count_of[token] = found
        return found

    def logit(self, text: str, lexicon: float) -> float:
        """The log-odds of negative for `text`, whose lexicon score is `lexicon`."""
        found = tokens(text)
        marked = self.bias + self._marked(text, found, lexicon)
        if not found:
            return marked
        try:  # every word seen before: C-level sums over the per-word caches
            total = sum(map(self._weight_of.__getitem__, found), 0.0)
            count = sum(map(self._count_of.__getitem__, found))
        except KeyError:  # a new word (or the caches are full): word by word
            return marked + self._slow_sum(found)
        count += len(found) - 1  # one pair feature per neighbouring pair
        # the pairs after the words, as featurise() sums them
        total = sum(map(self._pairs.get, pairwise(found), repeat(0.0)), total)
        return marked + total / math.sqrt(count)

    def _marked(self, text: str, found: tuple[str, ...], lexicon: float) -> float:
        """The summed weight of the text's marks (and, where the lexicon is weak, of
        its weak-region marks): they count 1 each, whatever the text's length."""
        get = self.weights.get
        text_marks = marks(text, found)
        total = sum(map(get, text_marks, repeat(0.0)), 0.0)
        if self.blend.weak(lexicon):
            total = sum(map(get, weak_marks(text_marks, lexicon), repeat(0.0)), total)
        return total

    def _slow_sum(self, found: tuple[str, ...]) -> float:
        """The words' and pairs' part of the logit, word by word, filling the caches."""
        total = 0.0
        count = len(found) - 1
        for token in found:
            weight, emitted = self._word(token)
            total += weight
            count += emitted
        total = sum(map(self._pairs.get, pairwise(found), repeat(0.0)), total)
        return total / math.sqrt(count)

    def negative_probability(self, text: str, lexicon: float) -> float:
        """p(negative) of `text`, whose lexicon score is `lexicon` (see `features`)."""
        z = self.logit(text, lexicon)
        if z < -30:
            return 0.0
        return 1 / (1 + math.exp(-z))


def _pair_index(weights: Mapping[str, float]) -> dict[tuple[str, str], float]:
    """The word-pair weights keyed by (first word, second word): a pair costs one look-up
    of a 2-tuple of strings whose hashes are cached, instead of building its feature name
    (and tuples of strings cost the garbage collector nothing, unlike a dict per word)."""
    index: dict[tuple[str, str], float] = {}
    for name, weight in weights.items():
        if name.startswith("b:"):
            first, _, second = name[2:].partition(" ")
            index[first, second] = weight
    return index


def dumps(model: LinearModel, comments: Iterable[str] = ()) -> str:
    """The model as its file text: the same model always gives the same bytes."""
    lines = [f"# {line}".rstrip() for line in comments]
    params = {"lang": model.lang, **model.params}
    params["bias"] = f"{model.bias:.4f}"
    params["blend"] = f"{model.blend.share:.4f}"
    params["blend_weak"] = f"{model.blend.weak_share:.4f}"
    params["weak_below"] = f"{model.blend.weak_below:.4f}"
    params["margin"] = f"{model.blend.margin:.4f}"
    lines += [f"@{name}\t{value}" for name, value in sorted(params.items())]
    for name in sorted(model.weights):
        units = round(model.weights[name] / WEIGHT_UNIT)
        if units:
            lines.append(f"{name}\t{units}")
    return "\n".join(lines) + "\n"


def loads(text: str) -> LinearModel:
    """Parse what `dumps` wrote."""
    params: dict[str, str] = {}
    weights: dict[str, float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, value = line.rpartition("\t")
        if line.startswith("@"):
            params[name[1:]] = value
        else:
            weights[name] = int(value) * WEIGHT_UNIT
    lang = params.pop("lang")
    bias = float(params.pop("bias"))
    blend = Blend(
        float(params.pop("blend")),
        float(params.pop("blend_weak")),
        float(params.pop("weak_below")),
        float(params.pop("margin")),
    )
    return LinearModel(lang, weights, bias, blend, params)


def path_for(lang: str) -> Path:
    return DATA / f"model-{lang}.tsv"


@lru_cache(maxsize=4)
def shipped(lang: str) -> LinearModel | None:
    """The shipped model for `lang`, read on first use; None when there is none."""
    path = path_for(lang)
    if not path.is_file():
        return None
    return loads(path.read_text(encoding="utf-8"))


# where assess() gets a language's model: the shipped files, or (evaluation) fold models
ModelSource = Callable[[str], LinearModel | None]
