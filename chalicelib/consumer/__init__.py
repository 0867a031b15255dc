"""The mentions queue's consumer: judge, store exactly once, count, alert.

pipeline.py      a batch of queue messages through triage, the store and the alerts
batch.py         an SQS batch without partial-batch responses: failures alone return
dead_letters.py  what is in the dead-letter queue, and sending it back
"""
