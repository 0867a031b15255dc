"""`make demo`: the whole pipeline on this machine, no AWS account, no network.

moto stands in for AWS (the infra template is deployed into its CloudFormation), and a
replay of posts we wrote ourselves (demo/posts.jsonl: English and Dutch, complaints,
praise, questions, duplicates) stands in for the networks. Every post goes through the
same handlers Lambda runs: signed webhooks (X, Meta, generic) -> SQS -> triage ->
DynamoDB -> SNS -> SES; a one-star App Store review comes through the App Store poller
(demo/app_review.py).

Four weeks of synthetic history come first (devstack.sample_history), so the digest's
comparisons and trends have data. Then this morning: prints each page as the on-duty
manager's phone and mailbox receive it, acts on the case pages as a manager would
(acknowledge, resolve with an outcome and a lesson), writes the digest e-mail, each theme
owner's weekly lessons mail and every delivered message (out/pages.jsonl: channel,
recipient, subject, body, GSM-7 or UCS-2, segments) to out/, and ends with one JSON line
of figures. The links in it open under `make serve`, which runs this same morning and
keeps serving.
"""

from __future__ import annotations

import argparse
import email
import json
import os
import re
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
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")  # no EMF lines on screen
    from devstack import moto_stack

    recorded = load_recorded()  # before moto starts: the replay serves HTTP itself
    # moto copies every table for each item of a transaction; with four weeks of history
    # that is minutes: at_scale keeps moto's semantics without the copies
    with moto_stack.local_stack("dev") as env, moto_stack.at_scale():
        os.environ.update(env)
        summary = run(out, quiet=args.quiet, recorded=recorded)
        return 0 if summary["digest_html"] else 1


def load_recorded() -> dict[str, list[Any]]:
    """Real recorded API traffic (../shared/realdata), each through its source's parser.

    Empty when the recordings are absent: the demo then runs on our own posts only.
    """
    from devstack.recorded import replay_all

    realdata = Path(os.environ.get("REALDATA") or ROOT.parent / "shared" / "realdata")
    return replay_all(realdata) if realdata.is_dir() else {}


# how long ago the demo's morning began: its last press (the resolve) is at minute 25
MORNING_MINUTES = 30


def run(
    out: Path,
    *,
    quiet: bool,
    recorded: dict[str, list[Any]],
    print_summary: bool = True,
    stand_ins: Any = None,
) -> dict[str, Any]:
    """The morning, against whatever AWS the environment names (moto in-process or a moto
    server); returns the summary figures (printed as one JSON line unless told not to).
    Replies go to `stand_ins` (devstack/reply_standins.py; its own for the run if None)."""
    import boto3
    import time_machine
    from chalice.test import Client
    from moto.core import DEFAULT_ACCOUNT_ID  # type: ignore[attr-defined]
    from moto.ses.models import ses_backends

    from chalicelib import wiring
    from chalicelib.alerts.roster.rotation import Rotation
    from chalicelib.alerts.roster.team import Manager
    from chalicelib.store import day_counters
    from demo import answering
    from demo.arrivals import arrival
    from devstack import moto_stack, phones

    wiring.reset()
    import app

    say = (lambda *a: None) if quiet else print
    settings = wiring.settings()
    tz = settings.tz
    # The morning ends now: its posts arrive MORNING_MINUTES ago and the team's presses
    # follow, so under `make serve` (the real clock) every age and timeline reads true.
    now = datetime.now(UTC) - timedelta(minutes=MORNING_MINUTES)
    local_now = now.astimezone(tz)
    # Posts of the last hours, but never before local midnight: one digest day.
    midnight = datetime.combine(local_now.date(), time(0, 1), tzinfo=tz).astimezone(UTC)

    # The team: Sanne on duty this week, Joris next (and her backup), Femke the team lead;
    # each with a phone (SMS) and a mailbox subscribed with their filter policies.
    sqs = boto3.client("sqs")
    team = (("sanne", "Sanne Jansen"), ("joris", "Joris Peeters"), ("femke", "Femke Bakker"))
    for number, (manager_id, name) in enumerate(team, start=1):
        phone, mail = f"+316123400{number:02d}", f"{manager_id}@example.com"
        wiring.team().add_manager(Manager(manager_id, name, email=mail, phone=phone))
        wiring.notifier().subscribe(manager_id, "sms", phone)
        wiring.notifier().subscribe(manager_id, "email", mail)
    topic = settings.alerts_topic_arn
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
    history_pages = phones.published(topic)
    history_alerts = count_mention_alerts(settings.state_table)

    # the networks' reply credentials: the stand-ins' (nothing reaches a real network)
    from devstack.reply_standins import SECRETS as REPLY_SECRETS
    from devstack.reply_standins import StandIns

    moto_stack.ensure_secret(boto3.client("secretsmanager"), env_secret(), REPLY_SECRETS)
    wiring.reset()
    own_stand_ins = stand_ins is None
    if stand_ins is None:
        (out / "replies.jsonl").unlink(missing_ok=True)
        stand_ins = StandIns(out / "replies.jsonl").start()
    secrets = json.loads(
        boto3.client("secretsmanager").get_secret_value(SecretId=env_secret())["SecretString"]
    )
    posts = load_posts(now)
    for post in posts:
        if post["created_at"] < midnight.strftime("%Y-%m-%dT%H:%M:%SZ"):
            post["created_at"] = midnight.strftime("%Y-%m-%dT%H:%M:%SZ")

    with Client(app.app, stage_name="local", project_dir=str(ROOT)) as client:
        accepted = 0
        with time_machine.travel(now, tick=True):  # the morning's first minute
            for post in posts:  # each as its network's webhook sends it (demo/arrivals.py)
                request = arrival(post, secrets)
                response = client.http.post(
                    request.path, body=request.body, headers=request.headers
                )
                if response.status_code != request.accepted:
                    raise SystemExit(
                        f"{request.path} refused {post['id']}: {response.status_code}"
                        f" {response.body!r}"
                    )
                accepted += 1
            say(
                f"{accepted} posts arrived through the signed webhooks (X Activity API, Meta,"
                " generic)."
            )
            # A one-star App Store review, read by the App Store poller (demo/app_review.py).
            from demo import app_review

            reviews = app_review.poll(now, env_secret())
            accepted += reviews
            say(
                f"{reviews} App Store review read by the App Store poller;"
                " triage consumes the queue."
            )
            moto_stack.drain_queue(client.lambda_.invoke, sqs, settings.queue_url)
        pages = show_pages(say, phones.delivered(topic, since=history_pages), "the first minute")
        links = phones.case_links(pages)

        # Sanne opens the case link of her first SMS three minutes later, acknowledges.
        if links:
            with time_machine.travel(now + timedelta(minutes=3), tick=False):
                answer = press(client, path_of(links[0], settings.public_base_url), "ack")
            say(f"\n👆 sanne opens her first SMS's case link, presses Acknowledge: {answer}")
            # two minutes later she answers on the network from the case: a saved reply
            with time_machine.travel(now + timedelta(minutes=5), tick=False):
                paths = [path_of(link, settings.public_base_url) for link in links]
                replied = answering.reply_from_the_case(client, paths)
            say(f"👆 sanne taps saved reply {replied['saved']!r} and sends it: {replied['sent']}")

        # Six minutes in, the every-minute job groups what the storm held back and
        # escalates high-priority pages nobody acknowledged to the backup.
        seen = phones.published(topic)
        with time_machine.travel(now + timedelta(minutes=6), tick=False):
            client.lambda_.invoke(
                "alerts_every_minute", scheduled(client, now + timedelta(minutes=6))
            )
        pages += show_pages(
            say, phones.delivered(topic, since=seen), "minute six: storm grouped, escalations"
        )

        # At minute 12 the brand's X account answers another case in the X app: the network
        # shows it (Account Activity), and the case is answered without anyone opening it.
        outside = answering.reply_outside(client, secrets, now + timedelta(minutes=12))
        moto_stack.drain_queue(client.lambda_.invoke, sqs, settings.queue_url)
        say(f"💬 the brand replied in the X app to {outside or 'no open X case'}: seen on X")

        # Sanne resolves it after 25 minutes: an outcome, a note, a lesson for the company.
        if links:
            with time_machine.travel(now + timedelta(minutes=25), tick=False):
                answer = press(
                    client,
                    path_of(links[0], settings.public_base_url),
                    "resolve",
                    outcome="solved",
                    note="Called back, technician booked",
                    lesson="The outage page did not mention Amersfoort",
                    theme="storing",
                )
            say(f"👆 sanne resolves it with an outcome and a lesson: {answer}")

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
    marketing = set(settings.digest_recipients)  # the digest's list; the rest are lessons mails
    sent = [m for m in mails if marketing & set(m.destinations)]
    for mail in mails:
        if mail not in sent:  # a weekly lessons mail: out/weekly-<owner>.html
            write_parts(mail.raw_data, out, f"weekly-{mail.destinations[0].split('@')[0]}")
    html_path = out / "digest.html"
    text_path = out / "digest.txt"
    if sent:
        write_parts(sent[-1].raw_data, out, "digest")
        parsed = email.message_from_string(sent[-1].raw_data)
        subject = " ".join(str(parsed["Subject"]).split())
        say(f"\n✉️  digest to {', '.join(settings.digest_recipients)}: {subject}")
        say(f"   written to {html_path} and {text_path}")

    pages_path = phones.write_jsonl(pages, out / "pages.jsonl")
    texts = [p for p in pages if p.channel == "sms"]
    on_duty = wiring.team().on_duty(datetime.now(UTC)) or "sanne"
    board = wiring.alerts().links.board(on_duty, datetime.now(UTC))
    say(f"\n📄 every message as delivered: {pages_path} ({len(texts)} SMS, {len(pages)} in all)")
    say(f"🗂  {on_duty}'s shift board: {board}")
    say("   (the links open while `make serve` runs: it plays this morning and keeps serving)")

    stats = day_counters(wiring.state(), local_now.date().isoformat())
    stored = int(stats.get("total", 0))
    if own_stand_ins:
        stand_ins.stop()
    morning = answering.morning_alerts(
        settings.state_table, midnight.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    answered = answering.answered_share(morning, int(stats.get("sentiment#negative", 0)))
    say(f"💬 replies sent to the networks' stand-ins: {out / 'replies.jsonl'}")
    summary = {
        "mentions": stored,
        "negative": int(stats.get("sentiment#negative", 0)),
        "alerts": alerts,
        "pages": len({p.index for p in pages}),
        "sms": len(texts),
        "sms_max_segments": max((p.segments for p in texts), default=0),
        "sms_mean_segments": round(sum(p.segments for p in texts) / len(texts), 2) if texts else 0,
        "pages_jsonl": str(pages_path),
        "duplicates_dropped": accepted - stored,
        "recorded_mentions": len(recorded_ids),
        "digest_html": str(html_path) if sent else None,
        "replies": len(stand_ins.sent),
        "replies_jsonl": str(out / "replies.jsonl"),
        **answered,
    }
    if print_summary:
        print(json.dumps(summary))
    return summary


def write_parts(raw: str, out: Path, name: str) -> None:
    """An e-mail's HTML and text parts as out/<name>.html and out/<name>.txt."""
    for part in email.message_from_string(raw).walk():
        kind = {"text/html": "html", "text/plain": "txt"}.get(part.get_content_type())
        payload = part.get_payload(decode=True)
        if kind and isinstance(payload, bytes):
            (out / f"{name}.{kind}").write_bytes(payload)


def show_pages(say: Any, delivered: list[Any], when: str) -> list[Any]:
    """Print every message the managers' phones and mailboxes received, as they read it."""
    for record in delivered:
        if record.channel == "sms":
            size = f"{record.segments} segment{'s' if record.segments != 1 else ''}"
            say(f"\n📱 {when} — SMS to {record.recipient} ({size}, {record.encoding}):")
            say("   " + record.body)
        else:
            say(f"✉️  e-mail to {record.recipient}: {record.subject}")
    return delivered


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def press(client: Any, path: str, do: str, **fields: str) -> int:
    """Open a case page (changes nothing) and press one of its buttons, as a browser does."""
    opened = client.http.get(path)
    token = CSRF.search(opened.body.decode())
    if opened.status_code != 200 or token is None:
        return int(opened.status_code)
    answer = client.http.post(
        path,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode({"csrf": token.group(1), "do": do, **fields}).encode(),
    )
    return int(answer.status_code)


def path_of(link: str, base: str) -> str:
    return link.removeprefix(base)


def scheduled(client: Any, at: datetime) -> dict[str, Any]:
    event: dict[str, Any] = client.events.generate_cw_event("aws.events", "Scheduled Event", {}, [])
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


if __name__ == "__main__":
    sys.exit(main())
