"""Compiled bytecode in the Lambda package, so a cold start imports instead of compiling.

Lambda's `/var/task` is read-only: Python cannot cache what it compiles there, so without
bytecode in the zip every cold start compiles `app.py`, `chalicelib/` and Chalice's own
module from source (twice the time of `import boto3` on 3.13: benchmarks/cold_start.py).

Chalice puts the project's `vendor/` folder into the zip as it is. Before `chalice package`
or `chalice deploy` (`make package`, `make deploy`, `benchmarks.packaging.build`), this
writes `vendor/…/__pycache__/<module>.cpython-3XX.pyc` for each of those files, at the
path Python looks for it beside the file's place in the zip. Compiled by the Python that
runs Chalice, which is the runtime the package declares. The pycs are *checked-hash*
(PEP 552): Python checks them against a hash of the source beside them, not its mtime
(which a zip does not keep exactly), so a stale one is never run, only recompiled.

    python -m infra.bytecode       # writes vendor/ (generated, ignored by git)
"""

from __future__ import annotations

import inspect
import py_compile
import shutil
import sys
from collections.abc import Iterator
from importlib.util import cache_from_source
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "vendor"


def lambda_sources(root: Path = ROOT) -> Iterator[tuple[Path, str]]:
    """(file on disk, its path in the zip) for the Python that Chalice packages itself."""
    import chalice
    import chalice.app

    yield Path(inspect.getfile(chalice)), "chalice/__init__.py"
    yield Path(inspect.getfile(chalice.app)), "chalice/app.py"
    yield root / "app.py", "app.py"
    for path in sorted((root / "chalicelib").rglob("*.py")):
        yield path, path.relative_to(root).as_posix()


def pyc_path(zip_path: str) -> str:
    """Where Python looks for the bytecode of a module at `zip_path` (this interpreter)."""
    return Path(cache_from_source(zip_path)).as_posix()


def write(vendor: Path = VENDOR, root: Path = ROOT) -> int:
    """Rewrite `vendor/` with checked-hash bytecode for every packaged module; the count.

    Local `__pycache__` folders under chalicelib/ are removed first: Chalice would add
    them to the zip too, beside these (same names, timestamp-checked, never valid there).
    """
    shutil.rmtree(vendor, ignore_errors=True)
    for cache in (root / "chalicelib").rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    return compile_into(vendor, root)


def compile_into(vendor: Path, root: Path = ROOT) -> int:
    """Checked-hash bytecode of every packaged module under `vendor`; the count."""
    count = 0
    for source, zip_path in lambda_sources(root):
        py_compile.compile(
            str(source),
            cfile=str(vendor / pyc_path(zip_path)),
            dfile=zip_path,
            doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
        )
        count += 1
    return count


if __name__ == "__main__":
    written = write()
    tag = sys.implementation.cache_tag
    print(f"vendor/: {written} modules compiled for {tag} (checked-hash bytecode)")
