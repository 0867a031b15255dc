"""The incident page: what the incident is, its posts newest first, actions for all of them.

Shown by the case desk (`case_desk.py`) for an incident's code and for the code of any of its
posts (the first post's page links led there), with the case page's security: a code
per recipient, a CSRF token spent on every POST, the strict CSP, no script, 390 px.

    ack     acknowledge the incident and every post in it not acknowledged yet
    resolve resolve all of them with one outcome, one note and one lesson
    answer  one reply per post, personalised per author: sent through the network's API
            where the stage has the channel and the network allows it, the rest shown
            ready to copy (`incident_replies.py`)
    split   one post leaves the incident and is a case of its own
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ... import untrusted
from ...errors import MalformedPayload
from ...i18n import N_, Lang
from ...model import OUTCOMES, Alert, parse_time
from ..paging import message
from ..paging.incidents.causes import Cause, label_of
from ..paging.incidents.registry import MAX_TRIES, Incidents
from ..record.acks import Acknowledgements
from ..record.records import AlertRecords
from . import incident_replies, views
from .incident_replies import DEFAULT_REPLY, drafts
from .replies import Replies

SHOWN = 50  # posts listed on the page, newest first ("and N more")
NOTICES = {  # translated where shown
    "ack": N_("Acknowledged: the incident and all its posts are yours."),
    "resolve": N_("Resolved: the incident and all its posts, with one outcome."),
    "answer": N_("One reply per post below: copy each, open the post, paste it."),
    "split": N_("Split out: that post is a case of its own now, on the board."),
}
ENDED = {"case": N_("choose how the case ended"), "incident": N_("choose how the incident ended")}


def posts_of(records: AlertRecords, incident: Alert) -> list[Alert]:
    """Its posts, newest first (at most `SHOWN`)."""
    wanted = list(reversed(incident.members))[:SHOWN]
    return [p for p in (records.get(i) for i in wanted) if p is not None]


def context(
    incident: Alert,
    raw: Mapping[str, Any],
    posts: list[Alert],
    *,
    now: datetime,
    timezone: str,
    lang: Lang,
) -> dict[str, Any]:
    age = max(0, int((now - parse_time(incident.created_at)).total_seconds() // 60))
    state = views.state_text(incident, lang)
    reach = int(raw.get("reach", 0))
    head = incident.members[0] if incident.members and not raw.get("declared") else ""
    rows = []
    for post in posts:
        card = post.card
        rows.append(
            {
                "id": post.id,
                "author": message.who(card),
                "reach": message.known_reach(card, lang),
                "platform": untrusted.line(str(card.get("source", ""))),
                "posted": views.local(
                    str(card.get("created_at") or ""), timezone, pattern="HH:mm", lang=lang
                ),
                "excerpt": message.first_words(str(card.get("excerpt", "")), 200),
                "url": untrusted.link(str(card.get("url") or "")),
                "state_text": lang.gettext(views.STATE_TEXT.get(post.state, post.state)),
                "splittable": post.id != head and post.state != "resolved",
            }
        )
    waiting = sum(1 for p in posts if p.state not in ("acknowledged", "resolved"))
    return {
        "id": incident.id,
        "label": untrusted.line(label_of(raw, lang) or lang.gettext("incident")),
        "count": incident.count,
        "reach": message.reach(reach, lang) if reach else "",
        "age": age,
        "state": incident.state,
        "state_text": state,
        "declared": bool(raw.get("declared")),
        "status_url": untrusted.link(str(raw.get("status_url") or "")),
        "expected_end": untrusted.line(str(raw.get("expected_end") or "")),
        "posts": rows,
        "more": max(0, incident.count - len(rows)),
        "waiting": waiting,
        "outcome": lang.gettext(views.OUTCOME_TEXT[incident.outcome]) if incident.outcome else "",
        "lesson": incident.lesson or "",
    }


def board_rows(
    incidents: Incidents, now: datetime, link: Any, timezone: str, lang: Lang
) -> tuple[list[dict[str, Any]], set[str]]:
    """The board's first section: each open incident (newest first), and the ids of the
    posts it stands for (the board leaves them out of its single cases)."""
    rows: list[tuple[str, dict[str, Any]]] = []
    members: set[str] = set()
    for incident_id in incidents.open_ids():
        raw = incidents.raw(incident_id)
        if raw is None:
            continue
        incident = Alert.from_dict(raw)
        if incident.state == "resolved":
            continue
        members.update(incident.members)
        facts = context(incident, raw, [], now=now, timezone=timezone, lang=lang)
        facts["url"] = link(incident)
        rows.append((incident.created_at, facts))
    return [r for _, r in sorted(rows, key=lambda r: r[0], reverse=True)], members


def resolution(form: Mapping[str, str], what: str) -> dict[str, str]:
    """How it ended, from a resolve form: an outcome (required), note, lesson, theme."""
    outcome = form.get("outcome", "")
    if outcome not in OUTCOMES:
        raise MalformedPayload(ENDED[what])
    return {
        "outcome": outcome,
        "note": form.get("note", ""),
        "lesson": form.get("lesson", ""),
        "lesson_theme": form.get("theme", ""),
    }


@dataclass(frozen=True)
class IncidentActions:
    """What the incident page shows and what its buttons do."""

    records: AlertRecords
    incidents: Incidents
    acks: Acknowledgements
    replies: Replies | None = None

    def page(
        self,
        incident: Alert,
        now: datetime,
        timezone: str,
        *,
        refusal: str,
        csrf: str,
        board_url: str,
        lang: Lang,
        reply: str = "",
    ) -> dict[str, Any]:
        """The incident page's context (`incident.html`) in `lang`."""
        posts = posts_of(self.records, incident)
        raw = self.incidents.raw(incident.id) or {}
        facts = context(incident, raw, posts, now=now, timezone=timezone, lang=lang)
        text = reply or DEFAULT_REPLY
        open_posts = incident.state != "acknowledged" or facts["waiting"] > 0
        return {
            "title": lang._("Incident: %(label)s", label=facts["label"]),
            "incident": facts,
            "readonly": refusal,
            "acting": not refusal,
            "ack": incident.state != "resolved" and open_posts,
            "csrf": csrf,
            "outcomes": [(o, lang.gettext(views.OUTCOME_TEXT[o])) for o in OUTCOMES],
            "reply": text,
            # where the stage has reply channels the button sends (each network that takes
            # a reply from us); else it prepares the replies to copy
            "reply_button": lang.gettext(
                N_("Send the replies") if self.replies else N_("Prepare the replies")
            ),
            "drafts": drafts([p for p in posts if not p.answered_at], text) if reply else [],
            "zone": timezone,
            "board_url": board_url,
        }

    def act(
        self, incident: Alert, who: str, form: Mapping[str, str], now: datetime, lang: Lang
    ) -> tuple[str, str]:
        """Do what the form asks; (notice in `lang`, the reply to draft). `MalformedPayload`
        names the field that will not do (its text marked for the catalogue)."""
        action, reply = form.get("do", ""), ""
        if action == "ack":
            self.acknowledge_all(incident, who, now)
        elif action == "resolve":
            self.resolve_all(incident, who, now, **resolution(form, "incident"))
        elif action == "answer":
            reply = form.get("reply", "").strip()
            if not reply:
                raise MalformedPayload(N_("reply: write the text to send to every author"))
            if self.replies is not None:
                return self.answer_all(incident, who, reply, now, lang), reply
        elif action == "split":
            if not self.split(incident, form.get("post", "")):
                raise MalformedPayload(N_("post: not a post of this incident that can be split"))
        else:
            raise MalformedPayload(N_("unknown action"))
        return lang.gettext(NOTICES[action]), reply

    def answer_all(
        self, incident: Alert, who: str, template: str, now: datetime, lang: Lang
    ) -> str:
        """Each post not answered yet its reply (`incident_replies.send_all`)."""
        assert self.replies is not None
        waiting = [p for p in posts_of(self.records, incident) if not p.answered_at]
        return incident_replies.send_all(self.replies, waiting, who, template, now, lang)

    def acknowledge_all(self, incident: Alert, who: str, now: datetime) -> int:
        """The incident and every post of it not acknowledged yet; how many posts changed."""
        self.acks.acknowledge_as(incident, who, now)
        changed = 0
        for member_id in incident.members:
            post = self.records.get(member_id)
            if post is not None and post.state not in ("acknowledged", "resolved"):
                changed += int(self.acks.acknowledge_as(post, who, now).changed)
        return changed

    def resolve_all(self, incident: Alert, who: str, now: datetime, **given: Any) -> None:
        """One outcome, note and lesson for the incident and each of its posts."""
        self.acks.resolve_as(incident, who, now, **given)
        for member_id in incident.members:
            post = self.records.get(member_id)
            if post is not None and post.state != "resolved":
                self.acks.resolve_as(post, who, now, **given)
        raw = self.incidents.raw(incident.id) or {}
        self.incidents.close(incident.id, str(raw.get("cause", "")))

    def declare(self, who: str, form: Mapping[str, str], now: datetime) -> Alert:
        """A declared incident from the board's form; `MalformedPayload` names the field."""
        kind = form.get("cause", "") or (self.incidents.kinds[0] if self.incidents.kinds else "")
        if kind not in self.incidents.kinds:
            raise MalformedPayload(N_("cause: not a kind of incident this team groups"))
        label = untrusted.line(form.get("label", ""), 80)
        if not label:
            raise MalformedPayload(N_('label: say what it is, e.g. "storing Amersfoort"'))
        status_url = untrusted.line(form.get("status_url", ""), 300)
        if status_url and not untrusted.link(status_url):
            raise MalformedPayload(N_("status_url: an http(s) link, or nothing"))
        towns = {t.strip().lower() for t in form.get("places", "").split(",") if t.strip()}
        return self.incidents.declare(
            Cause(kind, tuple(sorted(towns))[:10]),
            who=who,
            now=now,
            label=label,
            status_url=status_url,
            expected_end=untrusted.line(form.get("until", ""), 40),
        )

    def split(self, incident: Alert, post_id: str) -> bool:
        """`post_id` leaves the incident: a case of its own (on the board, as it stands);
        the incident's count, reach and members without it. Not its first post."""
        incident_id = incident.id
        for _ in range(MAX_TRIES):
            item = self.incidents.raw(incident_id)
            post = self.records.get(post_id)
            if item is None or post is None:
                return False
            current = Alert.from_dict(item)
            first = current.members[0] if current.members and not item.get("declared") else ""
            if post_id not in current.members or post_id == first:
                return False  # not in it, or its first post (the incident stands for it)
            followers = int(post.card.get("followers") or 0)
            members = [m for m in current.members if m != post_id]
            changes = {
                "members": members,
                "count": len(members),
                "reach": max(0, int(item.get("reach", 0)) - followers),
            }
            if self.records.change(incident_id, changes, expect={"count": current.count}):
                self.records.change(post_id, {"incident_id": None})
                return True
        return False
