"""What an incident is about: a post's cause, the places it names, and when it stands apart.

Pure functions over a triaged mention (no AWS). A post's **cause** is the first of its
urgency kinds (triage's reasons "urgency: outage") that is a shared-cause kind
(`SHARED_KINDS`: an outage hits many customers at once; a refund or a cancellation is one
customer's own story, and stays a case of its own). Its **places** are the Dutch and
Flemish towns it names (`PLACES`). Two posts share a cause when the kind is the same and
their places do not contradict: either names none, or they name one town in common.

A post that clearly differs still pages on its own: a watch-list author (press, VIPs), or
a priority at least `PRIORITY_MARGIN` above the incident's.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ....i18n import EN, N_, Lang
from ....model import Mention
from ....triage.text import words

SHARED_KINDS = ("outage",)
# what a kind is called in an incident's name (triage's urgency kinds), translated there
KIND_NAMES = {
    "outage": N_("outage"),
    "cancel": N_("cancellation"),
    "legal": N_("legal"),
    "fraud": N_("fraud"),
    "refund": N_("refund"),
    "safety": N_("safety"),
}
PRIORITY_MARGIN = 25.0  # a quarter of the scale: P60 outage, P85 post pages by itself
URGENCY = "urgency: "
WATCHED = "watch-list author"

# The larger towns of the Netherlands and Flanders, lower case, one word each or joined
# with "-" as people write them; a post names a place when one of its words is one.
PLACES = frozenset(
    """
    amsterdam rotterdam den-haag utrecht eindhoven groningen tilburg almere breda nijmegen
    apeldoorn haarlem arnhem enschede amersfoort zaanstad zwolle zoetermeer leiden
    maastricht dordrecht ede alphen leeuwarden alkmaar emmen delft venlo deventer helmond
    oss hilversum heerlen sittard hengelo purmerend roosendaal schiedam lelystad vlaardingen
    almelo gouda zaandam assen veenendaal capelle katwijk zeist nieuwegein hoorn den-bosch
    bergen-op-zoom amstelveen hoofddorp middelburg vlissingen harderwijk doetinchem kampen
    wageningen antwerpen gent brugge leuven mechelen aalst hasselt kortrijk oostende genk
    sint-niklaas roeselare turnhout dendermonde beveren brussel lier geel mol ninove
    vilvoorde
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
_TWO_WORDS = {("den", "haag"): "den-haag", ("den", "bosch"): "den-bosch"}


@dataclass(frozen=True)
class Cause:
    kind: str  # one of SHARED_KINDS
    places: tuple[str, ...] = ()  # sorted, lower case

    @property
    def label(self) -> str:
        """ "outage Amersfoort, Utrecht": what the incident is, in a few words."""
        return self.label_in(EN)

    def label_in(self, lang: Lang) -> str:
        """`label` in `lang`: "storing Amersfoort, Utrecht" in Dutch."""
        towns = ", ".join(p.replace("-", " ").title() for p in self.places)
        name = lang.gettext(KIND_NAMES[self.kind]) if self.kind in KIND_NAMES else self.kind
        return f"{name} {towns}".strip()


def urgency_kinds(reasons: Iterable[str]) -> list[str]:
    return [r[len(URGENCY) :].strip() for r in reasons if r.startswith(URGENCY)]


def places_in(text: str) -> tuple[str, ...]:
    tokens = [w.lower() for w in words(text)]
    found = {t for t in tokens if t in PLACES}
    found |= {_TWO_WORDS[pair] for pair in itertools.pairwise(tokens) if pair in _TWO_WORDS}
    return tuple(sorted(found))


def cause_of(mention: Mention, kinds: Sequence[str] = SHARED_KINDS) -> Cause | None:
    """The shared cause of a negative post, or None (it is a case of its own)."""
    if not mention.is_negative:
        return None
    for kind in urgency_kinds(mention.reasons):
        if kind in kinds:
            return Cause(kind, places_in(mention.text))
    return None


def same_place(ours: Sequence[str], theirs: Sequence[str]) -> bool:
    """Places do not contradict: either side names none, or both name one town."""
    return not ours or not theirs or bool(set(ours) & set(theirs))


def stands_apart(
    mention: Mention, incident_priority: float, margin: float = PRIORITY_MARGIN
) -> str:
    """Why a post sharing the cause still pages on its own; "" when it joins."""
    if any(r.startswith(WATCHED) for r in mention.reasons):
        return "watch-list author"
    if mention.priority >= incident_priority + margin:
        return f"priority {mention.priority:.0f}, incident {incident_priority:.0f}"
    return ""


def label_of(raw: Mapping[str, Any], lang: Lang) -> str:
    """An incident's name in the reader's language, from its stored item: a declared one's
    as the manager wrote it, else its cause and the towns its posts named (the card keeps
    the name in the team's language, for the messages sent to everyone)."""
    stored = str((raw.get("card") or {}).get("label") or "")
    if raw.get("declared") or not raw.get("cause"):
        return stored
    return Cause(str(raw["cause"]), tuple(raw.get("places") or ())).label_in(lang)
