"""How a source is named for people, and whether its network has handles.

A mention's `source` is an internal key: "x", "reddit", "feeds", "facebook", or
"generic-<network>" for a post the generic webhook brought. People read "X", "Reddit",
"News and blogs", "Forum" (translated where it is a word: `N_`). A network of names
(Facebook, feeds, forums, review sites) sends no handle: what came as one is a name,
and it is never written with "@".
"""

from __future__ import annotations

from ..i18n import N_

GENERIC = "generic-"
NAMES = {
    "x": "X",
    "reddit": "Reddit",
    "feeds": N_("News and blogs"),
    "facebook": "Facebook",
    "instagram": "Instagram",
    "meta": "Facebook/Instagram",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "threads": "Threads",
    "trustpilot": "Trustpilot",
    "forum": N_("Forum"),
    "reviews": N_("Reviews"),
    "news": N_("News"),
    "generic": N_("Other (webhook)"),
}
# networks whose authors have handles (written "@handle"); the others send names
HANDLES = frozenset({"x", "reddit", "instagram", "mastodon", "bluesky", "threads"})


def network(source: str) -> str:
    """ "generic-reddit" -> "reddit": the network behind a source key."""
    key = source.strip().lower()
    return key.removeprefix(GENERIC) if key.startswith(GENERIC) else key


def display(source: str) -> str:
    """The untranslated display name of `source` (translate it with `Lang.gettext`):
    "generic-reddit" -> "Reddit", "generic-my-forum" -> "My forum"."""
    key = network(source)
    if key in NAMES:
        return NAMES[key]
    words = key.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else NAMES["generic"]


def has_handles(source: str) -> bool:
    """Whether `source`'s authors have handles; True when the source is not known."""
    key = network(source)
    return not key or key in HANDLES or key not in NAMES
