"""`make demo`: the whole pipeline on this machine, no AWS account, no network.

moto stands in for AWS (the infra template is deployed into its CloudFormation), and a
replay of posts we wrote ourselves (demo/posts.jsonl: English and Dutch, complaints,
praise, questions, duplicates) stands in for the networks. Every post goes through the
same handlers Lambda runs: signed webhook -> SQS -> triage -> DynamoDB -> SNS -> SES.

Four weeks of synthetic history come first (devstack.sample_history), so the digest's
comparisons and trends have data. Prints each alert as the on-duty manager receives it,
writes the digest e-mail and each theme owner's weekly lessons mail to out/, and ends
with one JSON line of figures.
"""

from __future__ import annotations

import argparse
import email
import json
import os
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
POSTS = HERE / "posts.jsonl"


def load_posts(now: datetime) -> list[dict[str, Any]]:
    posts = []
    for line in POSTS.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        post = json.loads(line)
        minutes = post.pop("minutes_ago")
        post["created_at"] = (now - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
        post["url"] = post.get("url") or f"https://example.com/{post['source']}/{post['id']}"
        posts.append(post)
    return posts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="demo", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "out"), help="folder for the digest files")
    parser.add_argument("--quiet", action="store_true", help="print only the summary line")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    os.environ.setdefault("LOG_LEVEL", "WARNING")
    from devstack import moto_stack
    from devstack.sample_days import lean_moto_transactions

    recorded = load_recorded()  # before moto starts: the replay serves HTTP itself
    # moto copies every table for each item of a transaction; with four weeks of history
    # that is minutes: the same all-or-nothing semantics without the copies
    with moto_stack.local_stack("dev") as env, lean_moto_transactions():
        os.environ.update(env)
        return run(out, quiet=args.quiet, recorded=recorded)


def load_recorded() -> dict[str, list[Any]]:
    """Real recorded API traffic (../shared/realdata), each through its source's parser.

    Empty when the recordings are absent: the demo then runs on our own posts only.
    """
    from devstack.recorded import replay_all

    realdata = Path(os.environ.get("REALDATA") or ROOT.parent / "shared" / "realdata")
    return replay_all(realdata) if realdata.is_dir() else {}


def run(out: Path, *, quiet: bool, recorded: dict[str, list[Any]]) -> int:
    import boto3
    import time_machine
    from chalice.test import Client
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    from chalicelib import wiring
    from chalicelib.alerts.rotation import Rotation
    from chalicelib.alerts.team import Manager
    from chalicelib.sources.signing import hex_signature
    from chalicelib.store import keys
    from devstack import moto_stack

    wiring.reset()
    import app

    say = (lambda *a: None) if quiet else print
    settings = wiring.settings()
    tz = settings.tz
    now = datetime.now(UTC)
    local_now = now.astimezone(tz)
    # Posts of the last hours, but never before local midnight: one digest day.
    midnight = datetime.combine(local_now.date(), time(0, 1), tzinfo=tz).astimezone(UTC)

    # The team: Sanne on duty this week, Joris next (and her backup), Femke the team lead;
    # each phone is an SQS queue here, subscribed with the manager's filter policy.
    sqs = boto3.client("sqs")
    inboxes = {}
    team = (("sanne", "Sanne Jansen"), ("joris", "Joris Peeters"), ("femke", "Femke Bakker"))
    for manager_id, name in team:
        wiring.team().add_manager(Manager(manager_id, name, email=f"{manager_id}@example.com"))
        url = sqs.create_queue(QueueName=f"phone-{manager_id}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        wiring.notifier().subscribe(manager_id, "sqs", arn)
        inboxes[manager_id] = url
    wiring.team().set_rotation(
        Rotation(
            managers=("sanne", "joris"),
            start=local_now.date() - timedelta(days=2),
            shift_days=7,
            handoff=time(0, 0),
            lead="femke",
        )
    )

    # Four weeks of history, answered by the team; its pages are not this morning's.
    from devstack import sample_history

    sample_history.seed_history(local_now.date(), now=now, brand=settings.brand)
    for url in inboxes.values():
        _receive_all(sqs, url)
    history_alerts = count_mention_alerts(settings.state_table)

    secret = json.loads(
        boto3.client("secretsmanager").get_secret_value(SecretId=env_secret())["SecretString"]
    )["generic_webhook_secret"]
    posts = load_posts(now)
    for post in posts:
        if post["created_at"] < midnight.strftime("%Y-%m-%dT%H:%M:%SZ"):
            post["created_at"] = midnight.strftime("%Y-%m-%dT%H:%M:%SZ")

    with Client(app.app, stage_name="local", project_dir=str(ROOT)) as client:
        accepted = 0
        for post in posts:
            body = json.dumps(post, ensure_ascii=False).encode()
            response = client.http.post(
                "/webhooks/generic",
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Signature-256": hex_signature(secret, body),
                },
            )
            if response.status_code != 202:
                print(
                    f"webhook refused {post['id']}: {response.status_code} {response.body!r}",
                    file=sys.stderr,
                )
                return 1
            accepted += 1
        say(f"{accepted} posts arrived through the signed webhook; triage consumes the queue.")
        moto_stack.drain_queue(client.lambda_.invoke, sqs, settings.queue_url)
        pages = show_pages(say, sqs, inboxes, "the first minute")

        # Sanne taps "Acknowledge" on the first page three minutes later.
        first_ack = (
            next(
                (
                    line.split(": ", 1)[1]
                    for line in pages[0]["Message"].splitlines()
                    if line.startswith("Acknowledge: ")
                ),
                None,
            )
            if pages
            else None
        )
        if first_ack:
            with time_machine.travel(now + timedelta(minutes=3), tick=False):
                answer = press(client, first_ack.removeprefix(settings.public_base_url))
            say(f"\n👆 sanne opens a page's link, presses Acknowledge: {answer.status_code}")

        # Six minutes in, the every-minute job groups what the storm held back and
        # escalates high-priority pages nobody acknowledged to the backup.
        with time_machine.travel(now + timedelta(minutes=6), tick=False):
            client.lambda_.invoke(
                "alerts_every_minute", scheduled(client, now + timedelta(minutes=6))
            )
        pages += show_pages(say, sqs, inboxes, "minute six: storm grouped, escalations")

        # Sanne resolves the acknowledged one with a note after 25 minutes.
        first_resolve = (
            next(
                (
                    line.split(": ", 1)[1]
                    for line in pages[0]["Message"].splitlines()
                    if line.startswith("Resolve: ")
                ),
                None,
            )
            if pages
            else None
        )
        if first_resolve:
            with time_machine.travel(now + timedelta(minutes=25), tick=False):
                answer = press(
                    client,
                    first_resolve.removeprefix(settings.public_base_url),
                    note="Called back, technician booked",
                )
            say(f"👆 sanne resolves it with a note: {answer.status_code}")

        digest_at = datetime.combine(
            local_now.date() + timedelta(days=1), time(settings.digest_local_hour, 5), tzinfo=tz
        )
        client.lambda_.invoke("daily_digest", scheduled(client, digest_at))
        # This Monday's weekly lessons mail to each theme owner (last week's lessons).
        monday = local_now.date() - timedelta(days=local_now.weekday())
        lessons_at = datetime.combine(monday, time(settings.lessons_local_hour, 35), tzinfo=tz)
        client.lambda_.invoke("weekly_lessons", scheduled(client, lessons_at))

        # Finally the real recorded traffic, parsed by each source's own code, queued as
        # a poller or webhook would, and triaged like the rest.
        # for our posts, before these
        alerts = count_mention_alerts(settings.state_table) - history_alerts
        recorded_ids = {m.id for mentions in recorded.values() for m in mentions}
        if recorded:
            wiring.intake().enqueue([m for ms in recorded.values() for m in ms])
            moto_stack.drain_queue(client.lambda_.invoke, sqs, settings.queue_url)
            kept = wiring.mentions().existing(recorded_ids)
            say("\n🎞  recorded real API traffic, each through its source's own parser:")
            for name, mentions in recorded.items():
                stored_here = sum(m.id in kept for m in mentions)
                say(f"   {name}: {len(mentions)} parsed, {stored_here} stored")

    mails = ses_backends[DEFAULT_ACCOUNT_ID][moto_stack.REGION].sent_messages
    sent = [m for m in mails if "social digest" in email.message_from_string(m.raw_data)["Subject"]]
    for mail in mails:
        if mail not in sent:  # a weekly lessons mail: out/weekly-<owner>.html
            write_parts(mail.raw_data, out, f"weekly-{mail.destinations[0].split('@')[0]}")
    html_path = out / "digest.html"
    text_path = out / "digest.txt"
    if sent:
        parsed = email.message_from_string(sent[-1].raw_data)
        for part in parsed.walk():
            if part.get_content_type() == "text/html":
                html_path.write_bytes(part.get_payload(decode=True))
            elif part.get_content_type() == "text/plain":
                text_path.write_bytes(part.get_payload(decode=True))
        subject = " ".join(str(parsed["Subject"]).split())
        say(f"\n✉️  digest to {', '.join(settings.digest_recipients)}: {subject}")
        say(f"   written to {html_path} and {text_path}")

    stats = wiring.state().get(keys.day_stats(local_now.date().isoformat())) or {}
    stored = int(stats.get("total", 0))
    summary = {
        "mentions": stored,
        "negative": int(stats.get("sentiment#negative", 0)),
        "alerts": alerts,
        "pages": len(pages),
        "duplicates_dropped": accepted - stored,
        "recorded_mentions": len(recorded_ids),
        "digest_html": str(html_path) if sent else None,
    }
    print(json.dumps(summary))
    return 0 if sent else 1


def write_parts(raw: str, out: Path, name: str) -> None:
    for part in email.message_from_string(raw).walk():
        kind = {"text/html": "html", "text/plain": "txt"}.get(part.get_content_type())
        if kind:
            (out / f"{name}.{kind}").write_bytes(part.get_payload(decode=True))


def show_pages(say: Any, sqs: Any, inboxes: dict[str, str], when: str) -> list[dict[str, Any]]:
    """Print every page the managers' phones received, as they read it."""
    pages = []
    for manager_id, url in inboxes.items():
        for message in _receive_all(sqs, url):
            pages.append(message)
            say(f"\n📱 {when} — to {manager_id}: {message['Subject']}")
            say("   " + message["Message"].replace("\n", "\n   "))
    return pages


def press(client: Any, path: str, note: str = "") -> Any:
    """Open an alert's link (a page with one button) and press the button (a POST)."""
    opened = client.http.get(path)
    if opened.status_code != 200:
        return opened
    return client.http.post(
        path,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode({"note": note}).encode() if note else b"",
    )


def scheduled(client: Any, at: datetime) -> dict[str, Any]:
    event = client.events.generate_cw_event("aws.events", "Scheduled Event", {}, [])
    event["time"] = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return event


def count_mention_alerts(table: str) -> int:
    """Alert records kept for mentions (a scan: fine on the demo's small local table)."""
    import boto3

    paginator = boto3.client("dynamodb").get_paginator("scan")
    pages = paginator.paginate(
        TableName=table,
        FilterExpression="begins_with(pk, :a) AND attribute_exists(mention_id)",
        ExpressionAttributeValues={":a": {"S": "alert#"}},
        Select="COUNT",
    )
    return sum(page["Count"] for page in pages)


def env_secret() -> str:
    return os.environ["SECRETS_ID"]


def _receive_all(sqs: Any, url: str) -> list[dict[str, Any]]:
    messages = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            return messages
        for message in got:
            messages.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


if __name__ == "__main__":
    sys.exit(main())
