"""`python -m tools digest`: preview (or send) the digest of any day, and the weekly lessons.

    python -m tools digest --date 2026-11-22 --out digest.html [--text digest.txt]
    python -m tools digest --date 2026-11-22 --send        # once: the day's claim holds
    python -m tools digest --date 2026-11-22 --resend      # deliberately again ("uncertain")
    python -m tools digest --date 2026-11-22 --weekly out/ # each owner's lessons of that week
    python -m tools digest --local --posts 40 --out out/digest.html --weekly out/

Without `--local` it reads the stage named by the environment (the same variables as
the Lambda functions, see config.py). `--local` starts moto in-process, deploys the
infra template, runs four weeks of synthetic days up to the day through the real triage
path, lets a simulated team answer the alerts (outcomes, lessons), then renders.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, timedelta
from pathlib import Path

from chalicelib.model import utc_now

from . import stage


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools digest", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--date",
        type=date.fromisoformat,
        help="the team-local day, YYYY-MM-DD (default: yesterday)",
    )
    parser.add_argument("--out", type=Path, help="write the HTML part here")
    parser.add_argument("--text", type=Path, help="write the plain-text part here")
    parser.add_argument("--send", action="store_true", help="send it with SES (once per day)")
    parser.add_argument(
        "--resend",
        action="store_true",
        help="send it again on purpose (a day whose claim is uncertain and did not arrive)",
    )
    parser.add_argument(
        "--weekly", type=Path, help="write each owner's lessons mail of the day's week here"
    )
    parser.add_argument(
        "--stage", help="Chalice stage to read (.chalice/config.json); default: the environment"
    )
    parser.add_argument("--local", action="store_true", help="moto and a synthetic day")
    parser.add_argument("--posts", type=int, default=40, help="--local: posts a day")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.local:
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        from chalicelib import logs

        logs.configure(os.environ["LOG_LEVEL"])

    def work() -> int:
        with stage.opened(args.stage, local=args.local):
            return _run(args, seed=args.local)

    return stage.guarded(work)


def _run(args: argparse.Namespace, *, seed: bool) -> int:
    from chalicelib import wiring
    from chalicelib.errors import PipelineError

    wiring.reset()
    settings = wiring.settings()
    day = args.date or (utc_now().astimezone(settings.tz).date() - timedelta(days=1))
    summary: dict[str, object] = {"day": day.isoformat()}
    if seed:
        from datetime import datetime, time

        from devstack import moto_stack, sample_days, sample_history

        morning = datetime.combine(day + timedelta(days=1), time(7), tzinfo=settings.tz)
        with moto_stack.at_scale():  # four weeks of transactions, without moto's copies
            sample_days.set_up_team(day)
            seeded = sample_history.seed_history(
                day + timedelta(days=1), now=morning, brand=settings.brand, per_day=args.posts
            )
        # what was seeded: four weeks up to the day (not the day's figures, below)
        summary["seeded_four_weeks"] = {
            "mentions": seeded.mentions,
            "stored": seeded.stored,
            "alerts": len(seeded.alerts),
        }
    service = wiring.digest()
    try:
        figures = service.figures(day)
        digest = service.preview(day, figures)
        # the day as the digest tells it: the same figures its first lines give
        summary.update(
            mentions=round(figures.total.value),
            negative=figures.by_label.get("negative", 0),
            positive=figures.by_label.get("positive", 0),
            alerts=figures.handling.alerted,
            acknowledged=figures.handling.acknowledged,
        )
        if args.send or args.resend:
            if args.resend:
                result = service.resend(day, utc_now())
            else:
                result = service.run(utc_now(), day=day)
            summary.update(sent=result.sent, reason=result.reason)
        if args.weekly is not None:
            summary["weekly"] = _weekly(day, args.weekly)
    except PipelineError as error:
        print(f"digest: {error}", file=sys.stderr)
        return 1
    for path, body in ((args.out, digest.html), (args.text, digest.text)):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
    if args.out is None and args.text is None and not (args.send or args.resend or args.weekly):
        print(digest.text)
    summary.update(subject=digest.subject, html=str(args.out) if args.out else None)
    print(json.dumps(summary, ensure_ascii=False))
    wiring.reset()
    return 0


def _weekly(day: date, folder: Path) -> list[str]:
    """Each owner's lessons mail of the ISO week of `day`, previewed into `folder`."""
    from chalicelib import wiring
    from chalicelib.digest import trail

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for owner, mail in sorted(wiring.lessons().preview(trail.iso_week(day)).items()):
        stem = folder / f"weekly-{owner.split('@')[0]}"
        stem.with_suffix(".html").write_text(mail.html, encoding="utf-8")
        stem.with_suffix(".txt").write_text(mail.text, encoding="utf-8")
        written.append(str(stem.with_suffix(".html")))
    return written
