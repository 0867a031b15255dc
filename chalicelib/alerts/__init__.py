"""On-call alerting: who is on duty, the alert outbox, SNS delivery, escalation, signed links.

rotation.py   Rotation (local-time handoffs, DST-safe), Override, OnCall chain
policy.py     Policy (escalation minutes per priority band, storm, quiet hours), Rules
team.py       managers, rotation, overrides and policy in the state table
message.py    an alert's card, rendered per recipient as e-mail and SMS
links.py      HMAC-signed, expiring acknowledge / resolve tokens
notify.py     SNS: publish with a message per protocol; filtered subscriptions
service.py    AlertService, put together from: outbox.py (store, then page or hold),
              delivery.py (render, publish, record), storm.py (hold, group, spike),
              escalation.py (resend, escalate), acks.py (acknowledge, resolve),
              records.py (the alert items), events.py ("alert changed"), tick.py
pages.py      the HTML a manager sees after tapping a link
source_health.py  a page when a poller fails or goes silent

The team lead's commands are `python -m tools oncall …` (tools/oncall.py).
"""
