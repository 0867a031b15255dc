"""Render a `DayReport` as an e-mail: subject, HTML and plain text (Jinja2, autoescaped)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from .report import DayReport


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    html: str
    text: str


@cache
def _environment() -> Any:
    import jinja2  # loaded only by the digest function (cold start of the others)

    return jinja2.Environment(
        loader=jinja2.PackageLoader("chalicelib.digest", "templates"),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render(report: DayReport, *, brand: str) -> RenderedDigest:
    negative = report.by_label.get("negative", 0)
    subject = (
        f"{brand} social digest {report.day}: {report.total} mentions, "
        f"{negative} negative ({report.negative_share:.0%})"
    )
    context = {"r": report, "brand": brand, "subject": subject}
    env = _environment()
    return RenderedDigest(
        subject=subject,
        html=env.get_template("digest.html").render(context),
        text=env.get_template("digest.txt").render(context),
    )
