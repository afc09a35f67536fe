"""HTTP evidence: one response's headers, and a series of probes of one route."""

from __future__ import annotations

from dataclasses import dataclass

from checks.evidence.origin import UNKNOWN, Origin

# What a response body turned out to be (ProbeSeries.shapes): a non-empty JSON document, an empty one,
# something that claims to be JSON but is not, an HTML page, other text, nothing at all, or no response.
JSON, EMPTY_JSON, NOT_JSON, HTML, TEXT, EMPTY, NO_ANSWER = (
    "json", "empty json", "not json", "html", "text", "empty", "no answer",
)  # fmt: skip


@dataclass(frozen=True)
class ResponseHeaders:
    """One response: status and headers (lower-cased names)."""

    url: str
    status: int
    headers: dict[str, str]
    elapsed_ms: float
    origin: Origin = UNKNOWN


@dataclass(frozen=True)
class ProbeSeries:
    """Repeated requests to one route: status per probe (0 = no answer) and latency in ms.

    `shapes`, when the collector read the bodies, says per probe what the body was (JSON, HTML...);
    `expects_json` whether the route is an API route that should answer JSON.
    """

    url: str
    statuses: tuple[int, ...]
    latencies_ms: tuple[float, ...]
    errors: tuple[str, ...]
    origin: Origin = UNKNOWN
    shapes: tuple[str, ...] = ()
    expects_json: bool = False
    method: str = "GET"

    @property
    def n(self) -> int:
        return len(self.statuses)

    @property
    def successes(self) -> int:
        return sum(1 for s in self.statuses if 200 <= s < 400)

    @property
    def duration_s(self) -> float:
        return sum(self.latencies_ms) / 1000
