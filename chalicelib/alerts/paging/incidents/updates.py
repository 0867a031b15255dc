"""Every minute: one follow-up per open incident at most every `UPDATE_EVERY`.

"outage Amersfoort: +5 posts, 184k reach, oldest 6 min <link>": one GSM-7 segment (and an
e-mail), to whoever has the incident (its holder, else the first person paged), when posts
joined since the last message. The update of `reported` expects the value read, so two
overlapping runs never send the same follow-up twice. A resolved incident leaves the open
list here (`Incidents.close`), so no post joins it any more.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from ....i18n import Lang
from ....model import Alert, iso, parse_time
from ...record.records import AlertRecords
from ...roster.policy import RESOLVE_TTL_FACTOR
from ...roster.team import Team
from .. import message, sms
from ..delivery import UNASSIGNED, Delivery
from ..escalation import isolated
from ..tick import Tick
from .causes import label_of
from .registry import Incidents

UPDATE_EVERY = timedelta(minutes=5)


def update_text(label: str, new_posts: int, reach: int, oldest_minutes: int, lang: Lang) -> str:
    """The follow-up's line in the reader's language (an SMS: GSM-7 once `sms` folds it)."""
    posts = lang.n_("+%(num)s post", "+%(num)s posts", new_posts)
    known = lang._(", %(reach)s reach", reach=message.reach(reach, lang)) if reach else ""
    return lang._(
        "%(label)s: %(posts)s%(reach)s, oldest %(minutes)s min",
        label=label,
        posts=posts,
        reach=known,
        minutes=oldest_minutes,
    )


class IncidentUpdates:
    def __init__(
        self,
        *,
        incidents: Incidents,
        records: AlertRecords,
        team: Team,
        delivery: Delivery,
        every: timedelta = UPDATE_EVERY,
    ) -> None:
        self._incidents = incidents
        self._records = records
        self._team = team
        self._delivery = delivery
        self._every = every

    def run(self, now: datetime, tick: Tick) -> None:
        for incident_id in list(self._incidents.open_ids()):
            item = self._incidents.raw(incident_id)
            if item is None:
                continue
            incident = Alert.from_dict(item)
            if incident.state == "resolved":
                self._incidents.close(incident.id, str(item.get("cause", "")))
                continue
            work = functools.partial(self._update_one, incident, item, now, tick)
            isolated(incident, tick, work)

    def _update_one(
        self, incident: Alert, item: dict[str, object], now: datetime, tick: Tick
    ) -> None:
        reported = int(str(item.get("reported", 0)))
        if incident.count <= reported or item.get("declared"):
            return
        last = item.get("followed_up_at") or incident.sent_at or incident.created_at
        if now - parse_time(str(last)) < self._every:
            return
        to = incident.holder or (incident.paged[0] if incident.paged else incident.recipient)
        if not to or to == UNASSIGNED:
            return
        changes = {"reported": incident.count, "followed_up_at": iso(now)}
        if not self._records.change(incident.id, changes, expect={"reported": reported}):
            return  # another run sent it
        oldest = max(0, int((now - parse_time(incident.created_at)).total_seconds() // 60))
        lang = self._delivery.lang(to)
        label = label_of(item, lang) or lang.gettext("incident")
        reach = int(str(item.get("reach", 0)))
        text = update_text(label, incident.count - reported, reach, oldest, lang)
        ttl = timedelta(hours=self._team.policy().link_ttl_hours * RESOLVE_TTL_FACTOR)
        links = self._delivery.links.for_page(incident.id, to, now, ttl)
        in_all = lang.n_("%(num)s post in all.", "%(num)s posts in all.", incident.count)
        opened = lang._("Open the incident: %(link)s", link=links.case)
        body = f"{text}. {in_all}\n\n{opened}"
        subject = message.subject_line(lang._("[Incident] %(text)s", text=text))
        rendered = message.Rendered(subject, body, sms.compose(text, links.case))
        channels = self._delivery.channels_for(incident, to, now)
        if self._delivery.send(to, rendered, "incident-update", channels, incident.id):
            tick.incident_updates.append(incident.id)
