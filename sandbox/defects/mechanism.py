"""How a defect is planted, read back and removed: one small class per kind of change, registered by name.

A mechanism never assumes: `present` reads the live sandbox (a handshake, a catalog row, an HTTP answer) and
says whether the defect is in force; planting and undoing are both verified with it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from sandbox.defects.live import Live

Saved = dict[str, Any]
M = TypeVar("M", bound="type[Mechanism]")

MECHANISMS: dict[str, type[Mechanism]] = {}


class Mechanism(ABC):
    """One kind of change to the running sandbox."""

    # sandbox components the change leaves unlike their template: `sandbox up` must not "repair" them
    touches: ClassVar[tuple[str, ...]] = ()
    plant_timeout_s: ClassVar[float] = 20.0
    undo_timeout_s: ClassVar[float] = 60.0

    def save(self, live: Live) -> Saved:
        """What the undo needs, read before anything changes (stored on disk before the change)."""
        return {}

    @abstractmethod
    def apply(self, live: Live, saved: Saved) -> None:
        """Make the change."""

    @abstractmethod
    def restore(self, live: Live, saved: Saved) -> None:
        """Undo the change (idempotent: it may run after a partial apply)."""

    @abstractmethod
    def present(self, live: Live) -> bool:
        """Read back from the live sandbox whether the defect is in force."""

    def residue(self, live: Live) -> list[str]:
        """What the defect left behind after its undo (data it let into a cache, a file it wrote): must be
        empty for the sandbox to count as restored."""
        return []


def mechanism(name: str) -> Callable[[M], M]:
    """Register a mechanism class under `name` (the `how:` of catalog.yaml)."""

    def register(cls: M) -> M:
        if name in MECHANISMS:
            raise ValueError(f"mechanism {name!r} registered twice")
        MECHANISMS[name] = cls
        return cls

    return register
