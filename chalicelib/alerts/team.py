"""The webcare team in the state table: managers and the rotation."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from ..store import StateStore
from .rotation import Rotation

TEAM = "team"


@dataclass(frozen=True)
class Manager:
    id: str
    name: str
    email: str = ""
    phone: str = ""  # E.164, e.g. +31612345678


class Team:
    def __init__(self, state: StateStore) -> None:
        self._state = state

    def add_manager(self, manager: Manager) -> None:
        self._state.put(TEAM, f"manager#{manager.id}", asdict(manager))

    def remove_manager(self, manager_id: str) -> None:
        self._state.delete(TEAM, f"manager#{manager_id}")

    def manager(self, manager_id: str) -> Manager | None:
        data = self._state.get(TEAM, f"manager#{manager_id}")
        return Manager(**data) if data else None

    def managers(self) -> list[Manager]:
        return [
            Manager(**{k: v for k, v in item.items() if k not in ("pk", "sk")})
            for item in self._state.query(TEAM, "manager#")
        ]

    def rotation(self) -> Rotation | None:
        data = self._state.get(TEAM, "rotation")
        return Rotation.from_dict(data) if data else None

    def set_rotation(self, rotation: Rotation) -> None:
        self._state.put(TEAM, "rotation", rotation.to_dict())

    def on_duty(self, now: datetime) -> str | None:
        rotation = self.rotation()
        return rotation.on_duty(now) if rotation else None
