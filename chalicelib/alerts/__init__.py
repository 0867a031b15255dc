"""On-call alerting: who is on duty, the alert outbox, SNS delivery, signed ack links."""
