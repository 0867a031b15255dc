"""What the services need of the state table: the `StateTable` protocol.

`table.Table` (DynamoDB) and `memory.MemoryTable` satisfy it and pass the same contract
tests (tests/unit/store). A condition that does not hold is an answer (`False`, `None`),
not an error; every other failure is a `StoreError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

from .keys import Key


class StateTable(Protocol):
    """What the services need of the state table."""

    def get(self, key: Key) -> dict[str, Any] | None: ...

    def get_many(self, keys: Iterable[Key]) -> dict[Key, dict[str, Any]]: ...

    def put(self, key: Key, data: Mapping[str, Any]) -> None: ...

    def put_new(self, key: Key, data: Mapping[str, Any]) -> bool: ...

    def update(
        self,
        key: Key,
        changes: Mapping[str, Any],
        *,
        expect: Mapping[str, Any] | None = None,
        remove: Sequence[str] = (),
    ) -> bool: ...

    def add(
        self, key: Key, counts: Mapping[str, int], *, set_once: Mapping[str, Any] | None = None
    ) -> dict[str, int]: ...

    def add_up_to(
        self,
        key: Key,
        name: str,
        limit: int,
        *,
        also: Mapping[str, int] | None = None,
        set_once: Mapping[str, Any] | None = None,
    ) -> int | None: ...

    def add_once(
        self,
        marker: Key,
        flags: Sequence[str],
        target: Key,
        counts: Mapping[str, int],
        *,
        extra: Mapping[str, Any] | None = None,
        also: Mapping[Key, Mapping[str, int]] | None = None,
    ) -> bool: ...

    def query(
        self, pk: str, sk_prefix: str = "", *, newest_first: bool = False, page: int = 0
    ) -> Iterator[dict[str, Any]]: ...

    def query_index(self, index_pk: str, until: str | None = None) -> Iterator[dict[str, Any]]: ...

    def delete(self, key: Key) -> None: ...

    def scan(self) -> Iterator[dict[str, Any]]: ...
