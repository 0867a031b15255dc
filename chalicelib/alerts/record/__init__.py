"""The case record: an alert as stored (`records`), its timeline (`events`), the team's
queue of open cases (`cases`), acknowledging and resolving (`acks`), the codes behind a
case's links (`codes`, `links`). Knows the roster; sends nothing."""
