"""What a manager reads on a phone: one e-mail and one SMS per page.

An alert keeps a `card` (the facts: source, author, reach, the post, priority, why,
link) and is rendered per recipient at send time, because every recipient gets a case
link of their own. `card_for(mention)` builds a card from a triaged mention,
`group_card(...)` one for a storm or a spike; `render(card, links, ...)` gives the text.

Every piece of network text goes through `untrusted` (e-mail, subject) or `sms.fold`
(SMS). The SMS is one GSM-7 segment, always: band, source, handle, reach, the first
words and the case link. The e-mail keeps the whole post (each line quoted with "> ", so
a line of the post can never pass for a line of ours) and every link.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ... import untrusted
from ...i18n import EN, N_, Lang
from ...model import Mention, parse_time
from ...sources import registry
from . import sms

SUBJECT_LIMIT = 100  # SNS e-mail subject limit
EXCERPT = 280
TEXT_LIMIT = 4000  # the whole post, as far as an alert item keeps it
EXAMPLES = 3
BAND_NAMES = {"high": N_("HIGH"), "normal": N_("MEDIUM"), "low": N_("LOW")}
# what comes first in the subject and the SMS of a message that is not the first page
ESCALATED, REMINDER, HANDED_OVER = N_("ESCALATED"), N_("REMINDER"), N_("HANDED OVER")


@dataclass(frozen=True)
class Links:
    case: str  # <base>/c/<code>: the case page, signed for this recipient
    board: str = ""  # the recipient's shift board


@dataclass(frozen=True)
class Rendered:
    subject: str
    email: str
    sms: str


# what a grouped message keeps of each example (the name: Meta sends no handle)
EXAMPLE_FIELDS = ("source", "handle", "name", "followers", "excerpt", "url", "priority")


def known_reach(card: Mapping[str, Any], lang: Lang | None = None) -> str:
    """`reach` of a card's author, or "" where the network sends no count (Meta, feeds):
    a reach of 0 tells a manager nothing."""
    count = int(card.get("followers") or 0)
    return reach(count, lang) if count else ""


def reach(followers: int, lang: Lang | None = None) -> str:
    """760 -> "760", 15300 -> "15.3k" (en) / "15,3k" (nl), 2100000 -> "2.1M"."""
    lang = lang or EN
    for limit, suffix in ((1_000_000, "M"), (1_000, "k")):
        if followers >= limit:
            return lang.fixed(followers / limit) + suffix
    return str(followers)


def first_words(text: str, limit: int, ellipsis: str = "…") -> str:
    flat = untrusted.line(text)
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - len(ellipsis)].rsplit(" ", 1)[0]
    return cut + ellipsis


def who(record: Mapping[str, Any]) -> str:
    """An author in one line: "@handle", else their name, else "someone". A network of
    names (Facebook, feeds, forums: `registry.has_handles`) is never written with "@": what
    it sent as a handle is a name."""
    handle = untrusted.line(str(record.get("handle") or ""))
    name = untrusted.line(str(record.get("name") or ""))
    if handle and not registry.has_handles(str(record.get("source") or "")):
        handle, name = "", name or handle
    if handle:
        return f"@{handle}"
    return name or "someone"


def card_for(mention: Mention) -> dict[str, Any]:
    """The facts an alert about `mention` shows, small enough to keep on the alert."""
    return {
        "kind": "mention",
        "source": untrusted.line(mention.source, 40),
        "handle": untrusted.line(mention.author.handle, 200).lstrip("@"),
        "name": untrusted.line(mention.author.name, 200),
        "author_id": untrusted.line(mention.author.id, 200),
        "followers": mention.author.followers,
        "excerpt": first_words(mention.text, EXCERPT),
        "text": untrusted.block(mention.text)[:TEXT_LIMIT],
        "url": untrusted.link(mention.url),
        "priority": round(mention.priority),
        "reasons": [untrusted.line(r, 200) for r in mention.reasons[:4]],
        "themes": [untrusted.line(t, 60) for t in mention.themes[:5]],
        "created_at": mention.created_at,
        "received_at": mention.received_at,
        "lang": mention.lang or "",
    }


def group_card(
    kind: str, reason: str, cards: Sequence[dict[str, Any]], count: int
) -> dict[str, Any]:
    """A storm ("group") or "spike" card: a count, why, and the top examples."""
    top = sorted(cards, key=lambda c: -float(c.get("priority", 0)))[:EXAMPLES]
    return {
        "kind": kind,
        "count": count,
        "reason": reason,
        "priority": max((int(c.get("priority", 0)) for c in cards), default=0),
        "examples": [{k: c.get(k) for k in EXAMPLE_FIELDS if c.get(k) is not None} for c in top],
    }


def source_name(source: object, lang: Lang) -> str:
    """A source as people name it ("generic-reddit" -> "Reddit"), on one safe line."""
    return untrusted.line(lang.gettext(registry.display(str(source or ""))))


def band_name(band: str, lang: Lang) -> str:
    """ "HIGH" / "HOOG" for "high"; an unknown band as it is, in capitals."""
    name = BAND_NAMES.get(band)
    return lang.gettext(name) if name else band.upper()


def render(
    card: dict[str, Any],
    links: Links | None,
    *,
    timezone: str,
    lang: Lang,
    band: str = "",
    note: str = "",
    tag: str = ESCALATED,
) -> Rendered:
    """Subject, e-mail and SMS for one recipient, in their language. `links` None: no
    links (stored copy).

    A `note` (an escalation, a reminder, a handover; already in `lang`) comes first in
    the e-mail, and its `tag` (untranslated: `ESCALATED`…) first in the subject and SMS.
    """
    flag = untrusted.line(lang.gettext(tag)) if note else ""
    if card.get("kind") in ("group", "spike", "incident"):
        return _render_group(card, links, lang=lang, band=band, note=note, flag=flag)
    return _render_mention(
        card, links, timezone=timezone, lang=lang, band=band, note=note, flag=flag
    )


def subject_line(text: str, lang: Lang | None = None) -> str:
    """An SNS subject: one line, no control characters, at most 100 characters."""
    return first_words(text, SUBJECT_LIMIT) or (lang or EN).gettext("Webcare case")


def quoted(text: str) -> list[str]:
    """The post's lines, each behind "> "."""
    return [f"> {part}" for part in untrusted.block(text).split("\n")]


def _link_lines(links: Links | None, what: str, lang: Lang) -> list[str]:
    if not links:
        return []
    out = [lang._("Open the case (%(what)s): %(url)s", what=what, url=links.case)]
    if links.board:
        out.append(lang._("Your shift board: %(url)s", url=links.board))
    return out


def _render_mention(
    card: dict[str, Any],
    links: Links | None,
    *,
    timezone: str,
    lang: Lang,
    band: str,
    note: str,
    flag: str,
) -> Rendered:
    named_band = band_name(band, lang) if band else ""
    priority = f"P{card.get('priority', 0)}" + (f" {named_band.lower()}" if band else "")
    source = source_name(card.get("source"), lang)
    named = who(card)
    # (0 is what a network that sends no count gives: Meta, feeds; it tells a manager nothing)
    followers = known_reach(card, lang)
    count = int(card.get("followers") or 0)
    excerpt = str(card.get("excerpt", ""))
    subject = subject_line(
        f"{f'[{flag}] ' if flag else ''}[{priority}] {source}: {named} – {excerpt}", lang
    )
    lines = [untrusted.line(note), ""] if note else []
    name = untrusted.line(str(card.get("name") or ""))
    also = name + ", " if name and name not in (named, named[1:]) else ""
    about = (
        also
        + lang.ngettext("%(reach)s follower", "%(reach)s followers", count) % {"reach": followers}
        if followers
        else also.removesuffix(", ")
    )
    author = f"{named} ({about})" if about else named
    headline = lang._(
        "Negative post on %(source)s, priority %(priority)s",
        source=source,
        priority=card.get("priority"),
    )
    lines += [
        headline + (f" ({named_band.lower()})" if band else ""),
        lang._(
            "%(author)s, posted %(when)s",
            author=author,
            when=clock(card.get("created_at"), timezone, lang),
        ),
        "",
        *quoted(str(card.get("text") or excerpt)),
        "",
    ]
    if card.get("reasons"):
        reasons = "; ".join(untrusted.line(r) for r in card["reasons"])
        lines.append(lang._("Why you were paged: %(reasons)s", reasons=reasons))
    url = untrusted.link(str(card.get("url") or "")) or lang.gettext("(no link)")
    lines.append(lang._("Open the post: %(url)s", url=url))
    lines += _link_lines(links, lang.gettext("acknowledge, resolve, hand over"), lang)
    head = (
        f"{flag + ' ' if flag else ''}{named_band + ' ' if band else ''}P{card.get('priority', 0)}"
    )
    return Rendered(
        subject,
        "\n".join(lines),
        _sms(f"{head} {source} {named} {followers}".rstrip(), excerpt, links),
    )


def _render_group(
    card: dict[str, Any], links: Links | None, *, lang: Lang, band: str, note: str, flag: str
) -> Rendered:
    count = int(card.get("count", 0))
    posts = lang.n_("%(num)s negative post", "%(num)s negative posts", count)
    kinds = {"spike": N_("Spike"), "incident": N_("Incident")}
    what = lang.gettext(kinds.get(str(card.get("kind")), N_("Grouped")))
    reason = untrusted.line(str(card.get("reason", "")))
    subject = subject_line(f"{f'[{flag}] ' if flag else ''}[{what}] {posts} – {reason}", lang)
    lines = [untrusted.line(note), ""] if note else []
    lines += [
        lang._(
            "%(what)s: %(posts)s, highest priority %(priority)s",
            what=what,
            posts=posts,
            priority=card.get("priority", 0),
        )
        + (f" ({band_name(band, lang).lower()})" if band else ""),
        lang._("Why one message: %(reason)s", reason=reason),
        "",
        lang.gettext("Top posts:"),
    ]
    for number, example in enumerate(card.get("examples") or [], start=1):
        known = known_reach(example, lang)
        lines.append(
            f"{number}. {source_name(example.get('source'), lang)}"
            f" {who(example)}{f' ({known})' if known else ''} P{example.get('priority')}:"
            f" “{first_words(str(example.get('excerpt', '')), 120)}”"
            f" {untrusted.link(str(example.get('url') or ''))}".rstrip()
        )
    lines.append("")
    what_to_do = lang.n_(
        "acknowledge or resolve the post", "acknowledge or resolve all %(num)s posts", count
    )
    lines += _link_lines(links, what_to_do, lang)
    top = (card.get("examples") or [{}])[0]
    head = lang._(
        "%(flag)s%(what)s %(posts)s, top %(source)s",
        flag=flag + " " if flag else "",
        what=what.upper(),
        posts=posts,
        source=source_name(top.get("source"), lang),
    )
    head += f" {who(top)}"
    return Rendered(subject, "\n".join(lines), _sms(head, str(top.get("excerpt", "")), links))


def _sms(head: str, quote: str, links: Links | None) -> str:
    """One segment around the case link; the stored copy (no links) is cut the same way."""
    if links:
        return sms.compose(head, links.case, quote=quote)
    return sms.cut(sms.fold(f'{head}: "{quote}"'), sms.SEGMENT)


def clock(stamp: Any, timezone: str, lang: Lang | None = None) -> str:
    """A UTC stamp in the team's local time: "Mon 23 Nov 10:28 CET" / "ma 23 nov. 10:28 CET"."""
    lang = lang or EN
    if not stamp:
        return lang.gettext("time unknown")
    try:
        moment = parse_time(stamp)
    except ValueError:
        return lang.gettext("time unknown")
    local: datetime = moment.astimezone(ZoneInfo(timezone))
    return f"{lang.moment(moment, 'EEE d MMM HH:mm', timezone)} {local.strftime('%Z')}"
