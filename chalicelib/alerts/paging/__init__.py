"""Paging: from a negative post to a phone. The outbox decides (`outbox`, storm control
`storm`, incidents `incidents/`), messages are written (`message`, `sms`, `history`) and
sent within budget (`delivery`, `budget`, `notify`, `linking`); every minute escalation,
reminders, hand-overs and incident follow-ups run (`escalation`, `followups`, `handover`,
`tick`); a silent source is told (`source_health`). Knows the record and the roster."""
