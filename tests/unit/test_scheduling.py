"""How the workers share the suite (tests/scheduling.py): a file is a unit, the browser
tests' files are one unit (they share a served morning per worker), the longest units
start first; run for real on a small suite of its own (pytester, two xdist workers)."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.scheduling import LONGEST_FIRST, rank, unit_of

pytest_plugins = ["pytester"]

WHO = """
import os

def test_{name}():
    with open("ran.txt", "a") as ran:
        ran.write("{name} " + os.environ["PYTEST_XDIST_WORKER"] + "\\n")
"""


def test_a_file_is_a_unit_and_the_browser_folder_is_one() -> None:
    assert unit_of("tests/unit/test_batch.py::test_one[a::b]") == "tests/unit/test_batch.py"
    assert unit_of("tests/unit/triage/test_triage_model.py::test_refit") == (
        "tests/unit/triage/test_triage_model.py"
    )
    assert unit_of("tests/browser/test_night_browser.py::test_night[dark-nl]") == "tests/browser/"
    assert unit_of("tests/browser/test_case_desk_browser.py::test_case") == "tests/browser/"


def test_the_longest_units_rank_first_in_their_order_and_the_rest_after() -> None:
    assert rank("tests/browser/test_incident_browser.py::test_incident") == 0
    assert rank("tests/conformance/test_sentiment_eval.py::test_floor[nyt snippets]") == 1
    assert rank("tests/unit/test_batch.py::test_one") == len(LONGEST_FIRST)
    assert rank("tests/functional/test_alerting_day.py::test_monday") == len(LONGEST_FIRST)


def test_every_unit_named_longest_is_in_the_suite() -> None:
    # a file renamed or gone would silently start in collection order
    assert [unit for unit in LONGEST_FIRST if not (ROOT / unit).exists()] == []


def test_under_two_workers_the_browser_files_run_on_one_and_start_first(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    files = {
        "tests/browser/test_first_page.py": "first_page",
        "tests/browser/test_second_page.py": "second_page",
        "tests/unit/test_alpha.py": "alpha",
        "tests/unit/test_beta.py": "beta",
        "tests/unit/test_gamma.py": "gamma",
    }
    for path, name in files.items():
        (pytester.path / path).parent.mkdir(parents=True, exist_ok=True)
        (pytester.path / path).write_text(WHO.format(name=name))
    result = pytester.runpytest_subprocess(
        "-n", "2", "--dist", "loadfile", "-p", "tests.scheduling", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=5)
    ran = [line.split() for line in (pytester.path / "ran.txt").read_text().splitlines()]
    worker = dict(ran)
    assert worker["first_page"] == worker["second_page"]
    # the browser unit was handed out first: its worker ran it before anything else
    assert [name for name, who in ran if who == worker["first_page"]][:2] == [
        "first_page",
        "second_page",
    ]
