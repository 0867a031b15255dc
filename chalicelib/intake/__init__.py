"""Intake: what comes in goes onto the mentions queue, or is refused with a reason.

    webhooks.py  accept a webhook delivery: size, signature (before parsing), parse, queue
    queue.py     pack mentions into as few SQS messages as the limits allow; decode them

A webhook answers only after its posts are queued; a poller (sources/polling.py) saves
its cursor only after that, so nothing accepted is ever only in memory.
"""

from __future__ import annotations

from .queue import Intake, decode, encode

__all__ = ["Intake", "decode", "encode"]
