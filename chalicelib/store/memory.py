"""The state table in a dict: DynamoDB's semantics, no AWS (`StateTable`).

For tests and benchmarks that want the services' logic without moto, and for anything
that runs with no table at all. `tests/unit/store/test_contract.py` runs the same
contract against this and against `Table` on moto, so the two cannot drift apart.

Values make the same round trip through the codec as they do to DynamoDB and back
(None dropped, tuples as lists, a number past 38 digits refused), and every read
returns a copy. `writes` counts the
writes; `before_write(operation, key)`, when set, runs before each one (a test lets a
"parallel Lambda" write first, or makes the table fail).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from .codec import from_item, to_attr, to_item
from .keys import Key


def _normal(data: Mapping[str, Any]) -> dict[str, Any]:
    return from_item(to_item(data))


def _value(value: Any) -> Any:
    return from_item({"v": to_attr(value)})["v"]


class MemoryTable:
    def __init__(self) -> None:
        self.items: dict[Key, dict[str, Any]] = {}
        self.writes = 0
        self.before_write: Callable[[str, Key], None] | None = None

    def _write(self, operation: str, key: Key) -> None:
        if self.before_write is not None:
            self.before_write(operation, key)
        self.writes += 1

    def get(self, key: Key) -> dict[str, Any] | None:
        item = self.items.get(Key(*key))
        return copy.deepcopy(item) if item is not None else None

    def get_many(self, keys: Iterable[Key]) -> dict[Key, dict[str, Any]]:
        return {Key(*k): copy.deepcopy(self.items[Key(*k)]) for k in keys if Key(*k) in self.items}

    def put(self, key: Key, data: Mapping[str, Any]) -> None:
        self._write("put", key)
        self.items[Key(*key)] = _normal(data)

    def put_new(self, key: Key, data: Mapping[str, Any]) -> bool:
        if Key(*key) in self.items:
            return False
        self.put(key, data)
        return True

    def update(
        self,
        key: Key,
        changes: Mapping[str, Any],
        *,
        expect: Mapping[str, Any] | None = None,
        remove: Sequence[str] = (),
    ) -> bool:
        if not changes and not remove:
            raise ValueError("update: nothing to set or remove")
        self._write("update", key)
        item = self.items.get(Key(*key))
        if item is None or any(item.get(k) != _value(v) for k, v in (expect or {}).items()):
            return False
        for name, value in changes.items():
            if value is None:
                item.pop(name, None)
            else:
                item[name] = _value(value)
        for name in remove:
            item.pop(name, None)
        return True

    def add(
        self, key: Key, counts: Mapping[str, int], *, set_once: Mapping[str, Any] | None = None
    ) -> dict[str, int]:
        self._write("add", key)
        item = self.items.setdefault(Key(*key), {})
        for name, value in counts.items():
            item[name] = int(item.get(name, 0)) + int(value)
        for name, value in _normal(set_once or {}).items():
            item.setdefault(name, value)
        return {name: int(item[name]) for name in counts}

    def add_up_to(
        self,
        key: Key,
        name: str,
        limit: int,
        *,
        also: Mapping[str, int] | None = None,
        set_once: Mapping[str, Any] | None = None,
    ) -> int | None:
        if limit <= 0:
            return None
        self._write("add_up_to", key)
        current = self.items.get(Key(*key), {})
        if name in current and int(current[name]) >= limit:
            return None
        self.items[Key(*key)] = current
        current[name] = int(current.get(name, 0)) + 1
        for counter, value in (also or {}).items():
            if counter != name:
                current[counter] = int(current.get(counter, 0)) + int(value)
        for attribute, value in _normal(set_once or {}).items():
            current.setdefault(attribute, value)
        return int(current[name])

    def add_once(
        self,
        marker: Key,
        flags: Sequence[str],
        target: Key,
        counts: Mapping[str, int],
        *,
        extra: Mapping[str, Any] | None = None,
        also: Mapping[Key, Mapping[str, int]] | None = None,
    ) -> bool:
        self._write("add_once", target)
        current = self.items.get(Key(*marker), {})
        if any(flag in current for flag in flags):
            return False
        mark = self.items.setdefault(Key(*marker), {})
        mark.update({flag: True for flag in flags})
        mark.update(_normal(extra or {}))
        for key, more in {Key(*target): counts, **(also or {})}.items():
            item = self.items.setdefault(Key(*key), {})
            for name, value in more.items():
                item[name] = int(item.get(name, 0)) + int(value)
        return True

    def query(
        self, pk: str, sk_prefix: str = "", *, newest_first: bool = False, page: int = 0
    ) -> Iterator[dict[str, Any]]:
        found = sorted(k for k in self.items if k.pk == pk and k.sk.startswith(sk_prefix))
        for key in reversed(found) if newest_first else found:
            yield {**copy.deepcopy(self.items[key]), "pk": key.pk, "sk": key.sk}

    def query_index(self, index_pk: str, until: str | None = None) -> Iterator[dict[str, Any]]:
        found = [
            (str(item["gsi1sk"]), key)
            for key, item in self.items.items()
            if item.get("gsi1pk") == index_pk
            and "gsi1sk" in item
            and (until is None or str(item["gsi1sk"]) <= until)
        ]
        for _sort, key in sorted(found):
            yield {**copy.deepcopy(self.items[key]), "pk": key.pk, "sk": key.sk}

    def delete(self, key: Key) -> None:
        self._write("delete", key)
        self.items.pop(Key(*key), None)

    def scan(self) -> Iterator[dict[str, Any]]:
        for key in sorted(self.items):
            yield {**copy.deepcopy(self.items[key]), "pk": key.pk, "sk": key.sk}
