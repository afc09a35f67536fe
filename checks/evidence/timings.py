"""Back-end timings (a database query, a cache command) and the load that ran while they were taken."""

from __future__ import annotations

from dataclasses import dataclass

from checks.evidence.load import LatencySamples
from checks.evidence.origin import UNKNOWN, Origin


@dataclass(frozen=True)
class Timings:
    """Wall-clock round trips of one operation, repeated: `where` (endpoint), `operation` (SQL, command)."""

    where: str
    operation: str
    latencies_ms: tuple[float, ...]
    started_at: float = 0.0  # unix time of the first round trip
    duration_s: float = 0.0
    origin: Origin = UNKNOWN
    at: tuple[float, ...] = ()  # unix time each round trip started (empty: only the span is known)

    @property
    def n(self) -> int:
        return len(self.latencies_ms)

    @property
    def ended_at(self) -> float:
        return self.started_at + self.duration_s


@dataclass(frozen=True)
class LoadedTimings:
    """Timings and the open-loop load that ran meanwhile (`load` None: taken idle, `idle_because` says why).

    `needed_rps` is the load the claim's scope implies (0: the claim names none)."""

    timings: Timings
    load: LatencySamples | None = None
    needed_rps: float = 0.0
    idle_because: str | None = None
