"""Incidents: an outage is one incident, not a page per post.

causes.py    what a post is about (a shared-cause kind, the towns it names), pure
entries.py   an incident's id, its entry in the cause item, its card
registry.py  open incidents: match a post, open on the second post, join, declare, close
updates.py   every minute: one follow-up per incident at most every 5 minutes

How it goes. The first post with a shared cause ("urgency: outage") pages as any case
does, and is listed under its cause (`keys.incidents("cause", kind)`). A later negative post of the
same cause within `registry.WINDOW` of the incident's last post, naming no other town,
joins it instead of paging: its alert is stored with state "board", `incident_id` set, no
index entry, no page. The second post turns the first into an incident: an alert of kind
"incident" whose id derives from the first post's (`entries.incident_id_for`), taking over its
paging state, so escalation, reminders and handover act on the incident, never on each
post. A watch-list author, or a post `causes.PRIORITY_MARGIN` above the incident's
priority, pages on its own. A lead may declare an incident before any post
(`Incidents.declare`): posts join it without paging anyone.

Items (state table; keys in `store/keys.py`):

    pk                  sk                 attributes
    incidents#cause     <kind>             open: [{id, head, places, last_at, priority}],
                                           version (every write expects the one read)
    incidents#open      <incident id>      at, head | cause: the open list (follow-ups, board)
    alert#<incident id> alert              an Alert of kind "incident" (members, count,
                                           priority, card: label, count, reach, examples)
                                           plus cause, places, reach, reported (posts told
                                           so far), followed_up_at, last_post_at, and for a
                                           declared one declared, status_url, expected_end
    alert#<post alert>  alert              a post's Alert; incident_id when it joined one
    day#<local day>     incidents          i#<incident id>: the incidents opened that day
                                           (the digest lists them)
"""

from __future__ import annotations

from .causes import Cause, cause_of, places_in, same_place, stands_apart
from .entries import Entry, incident_id_for
from .registry import WINDOW, Incidents
from .updates import UPDATE_EVERY, IncidentUpdates, update_text

__all__ = [
    "UPDATE_EVERY",
    "WINDOW",
    "Cause",
    "Entry",
    "IncidentUpdates",
    "Incidents",
    "cause_of",
    "incident_id_for",
    "places_in",
    "same_place",
    "stands_apart",
    "update_text",
]
