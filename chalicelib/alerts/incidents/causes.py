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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ...model import Mention
from ...triage.text import words

SHARED_KINDS = ("outage",)
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
        towns = ", ".join(p.replace("-", " ").title() for p in self.places)
        return f"{self.kind} {towns}".strip()


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
