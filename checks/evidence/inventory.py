"""Inventory evidence: one value the target actually runs (a count, a setting, a list of regions, whether an
endpoint listens), with how it was obtained."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checks.evidence.origin import UNKNOWN, Origin


@dataclass(frozen=True)
class InventoryValue:
    """One measured inventory value and how it was obtained."""

    source: str
    value: Any
    detail: str
    origin: Origin = UNKNOWN
