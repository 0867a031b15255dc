"""The evaluation command reads both labelled formats and counts the negative class right."""

from __future__ import annotations

from pathlib import Path

from chalicelib.triage.evaluate import Example, main, read_reviews, read_tweets, score_negative


def test_tweets_are_read_from_tab_separated_crlf_lines(tmp_path: Path) -> None:
    path = tmp_path / "tweets.txt"
    path.write_bytes(b"1\t2.5\tLovely day\r\n2\t-1.2\tAwful, awful day\r\n3\t0.0\tA day\r\n")
    assert list(read_tweets(path)) == [
        Example("Lovely day", False),
        Example("Awful, awful day", True),
        Example("A day", False),
    ]


def test_reviews_are_read_from_quoted_csv(tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv"
    path.write_text('"-1","Saai. Het ""verhaal"" sleept"\n"1","Mooi boek"\n', encoding="utf-8")
    assert list(read_reviews(path)) == [
        Example('Saai. Het "verhaal" sleept', True),
        Example("Mooi boek", False),
    ]


def test_precision_recall_and_f1_of_the_negative_class() -> None:
    examples = [Example("a", True), Example("b", True), Example("c", False), Example("d", False)]
    said = {"a": True, "b": False, "c": True, "d": False}
    scores, errors = score_negative(examples, said.__getitem__)
    assert (scores.precision, scores.recall, scores.f1) == (0.5, 0.5, 0.5)
    assert [example.text for example, _ in errors] == ["b", "c"]


def test_the_command_prints_one_row_per_data_set_found(tmp_path: Path, capsys) -> None:
    (tmp_path / "sentiment").mkdir()
    (tmp_path / "sentiment" / "tweets_GroundTruth.txt").write_text(
        "1\t-2\tThis is terrible\r\n2\t2\tThis is wonderful\r\n", encoding="utf-8"
    )
    assert main(["--realdata", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "english tweets" in out and "dutch reviews" not in out
    assert "1.000" in out


def test_the_command_fails_when_no_data_is_found(tmp_path: Path) -> None:
    assert main(["--realdata", str(tmp_path)]) == 1
