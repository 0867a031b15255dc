"""The rule on skips, run on a small suite of its own (pytest's pytester): under CI a skip
that is not declared fails the run, naming the test; locally it passes."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT as _ROOT

pytest_plugins = ["pytester"]
ROOT = str(_ROOT)

SUITE = """
import pytest

def test_runs():
    pass

def test_needs_a_browser():
    pytest.skip("no Chromium at /usr/bin/chromium")
"""


def run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *, ci: bool
) -> pytest.RunResult:
    if ci:
        monkeypatch.setenv("CI", "true")
    else:
        monkeypatch.delenv("CI", raising=False)
    pytester.makepyfile(test_small=SUITE)
    return pytester.runpytest_subprocess("-p", "tests.skip_rule", "-p", "no:cacheprovider")


def test_under_ci_an_undeclared_skip_fails_the_run_and_is_named(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", ROOT)
    result = run(pytester, monkeypatch, ci=True)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*skipped under CI, not declared*", "*test_needs_a_browser*"])


def test_locally_a_skip_is_reported_and_the_run_passes(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", ROOT)
    result = run(pytester, monkeypatch, ci=False)
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, skipped=1)


def test_a_declared_skip_passes_under_ci(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", ROOT)
    pytester.makeconftest(
        "import tests.skip_rule as rule\n"
        "rule.DECLARED_SKIPS['test_small.py::test_needs_a_browser'] = 'declared for this test'\n"
    )
    result = run(pytester, monkeypatch, ci=True)
    assert result.ret == pytest.ExitCode.OK
