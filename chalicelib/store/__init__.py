"""DynamoDB: the only package that speaks to the tables, and the one that owns their keys.

keys.py      every pk/sk format, with the tables' layout
codec.py     plain dicts <-> attribute maps (boto3's serializers)
state.py     the `StateTable` protocol: what the services need of the state table
table.py     the state table on DynamoDB (`Table`); dynamo.py: the calls, the
             expression builders and paging they share
memory.py    the state table in a dict (`MemoryTable`), held to the same contract
mentions.py  the mentions table: each post once (writes.py: how), erased ones as tombstones
counters.py  a day's counters read back (the sum of its stats shards)
"""

from __future__ import annotations

from .codec import from_item, to_item
from .counters import day_counters
from .keys import Key
from .memory import MemoryTable
from .mentions import DayCounts, InsertResult, MentionStore
from .state import StateTable
from .table import Table

__all__ = [
    "DayCounts",
    "InsertResult",
    "Key",
    "MemoryTable",
    "MentionStore",
    "StateTable",
    "Table",
    "day_counters",
    "from_item",
    "to_item",
]
