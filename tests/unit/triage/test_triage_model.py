"""The learned layer: a sparse dot product in pure Python, read lazily, reproducible."""

from __future__ import annotations

import importlib.util
import math
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.triage import model as model_module
from chalicelib.triage.features import featurise, marks, token_features, tokens
from chalicelib.triage.model import Blend, LinearModel, dumps, loads, path_for, shipped
from chalicelib.triage.sentiment import assess
from tests.conftest import ROOT, realdata_dir

TOY = LinearModel(
    "en",
    {
        "w:slow": 1.5, "c:<sl": 0.25, "b:so slow": 0.75, "w:great": -2.0, "f:link": -0.4,
        "f:words<=3": 0.3, "f:repeated-mark": 0.2, "z:weak": 0.6, "z:zero": 0.1,
        "zf:link": -0.7, "zf:words<=3": -0.2,
    },
    bias=-0.5,
    blend=Blend(0.1, 1.0, 0.05, 0.4),
    params={"c": "4"},
)  # fmt: skip


@pytest.mark.parametrize("lexicon", [0.0, 0.02, -0.3])
def test_the_scorer_equals_the_dot_product_with_the_training_features(lexicon: float) -> None:
    for text in ("so slow today", "great, just great", "", "SLOW slow slow!!", "héél traag 😡",
                 "so slow http://example.com/x", "@shop so slow"):  # fmt: skip
        features = featurise(text, lexicon, TOY.blend.weak_below)
        expected = TOY.bias + sum(TOY.weights.get(name, 0.0) * v for name, v in features.items())
        assert math.isclose(TOY.logit(text, lexicon), expected, abs_tol=1e-12), text


def test_a_post_s_marks_count_one_each_whatever_its_length() -> None:
    assert marks("Pizza time.", tokens("Pizza time.")) == ["f:words<=3"]
    text = "omg @shop still down?? http://t.co/x #fail :("
    assert marks(text, tokens(text)) == [
        "f:link", "f:handle", "f:hashtag", "f:words<=7", "f:lower", "f:no-end-mark",
        "f:emoticon", "f:repeated-mark",
    ]  # fmt: skip
    long = "It is " + "very " * 40 + "long."
    assert marks(long, tokens(long)) == ["f:words>30"]
    features = featurise("Pizza time.", 0.0, 0.1)
    assert features["f:words<=3"] == 1.0 and features["w:pizza"] < 1.0


def test_where_the_lexicon_is_weak_the_marks_count_again_as_weak_region_marks() -> None:
    # GIVEN a post the lexicon scores 0 (nothing found), 0.05 (next to nothing), 0.5
    weak = featurise("Pizza time.", 0.0, 0.1)
    faint = featurise("Pizza time.", 0.05, 0.1)
    strong = featurise("Pizza time.", 0.5, 0.1)
    # THEN only the weak ones carry z: marks, and only the 0 one z:zero
    assert {n for n in weak if n.startswith("z")} == {"z:weak", "z:zero", "zf:words<=3"}
    assert {n for n in faint if n.startswith("z")} == {"z:weak", "zf:words<=3"}
    assert not any(n.startswith("z") for n in strong)
    # AND the scorer adds their weights only there
    assert TOY.logit("Pizza time.", 0.0) - TOY.logit("Pizza time.", 0.5) == pytest.approx(
        0.6 + 0.1 - 0.2
    )


def test_a_word_emits_itself_and_its_boundary_marked_character_grams() -> None:
    assert token_features("top") == ("w:top", "c:<to", "c:top", "c:op>", "c:<top", "c:top>",
                                     "c:<top>")  # fmt: skip


def test_a_sure_model_moves_a_neutral_text_and_an_unsure_one_does_not() -> None:
    blend = Blend(share=0.0, weak_share=1.0, weak_below=0.05, margin=0.4)
    assert blend.combine(0.0, 0.95) < -0.5  # the lexicon found nothing, the model is sure
    assert blend.combine(0.0, 0.6) == 0.0  # |1 - 2p| = 0.2 is inside the margin
    assert blend.combine(0.7, 0.95) == 0.7  # a confident lexicon keeps its say


def test_an_unsure_model_leaves_a_faint_lexicon_score_as_it_is() -> None:
    blend = Blend(share=0.1, weak_share=1.0, weak_below=0.1, margin=0.4)
    assert blend.combine(0.06, 0.55) == 0.06  # a faint lexicon score is not zeroed
    assert blend.combine(-0.06, 0.45) == -0.06
    assert blend.combine(-0.6, 0.45) == 0.9 * -0.6  # where it nudges, it counts as 0
    assert blend.combine(0.06, 0.95) < -0.5  # a sure model still decides


def test_an_unsure_model_does_not_open_a_faintly_positive_text_to_the_negation_lean() -> None:
    # GIVEN a text VADER finds faintly positive (0.077) that holds a "not", and a model
    # with no opinion (p = 0.5)
    text = "I did not know the shop was open on Sundays, pls tell me more"
    unsure = LinearModel("en", {}, bias=0.0, blend=Blend(0.1, 1.0, 0.1, 0.4))
    # WHEN it is judged THEN the lexicon's score stands: not negative
    sentiment = assess(text, "en", models=lambda lang: unsure if lang == "en" else None).sentiment
    assert sentiment.score == 0.0772 and sentiment.label == "positive"


def test_a_negation_that_does_not_complain_is_no_ground_for_the_model_to_call_a_post_negative() -> (
    None
):
    # GIVEN a model sure of "negative" wherever the lexicon finds nothing
    sure = LinearModel("en", {"z:weak": 5.0}, bias=0.0, blend=Blend(0.0, 1.0, 0.1, 0.4))
    models = lambda lang: sure if lang == "en" else None  # noqa: E731
    # WHEN it reads posts VADER finds nothing in THEN it decides them...
    assert assess("Pizza time again", "en", models=models).sentiment.label == "negative"
    # ...unless its only negation is an eager "can't wait"
    for text in ("Can't wait to try it", "cannot wait for the weekend"):
        assert assess(text, "en", models=models).sentiment.label != "negative", text


class _Counting(LinearModel):
    __slots__ = ("calls",)

    def negative_probability(self, text: str, lexicon: float) -> float:
        self.calls += 1
        return super().negative_probability(text, lexicon)


def test_where_the_model_has_no_share_it_runs_only_for_a_negative_post_s_reason() -> None:
    # GIVEN a model with no share where the lexicon is clear (the shipped blend)
    model = _Counting("en", {"w:awful": 2.0}, bias=0.0, blend=Blend(0.0, 1.0, 0.1, 0.4))
    model.calls = 0
    models = lambda lang: model if lang == "en" else None  # noqa: E731
    # WHEN a clearly positive post is judged THEN the model does not run
    assert assess("What a lovely, helpful team", "en", models=models).model_negative is None
    assert model.calls == 0
    # WHEN a clearly negative one is THEN it runs once, for the reason "model: …"
    judged = assess("What an awful, useless team", "en", models=models)
    assert judged.sentiment.label == "negative" and judged.model_negative is not None
    assert model.calls == 1


def test_the_file_format_round_trips_and_is_deterministic() -> None:
    text = dumps(TOY, ["a comment"])
    again = loads(text)
    assert dumps(again, ["a comment"]) == text
    assert again.blend == TOY.blend and again.params == {"c": "4"}
    assert math.isclose(again.logit("so slow", 0.0), TOY.logit("so slow", 0.0), abs_tol=1e-3)


def test_the_shipped_model_is_small_and_read_only_on_first_use() -> None:
    assert path_for("en").stat().st_size <= 1_000_000
    assert shipped("nl") is None  # no Dutch layer: see docs/triage.md
    code = (
        "import sys, chalicelib.triage as t; from chalicelib.triage import model; "
        "print(model.shipped.cache_info().currsize, 'vaderSentiment' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["0", "False"]


def test_the_runtime_needs_neither_numpy_nor_scikit_learn() -> None:
    code = (
        "import sys; from chalicelib.triage import classify; classify('so slow', 'en'); "
        "print(sorted(m for m in ('numpy', 'sklearn', 'scipy') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
    assert "numpy" not in (ROOT / "requirements.txt").read_text()


needs_training = pytest.mark.skipif(
    importlib.util.find_spec("sklearn") is None
    or not (realdata_dir() / "sentiment" / "tweets_GroundTruth.txt").is_file(),
    reason="re-training needs scikit-learn (requirements-dev.lock) and ../shared/realdata",
)


@needs_training
def test_a_refit_judges_every_labelled_text_as_the_shipped_weights_do() -> None:
    # one fit with the settings in the shipped file's header (the search that chose them
    # is `python -m tools.train_triage`, minutes rather than seconds). Not byte for byte:
    # another CPU's BLAS ends the fit a few 1e-7 away (docs/triage.md), which can cross a
    # rounding step of the file. What a user depends on: the same label and band on every
    # labelled text, and every weight within one unit of the file.
    from tools import train_triage

    shipped_model = shipped("en")
    assert shipped_model is not None
    corpus = train_triage.load(realdata_dir())
    settings = train_triage.Settings.of(shipped_model)
    refit = train_triage.as_written(train_triage.fit(corpus, settings))
    assert train_triage.weights_off(shipped_model, refit) == []
    texts = train_triage.labelled_texts(realdata_dir())
    assert len(texts) == 4200 + 10605 + 5190 + 1500
    assert train_triage.judged_differently(shipped_model, refit, texts) == []


def _perturbed(tmp_path: Path, line: str, replacement: str) -> LinearModel:
    text = path_for("en").read_text(encoding="utf-8")
    assert f"\n{line}\n" in text
    changed = tmp_path / "model-en.tsv"
    changed.write_text(text.replace(f"\n{line}\n", f"\n{replacement}\n"), encoding="utf-8")
    return loads(changed.read_text(encoding="utf-8"))


def test_the_reproduction_check_fails_on_a_weight_two_units_off(tmp_path: Path) -> None:
    from tools import train_triage

    shipped_model = shipped("en")
    assert shipped_model is not None
    # GIVEN the shipped file with one weight moved by one unit, and one by two
    one = _perturbed(tmp_path, "b:000 a\t410", "b:000 a\t411")
    two = _perturbed(tmp_path, "b:000 a\t410", "b:000 a\t412")
    # THEN one unit is within the tolerance and two are not, named with both values
    assert train_triage.weights_off(shipped_model, one) == []
    assert train_triage.weights_off(shipped_model, two) == [
        ("b:000 a", pytest.approx(0.41), pytest.approx(0.412))
    ]
    # AND a weight the refit pruned away (or kept) counts as 0 on that side
    gone = _perturbed(tmp_path, "b:000 a\t410", "")
    assert train_triage.weights_off(shipped_model, gone) == [("b:000 a", pytest.approx(0.41), 0.0)]


def test_the_reproduction_check_fails_when_a_perturbed_file_judges_otherwise(
    tmp_path: Path,
) -> None:
    from tools import train_triage

    shipped_model = shipped("en")
    assert shipped_model is not None
    bias = f"@bias\t{shipped_model.bias:.4f}"
    pushed = _perturbed(tmp_path, bias, f"@bias\t{shipped_model.bias + 6:.4f}")
    texts = ["Pizza time.", "The delivery was great, thank you!"]
    assert train_triage.weights_off(shipped_model, pushed)[0][0] == "@bias"
    # a chatty text the lexicon finds nothing in is now the model's to call, and it says
    # negative; a clearly positive one stays positive
    assert train_triage.judged_differently(shipped_model, pushed, texts) == [
        ("Pizza time.", ("neutral", "board"), ("negative", "board"))
    ]


def test_the_model_module_reads_no_file_at_import() -> None:
    assert model_module.shipped.__wrapped__ is not None  # lru_cache: a function, not data
