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
from chalicelib.i18n import EN, LOCALES, N_, Lang, Phrase, choose
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
                    raise CommandError(
                        Phrase(N_("unknown time zone: %(zone)s"), zone=str(error))
                    ) from error
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
            print(_lang().gettext("(local moto stack: state lasts for this run)"), file=out)
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
        raise CommandError(Phrase(N_("--cause must be one of: %(kinds)s"), kinds=kinds))
    if team.manager(args.by) is None:
        raise CommandError(
            Phrase(N_("unknown manager %(id)s (add-manager first)"), id=repr(args.by))
        )
    if args.status_url and not args.status_url.startswith(("https://", "http://")):
        raise CommandError(N_("--status-url must be an http(s) link"))
    places = tuple(sorted({p.strip().lower() for p in args.places.split(",") if p.strip()}))
    incident = incidents.declare(
        Cause(args.cause, places),
        who=args.by,
        now=now,
        label=args.label,
        status_url=args.status_url,
        expected_end=args.until,
    )
    said = _lang()._(
        "declared %(id)s: %(label)s (held by %(who)s)",
        id=incident.id,
        label=incident.card["label"],
        who=args.by,
    )
    print(said, file=out)


def _incidents(out: TextIO) -> None:
    incidents = wiring.alerts().incidents
    lang, found = _lang(), 0
    for incident_id in incidents.open_ids():
        raw = incidents.raw(incident_id) or {}
        label = raw.get("card", {}).get("label", "")
        count = int(raw.get("count", 0))
        posts = lang.n_("%(num)s post", "%(num)s posts", count)
        print(f"{incident_id:<60} {raw.get('state', ''):<13} {posts:>9}  {label}", file=out)
        found += 1
    if not found:
        print(lang.gettext("no open incidents"), file=out)


def _end_incident(args: argparse.Namespace, now: datetime, out: TextIO) -> None:
    service = wiring.alerts()
    incident = service.get(args.id)
    if incident is None or incident.kind != "incident":
        raise CommandError(Phrase(N_("no incident %(id)s (see incidents)"), id=repr(args.id)))
    service.desk.incidents.resolve_all(
        incident, args.by, now, outcome=args.outcome, lesson=args.lesson, lesson_theme=args.theme
    )
    lang = _lang()
    said = lang.n_(
        "ended %(id)s: %(outcome)s, %(num)s post resolved",
        "ended %(id)s: %(outcome)s, %(num)s posts resolved",
        incident.count,
        id=args.id,
        outcome=args.outcome,
    )
    print(said, file=out)


def _managers(team: Team, out: TextIO) -> None:
    managers, lang = team.managers(), _lang()
    if not managers:
        print(lang.gettext("no managers yet: add one with add-manager"), file=out)
    for m in managers:
        contact = ", ".join(x for x in (m.email, m.phone) if x) or lang.gettext("no contact")
        reads = lang._(", reads %(code)s", code=m.locale) if m.locale else ""
        count = lang.n_("%(num)s subscription", "%(num)s subscriptions", len(m.subscriptions))
        print(f"{m.id:<12} {m.name:<20} {contact}  ({count}{reads})", file=out)


def _add_manager(args: argparse.Namespace, team: Team, out: TextIO) -> None:
    if not args.email and not args.phone:
        raise CommandError(N_("give --email and/or --phone: a manager must be reachable"))
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
    lang = _lang()
    done = (
        N_("updated %(id)s: %(count)s subscription(s), filtered to recipient=%(id)s")
        if previous
        else N_("added %(id)s: %(count)s subscription(s), filtered to recipient=%(id)s")
    )
    print(lang._(done, id=manager.id, count=len(arns)), file=out)
    if manager.email:
        confirm = N_("  %(email)s must confirm the e-mail AWS sends before alerts arrive")
        print(lang._(confirm, email=manager.email), file=out)


def _remove_manager(args: argparse.Namespace, team: Team, out: TextIO) -> None:
    manager = team.manager(args.id)
    if manager is None:
        raise CommandError(Phrase(N_("no manager %(id)s"), id=repr(args.id)))
    rotation = team.rotation()
    if rotation and args.id in (*rotation.managers, *rotation.backups, rotation.lead):
        raise CommandError(
            Phrase(N_("%(id)s is in the rotation: set the rotation without them first"), id=args.id)
        )
    notifier = wiring.notifier()
    for arn in manager.subscriptions:
        notifier.unsubscribe(arn)
    team.remove_manager(args.id)
    said = _lang()._(
        "removed %(id)s and %(count)s subscription(s);"
        " their board passes and case links no longer work",
        id=args.id,
        count=len(manager.subscriptions),
    )
    print(said, file=out)


def _revoke(args: argparse.Namespace, team: Team, out: TextIO) -> None:
    if team.manager(args.id) is None:
        raise CommandError(Phrase(N_("no manager %(id)s"), id=repr(args.id)))
    team.revoke(args.id)
    said = _lang()._(
        "withdrew every board pass and case link of %(id)s;"
        " their next page, hand-over or shift brings new ones",
        id=args.id,
    )
    print(said, file=out)


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(",") if n.strip())


def _set_rotation(args: argparse.Namespace, team: Team, out: TextIO) -> None:
    managers, backups = _names(args.managers), _names(args.backups)
    known = {m.id for m in team.managers()}
    unknown = [n for n in (*managers, *backups, args.lead) if n and n not in known]
    if unknown:
        raise CommandError(
            Phrase(N_("unknown manager(s): %(ids)s (add-manager first)"), ids=", ".join(unknown))
        )
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
    said = _lang()._(
        "rotation set: %(managers)s; %(shift)s shifts, handoff %(handoff)s %(zone)s",
        managers=", ".join(managers),
        shift=args.shift,
        handoff=args.handoff,
        zone=rotation.timezone,
    )
    print(said, file=out)


def _add_override(args: argparse.Namespace, team: Team, out: TextIO) -> None:
    if team.manager(args.manager) is None:
        raise CommandError(
            Phrase(N_("unknown manager %(id)s (add-manager first)"), id=repr(args.manager))
        )
    zone = _zone(team)
    override = Override(
        manager=args.manager,
        start=_moment(args.start, zone),
        end=_moment(args.end, zone),
        replaces=args.replaces or None,
    )
    team.add_override(override)
    lang = _lang()
    said = lang._(
        "override added (%(key)s): %(what)s", key=override.key, what=_describe(override, zone, lang)
    )
    print(said, file=out)


def _remove_override(args: argparse.Namespace, team: Team, out: TextIO) -> None:
    if not keys.is_override(args.key):
        raise CommandError(N_("that is not an override key (see show for the keys)"))
    team.remove_override(args.key)
    print(_lang()._("override removed: %(key)s", key=args.key), file=out)


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
            raise CommandError(N_("--storm looks like 5/10 (more than 5 in 10 minutes)")) from exc
        changes.update(storm_max=most, storm_window_minutes=minutes)
    if args.quiet:
        changes["quiet_start"], changes["quiet_end"] = parse_quiet(args.quiet)
    if args.link_hours is not None:
        changes["link_ttl_hours"] = args.link_hours
    if args.bands:
        try:
            high, normal = (float(x) for x in args.bands.split("/"))
        except ValueError as exc:
            raise CommandError(
                N_("--bands looks like 60/40 (high from 60, normal from 40)")
            ) from exc
        if not 0 <= normal <= high <= 100:
            raise CommandError(N_("--bands: 0 <= normal <= high <= 100"))
        changes.update(high_from=high, normal_from=normal)
    policy = policy.with_(**changes)
    team.set_policy(policy)
    lang = _lang()
    print(lang._("policy set: %(policy)s", policy=describe_policy(policy, lang)), file=out)


def show(team: Team, now: datetime, out: TextIO) -> None:
    rotation = team.rotation()
    zone, lang = _zone(team), _lang()
    if rotation is None:
        print(lang.gettext("no rotation yet: set one with set-rotation"), file=out)
        return
    now_line = lang._(
        "Now   %(when)s: %(who)s", when=_clock(now, zone, lang), who=_who(team.on_call(now), lang)
    )
    print(now_line, file=out)
    change = team.next_change(now)
    if change is None:
        print(lang.gettext("Next  no change in the next 60 days"), file=out)
    else:
        at, then = change
        line = lang._("Next  %(when)s: %(who)s", when=_clock(at, zone, lang), who=_who(then, lang))
        print(line, file=out)
    days = (
        lang.gettext("daily")
        if rotation.shift_days == 1
        else lang._("every %(count)s days", count=rotation.shift_days)
    )
    said = lang._(
        "Rotation %(managers)s; %(days)s, handoff %(handoff)s %(zone)s; lead %(lead)s",
        managers=", ".join(rotation.managers),
        days=days,
        handoff=f"{rotation.handoff:%H:%M}",
        zone=rotation.timezone,
        lead=rotation.lead or "-",
    )
    print(said, file=out)
    for override in team.overrides(current_at=now):
        what = _describe(override, zone, lang)
        print(lang._("Override %(what)s  [%(key)s]", what=what, key=override.key), file=out)
    print(lang._("Policy %(policy)s", policy=describe_policy(team.policy(), lang)), file=out)


def _test_page(args: argparse.Namespace, team: Team, now: datetime, out: TextIO) -> None:
    recipient = args.id or team.on_duty(now)
    if not recipient or team.manager(recipient) is None:
        raise CommandError(N_("nobody to page: give a manager id, or set a rotation"))
    # what the manager reads: in their language (their own, else the team's)
    lang = Lang(choose(team.locale_of(recipient), wiring.settings().locale))
    text = lang._(
        "Test page for %(who)s, sent %(when)s. No action needed.",
        who=recipient,
        when=lang.moment(now, "EEE d MMM HH:mm", _zone(team)),
    )
    subject = lang.gettext("[TEST] Webcare on-call test page")
    message_id = wiring.notifier().publish(recipient, subject, text, text, "test")
    said = _lang()._("test page sent to %(who)s (SNS message %(id)s)", who=recipient, id=message_id)
    print(said, file=out)


def _open_alerts(now: datetime, out: TextIO) -> None:
    service = wiring.alerts()
    far = now + timedelta(days=365)
    unacknowledged = [a for a in service.due(far) if a.state != "acknowledged"]  # no reminders
    found = sorted(unacknowledged + service.held(), key=lambda a: a.created_at)
    lang = _lang()
    if not found:
        print(lang.gettext("no open alerts"), file=out)
    for alert in found:
        held = lang._("held (%(why)s)", why=alert.held_reason)
        waiting = held if alert.state == "held" else alert.state
        step = lang._("step %(n)s", n=alert.escalation_level + 1) if alert.state != "held" else ""
        print(
            f"{alert.created_at}  {alert.id:<40} {waiting:<20} {alert.recipient:<10} {step}",
            file=out,
        )


def describe_policy(policy: Policy, lang: Lang = EN) -> str:
    after = policy.escalate_after
    return lang._(
        "priority high from %(high)s, normal from %(normal)s; escalate after high %(h)s /"
        " normal %(n)s / low %(low)s min, chain repeated %(repeats)sx; storm: more than"
        " %(most)s in %(window)s min grouped; quiet hours %(quiet)s (low priority only);"
        " links valid %(hours)s h",
        high=f"{policy.high_from:g}",
        normal=f"{policy.normal_from:g}",
        h=after["high"],
        n=after["normal"],
        low=after["low"],
        repeats=policy.max_repeats,
        most=policy.storm_max,
        window=policy.storm_window_minutes,
        quiet=quiet_text(policy.quiet_start, policy.quiet_end),
        hours=policy.link_ttl_hours,
    )


def _lang() -> Lang:
    """The team's language (TEAM_LOCALE): what the lead reads."""
    return Lang(wiring.settings().locale)


def _who(on_call: OnCall, lang: Lang = EN) -> str:
    return lang._(
        "primary %(primary)s · backup %(backup)s · lead %(lead)s",
        primary=on_call.primary or "-",
        backup=on_call.backup or "-",
        lead=on_call.lead or "-",
    )


def _describe(override: Override, zone: str, lang: Lang = EN) -> str:
    start, end = _clock(override.start, zone, lang), _clock(override.end, zone, lang)
    if override.replaces:
        return lang._(
            "%(who)s covers for %(other)s from %(start)s until %(end)s",
            who=override.manager,
            other=override.replaces,
            start=start,
            end=end,
        )
    return lang._(
        "%(who)s is primary from %(start)s until %(end)s",
        who=override.manager,
        start=start,
        end=end,
    )


def _zone(team: Team) -> str:
    rotation = team.rotation()
    return rotation.timezone if rotation else wiring.settings().timezone


def _moment(text: str, zone: str) -> datetime:
    """ISO 8601; without an offset it is the team's local time."""
    try:
        naive = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(
            Phrase(N_("not a date and time: %(text)s (e.g. 2026-12-24T09:00)"), text=repr(text))
        ) from exc
    if naive.tzinfo is None:
        return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))
    return parse_time(text)


def _clock(moment: datetime, zone: str, lang: Lang = EN) -> str:
    """ "Mon 23 Nov 2026 10:00 CET"; in Dutch "ma 23 nov 2026 10:00 CET" (Babel's English
    would write the zone as +0100)."""
    if lang.code == "en":
        return moment.astimezone(ZoneInfo(zone)).strftime("%a %d %b %Y %H:%M %Z")
    return lang.moment(moment, "EEE dd MMM y HH:mm z", zone)
