"""The lock file is what `make install` installs: it must hold every pin of the files it was
resolved from, each with a hash, so a new release upstream changes nothing here."""

from __future__ import annotations

import re
from pathlib import Path

from benchmarks import packaging

PIN = re.compile(r"^([A-Za-z0-9_.-]+)(\[[^\]]*\])?==([^\s;\\]+)", re.MULTILINE)


def pins(path: Path) -> dict[str, str]:
    text = path.read_text()
    return {name.lower().replace("_", "-"): version for name, _, version in PIN.findall(text)}


def test_every_requirement_is_pinned_in_the_lock_at_the_same_version() -> None:
    lock = pins(packaging.ROOT / "requirements-dev.lock")
    for source in ("requirements.txt", "requirements-dev.in"):
        wanted = pins(packaging.ROOT / source)
        lines = [
            line
            for line in (packaging.ROOT / source).read_text().splitlines()
            if line.strip() and not line.startswith(("#", "-r"))
        ]
        assert len(wanted) == len(lines), f"{source}: every requirement pinned with =="
        differ = {n: (v, lock.get(n)) for n, v in wanted.items() if lock.get(n) != v}
        assert differ == {}, f"{source} and the lock differ: run `make lock`"


def test_every_locked_package_carries_a_hash() -> None:
    text = (packaging.ROOT / "requirements-dev.lock").read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n\n", 1)[1])
    unhashed = [e.split()[0] for e in entries if "==" in e and "--hash=sha256:" not in e]
    assert unhashed == []


def test_boto3_botocore_and_their_stubs_share_one_version() -> None:
    lock = pins(packaging.ROOT / "requirements-dev.lock")
    assert lock["boto3"] == lock["botocore"] == lock["boto3-stubs"]
