# ruff: noqa: E501 - one rule per line reads better than a regex split over lines
"""The complaint rules, in English and Dutch: a short name (the alert's reason), a
regex, and whether it is *strong* (counts in a question too). `complaints.py` applies
them; tests/unit/triage hold each one to examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

_NUM = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|many|few)"
_NUM_NL = r"(?:\d+|een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|paar|aantal|vele)"
_UNIT = r"(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?)"
_UNIT_NL = r"(?:minuten|min|uur|uren|dagen|dag|weken|week|maanden|maand)"


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    source: str  # the regex, compiled on first use (keeps `import` cheap for cold starts)
    strong: bool = True

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compiled(self.source)


@cache
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source, re.IGNORECASE)


def _rules(lang: str, spec: list[tuple[str, str, bool]]) -> list[Rule]:
    del lang
    return [Rule(name, source, strong) for name, source, strong in spec]


ENGLISH = _rules(
    "en",
    [
        ("still waiting", r"\b(still|been|keep|kept) (\w+ )?waiting\b", True),
        ("waiting for days", rf"\bwaiting (for |since )?(over |more than )?{_NUM} {_UNIT}", True),
        (
            "on hold",
            rf"\bon hold (for )?(over |more than |almost |nearly )?({_NUM} {_UNIT})?",
            True,
        ),
        (
            "still not fixed",
            r"\bstill (no|not|nothing|hasn'?t|haven'?t|isn'?t|doesn'?t|can'?t|won'?t|broken|down)\b",
            True,
        ),
        (
            "no response",
            r"\bno ?(one|body) (has )?(ever )?(replied|answered|responded|got back|called|answers|replies|responds|gets back|picks up|calls back)|\bno (reply|response|answer|word|update) (yet|from|since|after|whatsoever|at all)\b|\bnever (got|received) (a|any) (reply|response|answer)|\b(no|zero) (reply|replies|response|answer|callback)(?= *([.!?…]|$))|\b(haven'?t|never|didn'?t) heard (anything |a thing )?back\b|\bnot (a|one) (single )?(reply|response|answer|word)\b",
            True,
        ),
        (
            "never arrived",
            r"\b(never|hasn'?t|haven'?t|didn'?t|has not|have not|did not|still not|not yet) (yet )?(arrived|came|come through|come|turned up|shown up|showed up|been delivered|delivered|received|been refunded|got (it|my|the))\b",
            True,
        ),
        ("where is my", r"\bwhere('?s| is| are) my\b", True),
        (
            "where is it",
            r"\bwhere (the hell |on earth )?(is|'s) (it|this|that|the (order|package|parcel|delivery|refund|engineer|technician|driver|money))\b(?! (located|held|hosted|situated|based))|\bwhere'?s it\b",
            True,
        ),
        ("waiting since", r"\b(wait|waiting|waited)( \w+){0,3} since\b", True),
        (
            "waiting hours",
            rf"\b(waiting|waited|stuck|stranded|queuing|queueing)( \w+){{0,4}}? (for |over |more than |almost |nearly )+(\d+ ?(h|hrs?|hours?|mins?|minutes?|days?|weeks?)|{_NUM} {_UNIT})\b|\b(\d+ ?(h|hrs?|mins?)|{_NUM} {_UNIT}) (now |already |and counting )?(on hold|in (the )?queue|waiting|stuck|stranded)\b",
            True,
        ),
        (
            "without service",
            rf"\b(without|no|with no) (power|electricity|internet|wifi|wi-fi|water|hot water|heating|gas|signal|tv|phone|service|connection)( \w+){{0,2}}? (for )?(over |more than |almost |nearly )?(\d+ ?(h|hrs?|hours?|days?|weeks?)|{_NUM} {_UNIT})\b|\b({_NUM} {_UNIT}|\d+ ?(h|hrs?)) (now |already )?(without|with no) (power|electricity|internet|wifi|wi-fi|water|hot water|heating|gas|signal|tv|phone|service|connection)\b",
            True,
        ),
        (
            "cancelled",
            r"\b(my|our|the|your) (flight|order|booking|appointment|delivery|reservation|train|visit|connection|installation|repair)s? (\w+ ){0,2}(was |got |has been |have been |is |were )(just )?(cancell?ed|called off)\b|\b(you|they|u) (just )?(cancell?ed|called off) (my|our|the)\b|^\W*(cancell?ed|called off)\b",
            False,
        ),
        (
            "finally",
            r"\b(when|how long)\b[^.?!\n]{0,60}\b(finally|ever|at last)\b[^.!\n]*\?|\bhow (much )?long (do|must|should|will) (i|we) (still |have to )?(wait|keep)",
            True,
        ),
        (
            "irony",
            r"\b(great|awesome|fantastic|brilliant|amazing|excellent|wonderful|superb|perfect|good|nice)\b[^.!?\n]{0,40}?[,.]*\s+(not|yeah right|as if)[.!]*\s*$",
            True,
        ),
        (
            "logged out",
            r"\b(keeps?|kept) (\w+ )?(logging|signing|kicking|throwing) (me|us) out\b|\b(logs|signs|kicks) (me|us) out (all the time|constantly|every)|\b(keep|kept) (getting|being) (logged|signed|kicked) out\b|\b(logged|signed) out (again|constantly|all the time|every)",
            True,
        ),
        ("talking to a wall", r"\b(talking|speaking|talk|writing) to a (brick )?wall\b", True),
        (
            "charged twice",
            r"\b(charged|billed) (me )?(twice|double|two times|again)|\bdouble[- ](charged|billed)\b|\bover-?(charged|billed)\b",
            True,
        ),
        (
            "refund demand",
            r"\b(want|need|demand|still no|where'?s) (a |my )?(refund|money back)\b",
            True,
        ),
        (
            "not working",
            r"\b(doesn'?t|does not|don'?t|won'?t|can'?t|cannot|isn'?t|stopped|not) (even |really |properly )?(work|working|load|loading|connect|connecting|log ?in|sign ?in)\b|\b(keeps?|kept) (crashing|freezing|failing|dropping|disconnecting|logging me out)\b",
            False,
        ),
        (
            "cannot reach you",
            r"\b(trying|tried|been trying) to (reach|contact|call|get hold of|get through to)\b|\b(can'?t|cannot|couldn'?t|unable to) (reach|contact|get through|get hold of)\b",
            True,
        ),
        ("thanks for nothing", r"\bthanks? for nothing\b|\byeah,? right\b", True),
        (
            "service down",
            r"\b(is|are|been|went|keeps? going) (down|offline|broken)\b|\b(internet|wi-?fi|app|site|website|service|network|connection|tv|phone|account|server|login)s? (is |are |went |keeps? going )?(still )?(down|offline|broken)\b|\b(outage|no (internet|signal|service|power|connection))\b",
            False,
        ),
        (
            "cancelling",
            r"\b(cancel+(ing)?|closing|terminate|terminating|leaving|quit+ing) (my|our|the) (account|subscription|contract|membership|plan|service)\b|\bi'?m (switching|leaving) (to|for)\b",
            False,
        ),
        (
            "again",
            r"\b(for )?the (second|third|fourth|fifth|\d+(st|nd|rd|th)) time (this|today|in)\b|\bfor the (second|third|fourth|fifth|\d+(st|nd|rd|th)) time\b|\byet again\b|\bthe (second|third|fourth|fifth|\d+(st|nd|rd|th)) (\w+ )?(change|delay|cancellation|outage|failure|reschedul\w*)\b",
            True,
        ),
        (
            "hours lost",
            rf"\b(took|wasted|spent|lost) (me )?(over |more than )?{_NUM} {_UNIT}\b",
            True,
        ),
        (
            "bad service",
            r"\b(terrible|awful|horrible|worst|poor|bad|useless|rude) (customer )?(service|support|experience)\b",
            True,
        ),
        # slang and hashtags: "what a joke", "an absolute shambles", "#epicfail"
        (
            "what a joke",
            r"\b(what an?|such an?|(is|are|was|were|it's|its|that's|thats) (an?|such an?)|absolute|complete|total|utter) (absolute |complete |total |utter |bloody |f\w*ing )?(joke|farce|shambles|disgrace|clown show|circus|mess)\b|\bepic ?fail(ure)?\b|#fail\b",
            True,
        ),
    ],
)

DUTCH = _rules(
    "nl",
    [
        (
            "nog steeds",
            r"\bnog (steeds|altijd) (geen|niet|niets|niks|aan het wachten|wachten|kapot|storing)\b",
            True,
        ),
        (
            "wachten",
            rf"\b(wacht|wachten|gewacht) ((ik|we|wij|je|u|jullie) )?(al |nu al |inmiddels )?(meer dan |ruim |bijna )?{_NUM_NL} {_UNIT_NL}|\bal {_NUM_NL} {_UNIT_NL} (aan het )?wachten\b|\bnog steeds aan het wachten\b|\b(wacht|wachten) (nog steeds|nog altijd|al) op\b",
            True,
        ),
        ("in de wacht", r"\b(in de wacht|in de wachtrij)\b", True),
        (
            "al dagen",
            rf"\b(al|sinds|inmiddels) ({_NUM_NL} )?{_UNIT_NL} (storing|geen|niets|niks|zonder|kapot|plat)\b",
            True,
        ),
        (
            "storing",
            r"\b(storing|storingen|stroomstoring|internetstoring|(ligt|liggen) (er )?(\w+ )?(plat|eruit|uit)|is uit de lucht)\b",
            True,
        ),
        (
            "geen reactie",
            r"\bgeen (reactie|antwoord|reply|bericht|terugkoppeling)\b|\bniemand (reageert|belt terug|neemt op)\b|\b(niks|niets) (meer )?(van jullie )?gehoord\b|\b(hoor|hoorde|horen) (\w+ ){0,2}(niks|niets) (meer )?(terug|van)\b",
            True,
        ),
        (
            "zonder stroom",
            r"\bzonder (stroom|internet|tv|wifi|bereik|verwarming|warm water|gas|water|telefoon|netwerk|verbinding)\b",
            False,
        ),
        (
            "geannuleerd",
            r"\b(mijn|onze|de|m'n|mn) (afspraak|bestelling|vlucht|levering|reservering|order|monteur|bezorging|installatie|aansluiting)( \w+){0,3}? (is |werd |zijn |was )?(\w+ )?(geannuleerd|afgezegd|niet (gekomen|verschenen|geweest|komen opdagen))\b|\b(jullie|ze|hij|zij) (heeft|hebben) (\w+ ){0,3}(geannuleerd|afgezegd)\b|^\W*(geannuleerd|afgezegd)\b",
            False,
        ),
        (
            "eindelijk",
            r"\b(wanneer|hoe lang)\b[^.?!\n]{0,60}\b(eindelijk|ooit|nou eens|nu eens)\b[^.!\n]*\?|\bhoe lang (moet|moeten) (ik|we|wij) (nog )?(wachten|blijven)",
            True,
        ),
        (
            "ironie",
            r"\b(top|toppie|super|geweldig\w*|fantastisch\w*|prima|fijn\w*|goed\w*|lekker|mooi|klasse|perfect\w*)\b[^.!?\n]{0,40}?[,.]*\s+(echt |helemaal |dus )?niet( dus)?[.!]*\s*$",
            True,
        ),
        (
            "geen verbinding",
            r"\bgeen (internet|bereik|verbinding|stroom|tv|netwerk|signaal|wifi)\b",
            True,
        ),
        (
            "opzeggen",
            r"\b(zeg|zeggen|zegt) (mijn|m'n|ons|onze|het|de|dat|jullie|hierbij) (\w+ ){0,3}op\b|\b(opzeggen|opgezegd|opzegging)\b",
            False,
        ),
        (
            "niet ontvangen",
            r"\b(niet|nooit|nog niet|nog steeds niet) (\w+ )?(bezorgd|geleverd|ontvangen|aangekomen|binnen|teruggestort|terugbetaald)\b",
            True,
        ),
        (
            "werkt niet",
            r"\b(werkt|werken|doet) (het )?(nog steeds |alweer |weer |gewoon )?(niet|het niet)\b",
            False,
        ),
        (
            "kan niet inloggen",
            r"\b(kan|kun|kunnen|kon) (ik |we |je |u )?(\w+ )?(niet|nergens) (meer )?(inloggen|aanmelden|bellen|betalen|bestellen|verbinden|streamen|internetten|tv kijken)\b",
            True,
        ),
        (
            "dubbel betaald",
            r"\bdubbel (afgeschreven|betaald|gefactureerd)|\btwee ?keer (afgeschreven|betaald|gefactureerd)\b|\b(te ?veel) (afgeschreven|betaald|gefactureerd|in rekening gebracht)\b|\b(ben|is|zijn|werd|word) (\w+ ){0,2}(twee ?keer|dubbel) (\w+ ){0,3}(afgeschreven|gefactureerd)\b",
            True,
        ),
        (
            "geld terug",
            r"\b(wil|willen|eis|eisen|nog steeds geen|geen) (mijn |ons )?geld terug\b|\bgeld (is )?weg\b",
            True,
        ),
        (
            "waar blijft",
            r"\bwaar (blijft|blijven) (het|hij|ze|die|dat|de|mijn|m'n|mn|ons|onze|jullie)\b|\bwaar is (mijn|m'n|ons|onze)\b",
            True,
        ),
        (
            "wachten sinds",
            r"\b(wacht|wachten|gewacht|wachtend)( \w+){0,3} sinds\b|\bsinds (maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|gisteren|eergisteren|vorige week|vanochtend|vanmorgen) (\w+ ){0,3}(aan het wachten|wachten|wacht|niets|niks|geen)\b",
            True,
        ),
        (
            "uitgelogd",
            r"\b(steeds|telkens|constant|continu|weer|alweer|elke keer|de hele tijd|om de haverklap) (\w+ ){0,2}uitgelogd\b|\buitgelogd (\w+ ){0,2}(steeds|telkens|constant|continu|weer|alweer|elke keer|de hele tijd)\b|\b(logt|gooit) (me|mij|ons|je) (\w+ ){0,3}(uit|eruit)\b|\bblijft (me|mij|ons) (\w+ )?uitloggen\b",
            True,
        ),
        (
            "tegen een muur",
            r"\btegen een (blinde )?muur (aan )?(te )?(praten|praat|gepraat|lullen)\b|\b(praten|praat|praatte) (\w+ ){0,2}tegen een (blinde )?muur\b",
            True,
        ),
        ("weer", r"\b(voor )?de (tweede|derde|vierde|vijfde|\d+e) keer\b|\b(alweer|wéér)\b", True),
        (
            "slechte service",
            r"\b(slechte|waardeloze|belabberde|klantonvriendelijke) (service|klantenservice|bereikbaarheid)\b",
            True,
        ),
        (
            "klacht",
            r"\b(klacht|klachten) (ingediend|indienen|over)\b|\bik (wil|ga) (een )?klacht\b",
            True,
        ),
        # slang and hashtags: "wat een grap", "echt een lachertje", "#faal", "#epicfail"
        (
            "wat een grap",
            r"\b(wat een|zo'?n|(is|was|blijft|zijn) (echt |gewoon |weer )?(een|één)|echt een|gewoon een|één grote|een grote|een complete|een totale) (grote |complete |totale |echte )?(grap|lachertje|aanfluiting|poppenkast|wanvertoning|schertsvertoning|farce|puinhoop|zooitje|janboel|circus|faal)\b|\bepic ?fail\b|#(faal|fail)\b",
            True,
        ),
    ],
)

RULES = {"en": ENGLISH, "nl": DUTCH}
