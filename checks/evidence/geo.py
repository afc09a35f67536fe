"""Latency seen from a vantage point: connect, TLS, time to first byte and total, per request."""

from __future__ import annotations

from dataclasses import dataclass

from checks.evidence.origin import UNKNOWN, Origin


@dataclass(frozen=True)
class VantageLatency:
    """Requests from one vantage point: per-request connect, TLS, time-to-first-byte and total (ms)."""

    vantage: str
    city: str | None
    url: str
    connect_ms: tuple[float, ...]
    tls_ms: tuple[float, ...]
    ttfb_ms: tuple[float, ...]
    total_ms: tuple[float, ...]
    statuses: tuple[int, ...]
    errors: tuple[str, ...]
    origin: Origin = UNKNOWN

    @property
    def n(self) -> int:
        return len(self.ttfb_ms)

    @property
    def duration_s(self) -> float:
        return sum(self.total_ms) / 1000
