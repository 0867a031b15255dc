"""What a press of the reply button is told, as `Phrase`s: English where it is text (a
log line, a test), the reader's language on the page (`Lang.say`)."""

from __future__ import annotations

from ...i18n import N_, Phrase

EMPTY = N_("Type a reply first.")
SENT = N_("Sent: your reply is on the network.")
MAYBE_SENT = N_(
    "This reply may already be on the network (the last try got no answer). "
    "Open the post to check; change the text to send anyway."
)
NO_ANSWER = N_(
    "No answer from the network: the reply may or may not be posted. Open the post "
    "to check before sending it again."
)


def too_long(used: int, limit: int, unit: str) -> Phrase:
    return Phrase(
        N_("Too long: %(used)s of %(limit)s %(unit)s. Shorten it by %(over)s."),
        used=used,
        limit=limit,
        unit=Phrase(unit),
        over=used - limit,
    )


def already_sent(by: str) -> Phrase:
    return Phrase(N_("Already sent by %(who)s: this reply is on the network once."), who=by)


def in_flight(by: str) -> Phrase:
    who = by or Phrase(N_("A colleague"))
    return Phrase(N_("%(who)s is sending this reply now."), who=who)


def not_sent(advice: str) -> Phrase:
    """A network's refusal; its advice a `Phrase`, or a marked sentence of the catalogue."""
    return Phrase(
        N_("Not sent: %(advice)s"),
        advice=advice if isinstance(advice, Phrase) else Phrase(advice),
    )
