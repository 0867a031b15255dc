"""GDPR erasure by author: `python -m tools erase --source x --author-id 42`.

Removes everything that holds an author's posts:

1. the author's mentions (mentions table);
2. the alert of each of those mentions (state table, ``alert#alert:<mention id>``);
3. copies of their text elsewhere in the state table: entries of the digest's day
   top lists (``e#<mention id>``, an ambassador entry ``e#<source>:<author id>``) and
   any nested record that names an erased mention or alert (a grouped alert's cards)
   or quotes an erased text; those are replaced by ``{"erased": true}``.

What stays, and why: day counters (numbers per day, source, sentiment, theme: no
person in them); log lines (mention and alert ids only, never text or handles); pages
and digests already delivered by SNS / SES (outside our systems); the dead-letter
queue may hold a failed message with the post for up to 14 days (`dlq list` shows it).

Erasure is rare, so it scans both tables (a cost paid per request, not per post)
instead of keeping an index by author that every write would pay for. It talks to
DynamoDB itself because a scan belongs to no store's everyday interface.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.model import alert_id_for
from chalicelib.store import from_item, to_item

ERASED = {"erased": True}
QUOTE_CHARS = 40  # an erased text is recognised by its first characters (whitespace folded)
MIN_QUOTE = 12  # shorter texts ("ok!") would match other people's posts: ids and URLs do it


@dataclass
class ErasureReport:
    source: str
    author_id: str
    mentions: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    scrubbed: list[str] = field(default_factory=list)  # "pk/sk" of state items rewritten
    dry_run: bool = False


@dataclass(frozen=True)
class Target:
    """What identifies the author's data."""

    source: str
    author_id: str
    mention_ids: frozenset[str]
    texts: tuple[str, ...]
    handles: frozenset[str] = frozenset()  # "@handle", as pages quote them
    urls: frozenset[str] = frozenset()  # each post's link: names it in cards and pages

    @property
    def author_key(self) -> str:
        return f"{self.source}:{self.author_id}"

    @property
    def names(self) -> frozenset[str]:
        return self.mention_ids | {alert_id_for(i) for i in self.mention_ids}


class Eraser:
    def __init__(self, dynamodb: Any, mentions_table: str, state_table: str) -> None:
        self._db = dynamodb
        self._mentions = mentions_table
        self._state = state_table

    def erase(self, source: str, author_id: str, *, dry_run: bool = False) -> ErasureReport:
        report = ErasureReport(source, author_id, dry_run=dry_run)
        found = list(self._authored(source, author_id))
        target = Target(
            source,
            author_id,
            frozenset(item["id"] for item in found),
            tuple(q for q in (quote(str(i.get("text", ""))) for i in found) if len(q) >= MIN_QUOTE),
            frozenset(f"@{h}" for h in (item["author"].get("handle") for item in found) if h),
            frozenset(str(item["url"]) for item in found if item.get("url")),
        )
        report.mentions = sorted(target.mention_ids)
        for item in self._scan(self._state):
            key = f"{item['pk']}/{item['sk']}"
            if item["pk"].startswith("alert#") and item.get("mention_id") in target.mention_ids:
                report.alerts.append(item["id"])
                if not dry_run:
                    self._db.delete_item(
                        TableName=self._state, Key=to_item({"pk": item["pk"], "sk": item["sk"]})
                    )
                continue
            cleaned = scrub(item, target)
            if cleaned != item:
                report.scrubbed.append(key)
                if not dry_run:
                    self._replace(item, cleaned)
        if not dry_run:
            for mention_id in report.mentions:
                self._db.delete_item(TableName=self._mentions, Key={"id": {"S": mention_id}})
        return report

    def _authored(self, source: str, author_id: str) -> Iterator[dict[str, Any]]:
        yield from self._scan(
            self._mentions,
            FilterExpression="#src = :s AND #a.#i = :a",
            ExpressionAttributeNames={
                "#src": "source",
                "#a": "author",
                "#i": "id",
                "#t": "text",
                "#u": "url",
            },
            ExpressionAttributeValues=to_item({":s": source, ":a": author_id}),
            ProjectionExpression="id, #a, #t, #u",
        )

    def _scan(self, table: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        kwargs = {"TableName": table, **kwargs}
        while True:
            page = self._db.scan(**kwargs)
            for item in page.get("Items", []):
                yield from_item(item)
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _replace(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        """Write the scrubbed item; a versioned item (top lists) only over the version read."""
        kwargs: dict[str, Any] = {"TableName": self._state, "Item": to_item(new)}
        if "v" in old:
            new["v"] = int(old["v"]) + 1
            kwargs["Item"] = to_item(new)
            kwargs["ConditionExpression"] = "v = :v"
            kwargs["ExpressionAttributeValues"] = {":v": {"N": str(old["v"])}}
        try:
            self._db.put_item(**kwargs)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            raise RuntimeError(
                f"{old['pk']}/{old['sk']} changed while erasing; run the erase again"
            ) from error


def scrub(item: dict[str, Any], target: Target) -> dict[str, Any]:
    """A copy of a state item without the target's entries, records and quoted text."""
    out: dict[str, Any] = {}
    for key, value in item.items():
        if key.startswith("e#") and key[2:] in target.mention_ids | {target.author_key}:
            continue
        out[key] = _scrub_value(value, target) if key not in ("pk", "sk") else value
    return out


def quote(text: str) -> str:
    return " ".join(text.split())[:QUOTE_CHARS]


def _scrub_value(value: Any, target: Target) -> Any:
    if isinstance(value, dict):
        named = target.names | target.urls
        if any(isinstance(v, str) and v in named for v in value.values()):
            return dict(ERASED)  # a record about an erased post (an alert card, an example)
        return {k: _scrub_value(v, target) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_value(v, target) for v in value]
    if isinstance(value, str) and any(
        q in " ".join(value.split()) or q in value
        for q in (*target.texts, *target.handles, *target.urls)
        if q
    ):
        return "[erased]"
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools erase",
        description="Erase an author's mentions, alerts and quoted text (GDPR request).",
    )
    parser.add_argument("--stage", default="dev", help="Chalice stage (.chalice/config.json)")
    parser.add_argument("--source", required=True, help="network, e.g. x, reddit, generic")
    parser.add_argument("--author-id", required=True, help="the network's id of the author")
    parser.add_argument("--dry-run", action="store_true", help="report only, change nothing")
    args = parser.parse_args(argv)

    import boto3

    from chalicelib.config import Settings
    from tools.dlq import stage_environment

    settings = Settings.from_env(stage_environment(args.stage))
    eraser = Eraser(boto3.client("dynamodb"), settings.mentions_table, settings.state_table)
    report = eraser.erase(args.source, args.author_id, dry_run=args.dry_run)
    print(json.dumps(asdict(report), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
