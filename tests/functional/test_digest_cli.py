"""`python -m tools digest --local`: the summary line it prints states the figures the
digest it wrote states (was: `"mentions": 1059` beside a digest that said 32; issue 28)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tools import digest as cli


def test_the_local_digest_prints_the_figures_its_digest_states(tmp_path: Path, capsys) -> None:
    # GIVEN four weeks seeded on moto (five posts a day) WHEN the digest of 22 Nov is made
    text = tmp_path / "digest.txt"
    code = cli.main(["--local", "--date", "2026-11-22", "--posts", "5", "--text", str(text)])
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    written = text.read_text(encoding="utf-8")
    # THEN the summary's day figures are the digest's own (the dev team reads Dutch)
    assert code == 0 and summary["day"] == "2026-11-22"
    said = re.search(r"^(\d+) berichten? noemden Voltera: (\d+) negatief", written, re.M)
    assert said is not None, written[:400]
    assert (summary["mentions"], summary["negative"]) == (int(said[1]), int(said[2]))
    handled = re.search(r"pakte (\d+) van (\d+) meldingen? op", written)
    assert handled is not None
    assert (summary["acknowledged"], summary["alerts"]) == (int(handled[1]), int(handled[2]))
    # AND the four weeks it seeded are reported apart, never as the day's
    assert summary["seeded_four_weeks"]["mentions"] > summary["mentions"]
    assert summary["subject"].startswith(f"Voltera sociale digest zo 22 nov: {said[1]} ")
