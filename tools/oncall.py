"""`python -m tools oncall …`: the team lead's on-call commands.

    managers                                  list managers and their subscriptions
    add-manager ID --name N [--email E] [--phone +31…]
    remove-manager ID                         (their board passes and case codes die at once)
    revoke ID                                 withdraw a manager's links (a lost phone)
    set-rotation --managers a,b,c --start YYYY-MM-DD [--shift weekly|daily] [--handoff 09:00]
                 [--backups x,y] [--lead ID] [--timezone Europe/Amsterdam]
    add-override MANAGER --from 2026-12-24T09:00 --until 2026-12-27T09:00 [--for ID]
    remove-override KEY
    set-policy [--high 5] [--normal 10] [--low 20] [--repeat 1] [--storm 5/10]
               [--quiet 22:00-07:00|off] [--link-hours 24] [--bands 60/40]
    show                                      who is on duty now and next
    test-page [ID]                            a test page (default: whoever is on duty)
    alerts                                    alerts not acknowledged yet (paged or held)
    saved-replies, set-saved-reply, remove-saved-reply, set-status-page
                                              the team's saved replies (tools/saved.py)

Against AWS by default (the stage's names: the environment in place, or `--stage`'s from
`.chalice/config.json`, see tools/stage.py); `--local` runs against moto in this
process with the stack deployed — its state lasts one run, so chain commands with `+`:

    python -m tools oncall --local add-manager ann --name Ann --email ann@example.com \\
        + set-rotation --managers ann --start 2026-11-23 + show
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib import wiring
from chalicelib.alerts.paging.incidents import Cause
from chalicelib.alerts.roster.policy import Policy, parse_quiet, quiet_text
from chalicelib.alerts.roster.rotation import SHIFTS, OnCall, Override, Rotation
from chalicelib.alerts.roster.team import Manager, Team
from chalicelib.errors import CommandError
from chalicelib.i18n import LOCALES, Lang, choose
from chalicelib.model import OUTCOMES, parse_time, utc_now
from chalicelib.store import keys

from . import saved, stage

SEPARATOR = "+"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m tools oncall",
        description="Manage the webcare on-call rotation and see who is on duty.",
    )
    stage.add_arguments(top)
    top.add_argument("--at", help="pretend it is this moment (ISO 8601; local if no offset)")
    commands = top.add_subparsers(dest="command", required=True, metavar="command")

    commands.add_parser("managers", help="list managers")

    add = commands.add_parser("add-manager", help="add (or update) a manager and subscribe them")
    add.add_argument("id")
    add.add_argument("--name", default="")
    add.add_argument("--email", default="")
    add.add_argument("--phone", default="", help="E.164, e.g. +31612345678")
    add.add_argument(
        "--locale",
        default="",
        choices=("", *LOCALES),
        help="their own language where it differs from the team's (TEAM_LOCALE)",
    )

    remove = commands.add_parser("remove-manager", help="remove a manager and their subscriptions")
    remove.add_argument("id")

    revoke = commands.add_parser("revoke", help="withdraw a manager's board passes and codes")
    revoke.add_argument("id")

    rotation = commands.add_parser("set-rotation", help="set the rotation")
    rotation.add_argument("--managers", required=True, help="comma-separated, in order")
    rotation.add_argument("--start", required=True, help="local date of the first handoff")
    rotation.add_argument("--shift", choices=sorted(SHIFTS), default="weekly")
    rotation.add_argument("--handoff", default="09:00", help="local time of the handoff")
    rotation.add_argument("--backups", default="", help="own backup rotation (default: next)")
    rotation.add_argument("--lead", default="", help="team lead: the last escalation")
    rotation.add_argument("--timezone", default="", help="default: the app's TEAM_TIMEZONE")

    override = commands.add_parser("add-override", help="a manager covers from..until")
    override.add_argument("manager")
    override.add_argument("--from", dest="start", required=True)
    override.add_argument("--until", dest="end", required=True)
    override.add_argument("--for", dest="replaces", default="", help="whom they cover for")

    drop = commands.add_parser("remove-override", help="remove an override by its key")
    drop.add_argument("key")

    policy = commands.add_parser("set-policy", help="escalation, storm and quiet-hours rules")
    policy.add_argument("--high", type=int, help="minutes before a high alert escalates")
    policy.add_argument("--normal", type=int)
    policy.add_argument("--low", type=int)
    policy.add_argument("--repeat", type=int, help="times the chain is paged again")
    policy.add_argument("--storm", help="MAX/MINUTES: more than MAX in MINUTES is grouped")
    policy.add_argument("--quiet", help="22:00-07:00 or off (low priority only)")
    policy.add_argument("--link-hours", type=int, help="how long acknowledge links work")
    policy.add_argument("--bands", help="HIGH/NORMAL priority thresholds, e.g. 60/40")

    commands.add_parser("show", help="who is on duty now and next")

    test = commands.add_parser("test-page", help="send a test page (default: who is on duty)")
    test.add_argument("id", nargs="?", default="")

    commands.add_parser("alerts", help="alerts not acknowledged yet (paged or held)")
    saved.add_commands(commands)

    declare = commands.add_parser(
        "declare-incident", help="declare an incident: matching posts join it without paging"
    )
    declare.add_argument("--cause", default="outage", help="an urgency kind (INCIDENT_KINDS)")
    declare.add_argument("--places", default="", help="towns, comma-separated: amersfoort,utrecht")
    declare.add_argument("--label", default="", help='what it is: "storing Amersfoort"')
    declare.add_argument("--status-url", default="", help="the status page (https://...)")
    declare.add_argument("--until", default="", help="the expected end, as the team says it")
    declare.add_argument("--by", required=True, help="the manager who holds it (the lead)")

    commands.add_parser("incidents", help="open incidents: declared and grouped")

    end = commands.add_parser("end-incident", help="resolve an incident and all its posts")
    end.add_argument("id", help="the incident's id (see incidents)")
    end.add_argument("--outcome", required=True, choices=OUTCOMES)
    end.add_argument("--lesson", default="")
    end.add_argument("--theme", default="")
    end.add_argument("--by", required=True)
    return top


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    out = out or sys.stdout
    top = parser()
    globals_, chunks = _split(argv)
    try:
        runs = [top.parse_args([*globals_, *chunk]) for chunk in chunks]
    except SystemExit as exit_:
        return int(exit_.code or 0)
    first = runs[0]

    def work() -> int:
        with _environment(first.local, first.stage, out):
            for args in runs:
                now = _moment(args.at, wiring.settings().timezone) if args.at else utc_now()
                try:
                    run(args, wiring.team(), now, out)
                except ZoneInfoNotFoundError as error:
                    raise CommandError(f"unknown time zone: {error}") from error
        return 0

    return stage.guarded(work)


def _split(argv: list[str]) -> tuple[list[str], list[list[str]]]:
    """Global options (before the first command) and one argument list per command."""
    chunks: list[list[str]] = [[]]
    for arg in argv:
        if arg == SEPARATOR:
            chunks.append([])
        else:
            chunks[-1].append(arg)
    first = chunks[0]
    globals_: list[str] = []
    while first and first[0].startswith("--"):
        option = first.pop(0)
        globals_.append(option)
        if option in ("--stage", "--at") and first:
            globals_.append(first.pop(0))
    return globals_, [c for c in chunks if c] or [[]]


@contextmanager
def _environment(local: bool, stage_name: str | None, out: TextIO) -> Iterator[None]:
    """Put the app's environment in place (this is the CLI's edge), then build services."""
    with stage.opened(stage_name, local=local):
        if local:
            print("(local moto stack: state lasts for this run)", file=out)
        yield


# ---------------------------------------------------------------- the commands


def run(args: argparse.Namespace, team: Team, now: datetime, out: TextIO) -> None:
    command = args.command.replace("-", "_")
    if command in saved.COMMANDS:
        saved.run(args, out)
        return
    {
        "managers": lambda: _managers(team, out),
        "add_manager": lambda: _add_manager(args, team, out),
        "remove_manager": lambda: _remove_manager(args, team, out),
        "revoke": lambda: _revoke(args, team, out),
        "set_rotation": lambda: _set_rotation(args, team, out),
        "add_override": lambda: _add_override(args, team, out),
        "remove_override": lambda: _remove_override(args, team, out),
        "set_policy": lambda: _set_policy(args, team, out),
        "show": lambda: show(team, now, out),
        "test_page": lambda: _test_page(args, team, now, out),
        "alerts": lambda: _open_alerts(now, out),
        "declare_incident": lambda: _declare_incident(args, team, now, out),
        "incidents": lambda: _incidents(out),
        "end_incident": lambda: _end_incident(args, now, out),
    }[command]()


def _declare_incident(args: argparse.Namespace, team: Team, now: datetime, out: TextIO) -> None:
    incidents = wiring.alerts().incidents
    if args.cause not in incidents.kinds:
        kinds = ", ".join(incidents.kinds) or "none (INCIDENT_KINDS is empty)"
        raise CommandError(f"--cause must be one of: {kinds}")
    if team.manager(args.by) is None:
        raise CommandError(f"unknown manager {args.by!r} (add-manager first)")
    if args.status_url and not args.status_url.startswith(("https://", "http://")):
        raise CommandError("--status-url must be an http(s) link")
    places = tuple(sorted({p.strip().lower() for p in args.places.split(",") if p.strip()}))
    incident = incidents.declare(
        Cause(args.cause, places),
        who=args.by,
        now=now,
        label=args.label,
        status_url=args.status_url,
        expected_end=args.until,
    )
    print(f"declared {incident.id}: {incident.card['label']} (held by {args.by})", file=out)


def _incidents(out: TextIO) -> None:
    incidents = wiring.alerts().incidents
    found = 0
    for incident_id in incidents.open_ids():
        raw = incidents.raw(incident_id) or {}
        label = raw.get("card", {}).get("label", "")
        print(
            f"{incident_id:<60} {raw.get('state', ''):<13} {int(raw.get('count', 0)):>4} posts"
            f"  {label}",
            file=out,
        )
        found += 1
    if not found:
        print("no open incidents", file=out)


def _end_incident(args: argparse.Namespace, now: datetime, out: TextIO) -> None:
    service = wiring.alerts()
    incident = service.get(args.id)
    if incident is None or incident.kind != "incident":
        raise CommandError(f"no incident {args.id!r} (see incidents)")
    service.desk.incidents.resolve_all(
        incident, args.by, now, outcome=args.outcome, lesson=args.lesson, lesson_theme=args.theme
    )
    print(f"ended {args.id}: {args.outcome}, {incident.count} posts resolved", file=out)


def _managers(team: Team, out: TextIO) -> None:
    managers = team.managers()
    if not managers:
        print("no managers yet: add one with add-manager", file=out)
    for m in managers:
        contact = ", ".join(x for x in (m.email, m.phone) if x) or "no contact"
        reads = f", reads {m.locale}" if m.locale else ""
        print(
            f"{m.id:<12} {m.name:<20} {contact}  ({len(m.subscriptions)} subscriptions{reads})",
            file=out,
        )


def _add_manager(args: argparse.Namespace, team: Team, out: TextIO) -> None:
    if not args.email and not args.phone:
        raise CommandError("give --email and/or --phone: a manager must be reachable")
    manager = Manager(
        args.id,
        args.name or args.id.title(),
        email=args.email,
        phone=args.phone,
        locale=args.locale,
    )
    notifier = wiring.notifier()
    previous = team.manager(args.id)
    for arn in previous.subscriptions if previous else ():
        notifier.unsubscribe(arn)
    arns = []
    if manager.email:
        arns.append(notifier.subscribe(manager.id, "email", manager.email))
    if manager.phone:
        arns.append(notifier.subscribe(manager.id, "sms", manager.phone))
    team.add_manager(Manager(**{**manager.to_dict(), "subscriptions": tuple(arns)}))
    verb = "updated" if previous else "added"
    print(
        f"{verb} {manager.id}: {len(arns)} subscription(s), filtered to recipient={manager.id}",
        file=out,
    )
    if manager.email:
        print(f"  {manager.email} must confirm the e-mail AWS sends before alerts arrive", file=out)


def _remove_manager(args: argparse.Namespace, team: Team, out: TextIO) -> None:
    manager = team.manager(args.id)
    if manager is None:
        raise CommandError(f"no manager {args.id!r}")
    rotation = team.rotation()
    if rotation and args.id in (*rotation.managers, *rotation.backups, rotation.lead):
        raise CommandError(f"{args.id} is in the rotation: set the rotation without them first")
    notifier = wiring.notifier()
    for arn in manager.subscriptions:
        notifier.unsubscribe(arn)
    team.remove_manager(args.id)
    print(
        f"removed {args.id} and {len(manager.subscriptions)} subscription(s);"
        " their board passes and case links no longer work",
        file=out,
    )


def _revoke(args: argparse.Namespace, team: Team, out: TextIO) -> None:
    if team.manager(args.id) is None:
        raise CommandError(f"no manager {args.id!r}")
    team.revoke(args.id)
    print(
        f"withdrew every board pass and case link of {args.id};"
        " their next page, hand-over or shift brings new ones",
        file=out,
    )


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(",") if n.strip())


def _set_rotation(args: argparse.Namespace, team: Team, out: TextIO) -> None:
    managers, backups = _names(args.managers), _names(args.backups)
    known = {m.id for m in team.managers()}
    unknown = [n for n in (*managers, *backups, args.lead) if n and n not in known]
    if unknown:
        raise CommandError(f"unknown manager(s): {', '.join(unknown)} (add-manager first)")
    rotation = Rotation(
        managers=managers,
        start=date.fromisoformat(args.start),
        shift_days=SHIFTS[args.shift],
        handoff=time.fromisoformat(args.handoff),
        timezone=args.timezone or wiring.settings().timezone,
        backups=backups,
        lead=args.lead or None,
    )
    ZoneInfo(rotation.timezone)  # refuse an unknown zone before storing it
    team.set_rotation(rotation)
    print(
        f"rotation set: {', '.join(managers)}; {args.shift} shifts, handoff {args.handoff}"
        f" {rotation.timezone}",
        file=out,
    )


def _add_override(args: argparse.Namespace, team: Team, out: TextIO) -> None:
    if team.manager(args.manager) is None:
        raise CommandError(f"unknown manager {args.manager!r} (add-manager first)")
    zone = _zone(team)
    override = Override(
        manager=args.manager,
        start=_moment(args.start, zone),
        end=_moment(args.end, zone),
        replaces=args.replaces or None,
    )
    team.add_override(override)
    print(f"override added ({override.key}): {_describe(override, zone)}", file=out)


def _remove_override(args: argparse.Namespace, team: Team, out: TextIO) -> None:
    if not keys.is_override(args.key):
        raise CommandError("that is not an override key (see show for the keys)")
    team.remove_override(args.key)
    print(f"override removed: {args.key}", file=out)


def _set_policy(args: argparse.Namespace, team: Team, out: TextIO) -> None:
    policy = team.policy()
    after = dict(policy.escalate_after)
    for band in ("high", "normal", "low"):
        if getattr(args, band) is not None:
            after[band] = getattr(args, band)
    changes: dict[str, object] = {"escalate_after": after}
    if args.repeat is not None:
        changes["max_repeats"] = args.repeat
    if args.storm:
        try:
            most, minutes = (int(x) for x in args.storm.split("/"))
        except ValueError as exc:
            raise CommandError("--storm looks like 5/10 (more than 5 in 10 minutes)") from exc
        changes.update(storm_max=most, storm_window_minutes=minutes)
    if args.quiet:
        changes["quiet_start"], changes["quiet_end"] = parse_quiet(args.quiet)
    if args.link_hours is not None:
        changes["link_ttl_hours"] = args.link_hours
    if args.bands:
        try:
            high, normal = (float(x) for x in args.bands.split("/"))
        except ValueError as exc:
            raise CommandError("--bands looks like 60/40 (high from 60, normal from 40)") from exc
        if not 0 <= normal <= high <= 100:
            raise CommandError("--bands: 0 <= normal <= high <= 100")
        changes.update(high_from=high, normal_from=normal)
    policy = policy.with_(**changes)
    team.set_policy(policy)
    print("policy set: " + describe_policy(policy), file=out)


def show(team: Team, now: datetime, out: TextIO) -> None:
    rotation = team.rotation()
    zone = _zone(team)
    if rotation is None:
        print("no rotation yet: set one with set-rotation", file=out)
        return
    print(f"Now   {_clock(now, zone)}: {_who(team.on_call(now))}", file=out)
    change = team.next_change(now)
    if change is None:
        print("Next  no change in the next 60 days", file=out)
    else:
        at, then = change
        print(f"Next  {_clock(at, zone)}: {_who(then)}", file=out)
    days = "daily" if rotation.shift_days == 1 else f"every {rotation.shift_days} days"
    print(
        f"Rotation {', '.join(rotation.managers)}; {days}, handoff {rotation.handoff:%H:%M}"
        f" {rotation.timezone}; lead {rotation.lead or '-'}",
        file=out,
    )
    for override in team.overrides(current_at=now):
        print(f"Override {_describe(override, zone)}  [{override.key}]", file=out)
    print("Policy " + describe_policy(team.policy()), file=out)


def _test_page(args: argparse.Namespace, team: Team, now: datetime, out: TextIO) -> None:
    recipient = args.id or team.on_duty(now)
    if not recipient or team.manager(recipient) is None:
        raise CommandError("nobody to page: give a manager id, or set a rotation")
    # what the manager reads: in their language (their own, else the team's)
    lang = Lang(choose(team.locale_of(recipient), wiring.settings().locale))
    text = lang._(
        "Test page for %(who)s, sent %(when)s. No action needed.",
        who=recipient,
        when=lang.moment(now, "EEE d MMM HH:mm", _zone(team)),
    )
    subject = lang.gettext("[TEST] Webcare on-call test page")
    message_id = wiring.notifier().publish(recipient, subject, text, text, "test")
    print(f"test page sent to {recipient} (SNS message {message_id})", file=out)


def _open_alerts(now: datetime, out: TextIO) -> None:
    service = wiring.alerts()
    far = now + timedelta(days=365)
    unacknowledged = [a for a in service.due(far) if a.state != "acknowledged"]  # no reminders
    found = sorted(unacknowledged + service.held(), key=lambda a: a.created_at)
    if not found:
        print("no open alerts", file=out)
    for alert in found:
        waiting = f"held ({alert.held_reason})" if alert.state == "held" else alert.state
        step = f"step {alert.escalation_level + 1}" if alert.state != "held" else ""
        print(
            f"{alert.created_at}  {alert.id:<40} {waiting:<20} {alert.recipient:<10} {step}",
            file=out,
        )


def describe_policy(policy: Policy) -> str:
    after = policy.escalate_after
    return (
        f"priority high from {policy.high_from:g}, normal from {policy.normal_from:g}; "
        f"escalate after high {after['high']} / normal {after['normal']} / low {after['low']} min,"
        f" chain repeated {policy.max_repeats}x; storm: more than {policy.storm_max} in"
        f" {policy.storm_window_minutes} min grouped; quiet hours"
        f" {quiet_text(policy.quiet_start, policy.quiet_end)} (low priority only);"
        f" links valid {policy.link_ttl_hours} h"
    )


def _who(on_call: OnCall) -> str:
    return (
        f"primary {on_call.primary or '-'} · backup {on_call.backup or '-'}"
        f" · lead {on_call.lead or '-'}"
    )


def _describe(override: Override, zone: str) -> str:
    instead = f"covers for {override.replaces}" if override.replaces else "is primary"
    return (
        f"{override.manager} {instead} from {_clock(override.start, zone)}"
        f" until {_clock(override.end, zone)}"
    )


def _zone(team: Team) -> str:
    rotation = team.rotation()
    return rotation.timezone if rotation else wiring.settings().timezone


def _moment(text: str, zone: str) -> datetime:
    """ISO 8601; without an offset it is the team's local time."""
    try:
        naive = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date and time: {text!r} (e.g. 2026-12-24T09:00)") from exc
    if naive.tzinfo is None:
        return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))
    return parse_time(text)


def _clock(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%a %d %b %Y %H:%M %Z")
