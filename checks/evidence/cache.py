"""Cache-store evidence: keyspace hit counters."""

from __future__ import annotations

from dataclasses import dataclass

from checks.evidence.origin import UNKNOWN, Origin


@dataclass(frozen=True)
class HitCounters:
    """keyspace_hits and keyspace_misses of one server since it started."""

    address: str
    hits: int
    misses: int
    origin: Origin = UNKNOWN

    @property
    def n(self) -> int:
        return self.hits + self.misses
