"""The shape of chalicelib: keys spelled once, rooms of a readable size.

(The import layers are import-linter's contracts in pyproject.toml, run by `make test`.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from benchmarks import packaging

CHALICELIB = packaging.ROOT / "chalicelib"
KEYS = CHALICELIB / "store" / "keys.py"
# The first characters of every pk / sk / index value the app writes (store/keys.py).
KEY_PREFIXES = (
    "alert#", "alerts#due", "alerts#held", "alerts#storm", "alerts#negatives", "alerts#group",
    "alerts#spike", "alerts#sms", "alerts#shift", "day#", "digest#", "manager#", "override#",
    "revoked#", "top#", "theme#", "code#", "csrf#", "cases#", "author#", "quarantine#", "stats#",
    "trail#", "week#", "list#", "lessons#", "brand#", "brandpost#", "reply#", "replies#",
    "incidents#",
)  # fmt: skip
# digest/aggregates.py names the day's counters ("source#x": posts from x), which are
# attributes of one item, not keys.
COUNTER_OWNER = CHALICELIB / "digest" / "aggregates.py"
MAX_LINES = 320  # "about 300"
# Past "about 300", each waiting for a split of its own: the case desk (its reply card
# could leave it), the key table, and wiring's lazy service imports (cold start). Remove
# an entry when its module is split (the incident page's went with answer-all's split).
OVER = {
    "alerts/desk/case_desk.py": 330,
    "store/keys.py": 340,
    "wiring.py": 360,
}


def _literals(path: Path) -> list[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr) and node.values:
            head = node.values[0]
            if isinstance(head, ast.Constant) and isinstance(head.value, str):
                found.add((node.lineno, head.value))
    return sorted(found)


def key_literals(root: Path = CHALICELIB) -> list[str]:
    """`file:line: literal` for each string that spells a key outside store/keys.py."""
    out = []
    for path in sorted(root.rglob("*.py")):
        if path in (KEYS, COUNTER_OWNER):
            continue
        for line, text in _literals(path):
            if text.startswith(KEY_PREFIXES) or text.startswith("source#"):
                out.append(f"{path.relative_to(root)}:{line}: {text!r}")
    return out


def test_every_key_is_spelled_only_in_store_keys() -> None:
    assert key_literals() == []


def test_the_key_check_finds_a_key_spelled_elsewhere(tmp_path: Path) -> None:
    (tmp_path / "rogue.py").write_text('def k(i):\n    return f"alert#{i}", "alert"\n')
    assert key_literals(tmp_path) == ["rogue.py:2: 'alert#'"]


@pytest.mark.parametrize(
    "path", sorted(CHALICELIB.rglob("*.py")), ids=lambda p: str(p.relative_to(CHALICELIB))
)
def test_no_module_grows_past_about_three_hundred_lines(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    limit = OVER.get(str(path.relative_to(CHALICELIB)), MAX_LINES)
    assert lines <= limit, f"{lines} lines: split it by what it does"
