"""On-call alerting, in four rooms, each using only the rooms below it (import-linter
holds the arrows: pyproject.toml):

desk/      what a manager opens on a phone: case and incident pages, the team board,
           replies from the page, HTML and its templates (templates/)
paging/    from a negative post to a phone: the outbox, storm control, incidents,
           messages and SMS, delivery within budget, escalation, reminders, hand-overs,
           incident follow-ups, source health
record/    the case record: alert items, their timeline, the open-cases queue,
           acknowledging and resolving, case codes and signed links
roster/    who is on the team, who is on duty when, the team's paging policy

service.py puts them together (`AlertService`); `wiring.alerts()` builds it. The team
lead's commands are `python -m tools oncall …` (tools/oncall.py).
"""
