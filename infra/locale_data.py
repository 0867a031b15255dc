"""Babel in the Lambda package, with the CLDR data of the languages the product speaks.

Babel's wheel is 10 MB, almost all of it the CLDR data of ~1,000 locales; the product
writes Dutch and English (`chalicelib.i18n.LOCALES`). So Babel is not in
requirements.txt (Chalice would zip the whole wheel and the package would pass its
10 MB goal): `infra.bytecode` copies the installed, pinned Babel (requirements-dev.in)
into `vendor/babel/` with `locale-data/` cut to those locales and the root they inherit
from, plus its licence, and compiles it like the app (checked-hash bytecode).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from chalicelib.i18n import CLDR_LOCALES


def installed() -> Path:
    """The folder of the Babel this Python runs (the lock's version)."""
    import babel

    return Path(babel.__file__).resolve().parent


def copy_babel(vendor: Path, locales: tuple[str, ...] = CLDR_LOCALES) -> list[Path]:
    """`vendor/babel/` with only `locales`' CLDR data; the Python files copied."""
    source = installed()
    target = vendor / "babel"
    keep = {f"{code}.dat" for code in locales}

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n == "__pycache__"}
        if Path(folder).name == "locale-data":
            skipped |= {n for n in names if n not in keep}
        return skipped

    shutil.copytree(source, target, ignore=ignore)
    for licence in source.parent.glob("babel-*.dist-info/licenses/LICENSE"):
        shutil.copy2(licence, target / "LICENSE")
    return sorted(target.rglob("*.py"))
