"""What a month costs on AWS at 1M and 100M mentions, from measured figures.

    .venv/bin/python benchmarks/monthly_cost.py [--measure] [--sms-per-page 1] [--json]

It prices, per 1,000 new mentions: the AWS requests our code makes and the DynamoDB write
units (both measured by `requests_budget.measure`, `--measure` runs it, ~6 minutes on
moto; else the figures of `MEASURED` below), what Lambda's SQS event source adds, the read
units of the digest (measured by `digest_bench`: one digest a day), Lambda GB-seconds
(triage at its configured memory and a measured time per batch), pages (SNS SMS and
e-mail) and CloudWatch (the EMF log lines and the alarms). Every price it assumes is
printed with it: eu-west-1 on-demand list prices, no free tier. SMS is the one price that
depends on the team: per page `--sms-per-page` segments (1: the case-desk work makes a page
one GSM-7 segment and sends medium/low bands by e-mail) at `--sms-price` (NL).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# USD, eu-west-1, on demand (list prices; check the AWS pricing pages before you budget)
PRICES = {
    "dynamodb_write_unit": 1.4135 / 1e6,  # per write request unit
    "dynamodb_read_unit": 0.283 / 1e6,  # per read request unit
    "dynamodb_storage_gb_month": 0.283,
    "sqs_request": 0.40 / 1e6,  # standard queue, per 64 KB chunk
    "sns_publish": 0.50 / 1e6,
    "sns_email": 2.00 / 1e5,
    "sms_segment_nl": 0.0977,  # per segment to a Dutch mobile number (varies by carrier)
    "lambda_gb_second": 0.0000166667,
    "lambda_request": 0.20 / 1e6,
    "cloudwatch_logs_ingest_gb": 0.57,
    "cloudwatch_alarm_month": 0.10,
    "secrets_manager_api": 0.05 / 1e4,
}
# Measured on moto 2026-12-01 evening (requests_budget.measure, 1,000 new mentions, 2
# invocations of 20 messages; the day's theme tally)
MEASURED = {
    "requests_per_1000": 57.0,  # our code's, intake to stored (goal 60)
    "dynamodb_requests_per_1000": 44.0,  # of which DynamoDB
    "write_units_per_1000": 2722.0,  # goal 3,000
    "event_source_requests_per_1000": 10.0,  # Lambda's SQS poller: receive + delete
    "alerts_per_1000": 289,  # alert-worthy in the sample (a page each at most)
    # benchmarks/alert_requests.py (storing, paging, tallying, the minute job's share),
    # 2026-12-01 late evening; before that evening's changes 23.5 / 7.3 / 28.8
    "alert_requests_per_alert": 16.5,
    "alert_reads_per_alert": 3.8,
    "alert_write_units_per_alert": 24.4,
}
DIGEST_READ_UNITS_A_DAY = 39  # digest_bench: one digest of a 100k-mention day
TRIAGE_MEMORY_GB = 0.5  # .chalice/config.json
TRIAGE_SECONDS_PER_1000 = 4 * 0.9  # 4 invocations of 250, ~0.9 s each (moto-timed: high)
EMF_BYTES_PER_INVOCATION = 700
# the template's alarms, counted (it said 24 while the template grew to 27)
ALARMS = (ROOT / "infra" / "template.yaml").read_text().count("Type: AWS::CloudWatch::Alarm")
MENTION_ITEM_KB = 0.55  # measured mean mention item (requests_budget sample)


def monthly(
    mentions: int,
    measured: dict[str, float],
    sms_per_page: float,
    page_share: float,
    sms_price: float,
) -> dict[str, float]:
    thousands = mentions / 1000
    alerts = measured["alerts_per_1000"] * thousands * page_share
    invocations = 4 * thousands
    dynamo_requests = measured["dynamodb_requests_per_1000"] * thousands
    sqs_requests = (
        measured["requests_per_1000"]
        - measured["dynamodb_requests_per_1000"]
        + measured["event_source_requests_per_1000"]
    ) * thousands
    write_units = (measured["write_units_per_1000"] * thousands) + alerts * measured[
        "alert_write_units_per_alert"
    ]
    read_units = (  # ~1 unit a read
        dynamo_requests + alerts * measured["alert_reads_per_alert"] + DIGEST_READ_UNITS_A_DAY * 30
    )
    cost = {
        "dynamodb_writes": write_units * PRICES["dynamodb_write_unit"],
        "dynamodb_reads": read_units * PRICES["dynamodb_read_unit"],
        "dynamodb_storage": mentions
        * 3
        * MENTION_ITEM_KB
        / 1e6
        * PRICES["dynamodb_storage_gb_month"],  # 90 days kept: three months of mentions
        "sqs": sqs_requests * PRICES["sqs_request"],
        "lambda": invocations * PRICES["lambda_request"]
        + thousands * TRIAGE_SECONDS_PER_1000 * TRIAGE_MEMORY_GB * PRICES["lambda_gb_second"],
        "sns_pages": alerts * (PRICES["sns_publish"] + sms_per_page * sms_price),
        "cloudwatch": invocations
        * EMF_BYTES_PER_INVOCATION
        / 1e9
        * PRICES["cloudwatch_logs_ingest_gb"]
        + ALARMS * PRICES["cloudwatch_alarm_month"],
    }
    cost["total"] = sum(cost.values())
    return {k: round(v, 2) for k, v in cost.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/monthly_cost.py")
    parser.add_argument("--measure", action="store_true", help="measure on moto first")
    parser.add_argument("--sms-per-page", type=float, default=1.0)
    parser.add_argument("--sms-price", type=float, default=PRICES["sms_segment_nl"])
    parser.add_argument(
        "--page-share",
        type=float,
        default=0.25,
        help="share of alert-worthy posts that page by SMS (the high band; others e-mail)",
    )
    parser.add_argument(
        "--alerts-per-1000",
        type=float,
        default=MEASURED["alerts_per_1000"],
        help="alert-worthy posts per 1,000 (the benchmark sample's 289 is far above a "
        "usual brand's day: give yours)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    measured: dict[str, float] = dict(MEASURED)
    measured["alerts_per_1000"] = args.alerts_per_1000
    if args.measure:
        from benchmarks import requests_budget
        from benchmarks.run import sample_texts

        result = requests_budget.measure(sample_texts(), mentions=1000)
        measured["requests_per_1000"] = result["per_1000"]
        measured["write_units_per_1000"] = result["write_units_per_1000"]
        measured["dynamodb_requests_per_1000"] = sum(
            n
            for bucket, ops in result["breakdown"].items()
            if bucket not in ("alerts", "event_source")
            for op, n in ops.items()
            if op.startswith("DynamoDB")
        )
    table: dict[str, Any] = {
        "prices_usd": PRICES,
        "assumed": {
            "sms_segments_per_page": args.sms_per_page,
            "sms_price": args.sms_price,
            "share_of_alerts_paged_by_sms": args.page_share,
            "measured_per_1000": measured,
        },
        "1M": monthly(10**6, measured, args.sms_per_page, args.page_share, args.sms_price),
        "100M": monthly(10**8, measured, args.sms_per_page, args.page_share, args.sms_price),
    }
    if args.json:
        print(json.dumps(table))
        return 0
    print(json.dumps(table["assumed"], indent=1))
    print(json.dumps(table["prices_usd"], indent=1))
    print(f"{'USD a month':<20}{'1M mentions':>14}{'100M mentions':>16}")
    for key in table["1M"]:
        print(f"{key:<20}{table['1M'][key]:>14,.2f}{table['100M'][key]:>16,.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
