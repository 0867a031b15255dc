"""The evaluation command reads the labelled formats and judges them the way production does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.evaluate import (
    Example,
    as_mention,
    evaluate,
    main,
    read_reviews,
    read_tweets,
    score_negative,
)


def test_tweets_are_read_from_tab_separated_crlf_lines(tmp_path: Path) -> None:
    path = tmp_path / "tweets.txt"
    path.write_bytes(b"1\t2.5\tLovely day\r\n2\t-1.2\tAwful, awful day\r\n3\t0.0\tA day\r\n")
    assert list(read_tweets(path)) == [
        Example("Lovely day", False, 2.5),
        Example("Awful, awful day", True, -1.2),
        Example("A day", False, 0.0),
    ]


def test_reviews_are_read_from_quoted_csv(tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv"
    path.write_text('"-1","Saai. Het ""verhaal"" sleept"\n"1","Mooi boek"\n', encoding="utf-8")
    assert [(e.text, e.negative) for e in read_reviews(path)] == [
        ('Saai. Het "verhaal" sleept', True),
        ("Mooi boek", False),
    ]


def test_precision_recall_f1_and_page_share_of_the_negative_class() -> None:
    examples = [Example("a", True), Example("b", True), Example("c", False), Example("d", False)]
    said = {"a": (True, True), "b": (False, False), "c": (True, False), "d": (False, False)}
    scores, errors = score_negative(examples, lambda _i, text: said[text])
    assert (scores.precision, scores.recall, scores.f1) == (0.5, 0.5, 0.5)
    assert scores.page_share == 0.25
    assert [example.text for example, _ in errors] == ["b", "c"]
    # calling all four negative: precision 2/4, recall 1, F1 = 2 * 0.5 / 1.5
    assert scores.all_negative_f1 == pytest.approx(2 / 3)


def test_a_post_is_evaluated_as_intake_queues_it_untagged_from_a_neutral_author() -> None:
    mention = as_mention(7, "still waiting")
    assert mention.lang is None
    assert (mention.author.followers, mention.engagement.likes) == (0, 0)


def _tweets(root: Path, lines: str) -> None:
    (root / "sentiment").mkdir(parents=True, exist_ok=True)
    (root / "sentiment" / "tweets_GroundTruth.txt").write_text(lines, encoding="utf-8")


def test_a_text_the_detector_cannot_place_is_still_judged(tmp_path: Path) -> None:
    # GIVEN one-word posts no language detector can place
    _tweets(tmp_path, "1\t-2.5\tAwful.\r\n2\t-2.8\tHorrible!!\r\n3\t2.9\tLovely :)\r\n")
    # WHEN they are evaluated without a language tag
    scores = evaluate(tmp_path)["english tweets"].scores
    # THEN the negative ones are found, as with the language given
    assert (scores.true_pos, scores.false_neg, scores.false_pos) == (2, 0, 0)


def test_a_set_the_model_was_trained_on_is_not_passed_off_as_held_out(tmp_path: Path) -> None:
    _tweets(tmp_path, "1\t-2\tThis is terrible\r\n2\t2\tThis is wonderful\r\n")
    result = evaluate(tmp_path)["english tweets"]
    # the other training sets are absent here, so no cross-validation is possible
    assert result.method.startswith("shipped model, trained on it")


def test_the_command_prints_one_row_per_data_set_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tweets(tmp_path, "1\t-2\tThis is terrible\r\n2\t2\tThis is wonderful\r\n")
    assert main(["--realdata", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "english tweets" in out and "dutch reviews" not in out
    assert "1.000" in out and "no language tag" in out


def test_with_lang_says_the_language_was_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tweets(tmp_path, "1\t-2\tThis is terrible\r\n")
    assert main(["--realdata", str(tmp_path), "--with-lang"]) == 0
    assert "true language passed in" in capsys.readouterr().out


def test_the_command_fails_when_no_data_is_found(tmp_path: Path) -> None:
    assert main(["--realdata", str(tmp_path)]) == 1
