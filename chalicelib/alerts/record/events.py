"""One event, "alert changed", for whoever keeps count of alerts (the digest's tally).

The alert service emits it when an alert is created and whenever one is acknowledged
or resolved — also each member a grouped alert closes with it. Listeners are told in
order; a listener's failure is logged and never undoes what already happened (a page
sent, an acknowledgement made). Listeners must be idempotent: a retry may tell them
twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ...errors import PipelineError
from ...logs import get_logger
from ...model import Alert, Mention

log = get_logger("alerts.events")


@dataclass(frozen=True)
class AlertChanged:
    alert: Alert
    mention: Mention | None = None  # given when the emitter has it at hand (creation)
    created: bool = False  # the alert was stored just now: nothing of it was counted yet


Listener = Callable[[AlertChanged], object]


class Events:
    def __init__(self, listeners: Sequence[Listener] = ()) -> None:
        self._listeners = list(listeners)

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def emit(self, alert: Alert, mention: Mention | None = None, *, created: bool = False) -> None:
        event = AlertChanged(alert, mention, created)
        for listener in self._listeners:
            try:
                listener(event)
            except PipelineError:
                log.error(
                    "alert listener failed; it catches up at the alert's next change",
                    exc_info=True,
                    extra={"fields": {"alert_id": alert.id}},
                )
