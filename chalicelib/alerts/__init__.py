"""On-call alerting: who is on duty, the alert outbox, SNS delivery, escalation, signed links.

rotation.py   Rotation (local-time handoffs, DST-safe), Override, OnCall chain
policy.py     Policy (escalation minutes per priority band, storm, quiet hours), Rules
team.py       managers, rotation, overrides and policy in the state table
message.py    an alert's card, rendered per recipient as e-mail and SMS
links.py      HMAC-signed, expiring acknowledge / resolve tokens
notify.py     SNS: publish with a message per protocol; filtered subscriptions
service.py    AlertService: alert_for, every_minute, acknowledge, resolve
pages.py      the HTML a manager sees after tapping a link
cli.py        `python -m tools oncall …`
"""
