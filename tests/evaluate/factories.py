"""Small evidence factories for the observed evaluators' tests: a claim, a run, a probe series, timings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from checks.evidence import http as shapes
from checks.evidence.geo import VantageLatency
from checks.evidence.http import ProbeSeries
from checks.evidence.load import LatencySamples, LoadRun
from checks.evidence.origin import Origin
from checks.evidence.timings import LoadedTimings, Timings
from checks.ledger import Claim
from checks.sufficiency import SufficiencyPolicy
from checks.verdicts import Provenance

ORIGIN = Origin("test-target", identity="load-tester")
POLICY = SufficiencyPolicy()


def claim(check: str, category: str, **fields: Any) -> Claim:
    """A valid ledger claim of `check`; `scope`, `params` and any top-level field may be given."""
    base: dict[str, Any] = {
        "id": "BP-T-01",
        "system": "BarberPro",
        "category": category,
        "statement": "a test claim",
        "sources": [{"file": "003_05e30b35ee0cdd0e.txt", "line": 1, "quote": "a test quote"}],
        "metric": "test_metric",
        "comparator": "<",
        "bound": 100,
        "unit": "ms",
        "check": check,
        "method": "hand-built evidence",
    }
    return Claim.model_validate(base | fields)


def exp_ms(n: int, mean_ms: float, seed: int = 1) -> np.ndarray:
    """n exponential latencies (ms) with the given mean: p95 = mean * ln 20."""
    return np.random.default_rng(seed).exponential(mean_ms, n)


def samples(
    latencies_ms: Sequence[float] | np.ndarray,
    *,
    rate: float = 200,
    achieved: float | None = None,
    errors: int = 0,
    status: int = 0,
    lateness_p99_us: float = 300.0,
    duration_s: float | None = None,
    elapsed_s: float | None = None,
    started_at: float = 1000.0,
) -> LatencySamples:
    """An open-loop run: the given latencies answered 200, `errors` more failed with `status`."""
    lat = tuple(float(x) * 1000 for x in latencies_ms)
    n = len(lat) + errors
    duration = duration_s if duration_s is not None else n / rate
    elapsed = elapsed_s if elapsed_s is not None else duration
    return LatencySamples(
        url="https://gw.test/api",
        requested_rate=rate,
        achieved_rate=rate if achieved is None else achieved,
        completion_rate=len(lat) / elapsed,
        duration_s=duration,
        elapsed_s=elapsed,
        scheduled=n,
        sent=n,
        completed=len(lat) + (errors if status else 0),
        errors=errors,
        status_counts={200: len(lat), **({status: errors} if errors else {})},
        lateness_us={"p50": 100.0, "p90": 200.0, "p99": lateness_p99_us, "max": lateness_p99_us},
        latencies_us=lat,
        histogram="",
        log_path="/tmp/requests.log",
        started_at=started_at,
    )


def preflight(n: int = 30, status: int = 200, shape: str = shapes.JSON, good: int = 0) -> ProbeSeries:
    """An idle preflight: `good` answers as expected (200, JSON), the other n - good as given."""
    statuses = (200,) * good + (status,) * (n - good)
    kinds = (shapes.JSON,) * good + (shape,) * (n - good)
    return ProbeSeries("https://gw.test/api", statuses, (2.0,) * n, (), ORIGIN, kinds, True)


def load_run(
    run: LatencySamples | None,
    *,
    offered: float | None = None,
    max_rps: float = 600,
    checked: ProbeSeries | None = None,
) -> LoadRun:
    """A load claim's evidence: the run at `offered` (its requested rate by default), a good preflight."""
    rate = offered if offered is not None else (run.requested_rate if run else 100.0)
    good = checked if checked is not None else preflight()
    return LoadRun("https://gw.test/api", "api", rate, max_rps, 20.0, good, run, ORIGIN)


def probes(ok: int = 40, failed: int = 0) -> ProbeSeries:
    """An availability probe series: `ok` answered 200, `failed` answered 503."""
    statuses = (200,) * ok + (503,) * failed
    return ProbeSeries("https://gw.test/health", statuses, (5.0,) * len(statuses), (), ORIGIN)


def timings(
    latencies_ms: Sequence[float] | np.ndarray,
    *,
    load: LatencySamples | None = None,
    needed_rps: float = 0.0,
    idle_because: str | None = None,
    started_at: float = 1005.0,
    duration_s: float = 5.0,
) -> LoadedTimings:
    """Back-end timings (a query on db.test) and the load that ran meanwhile (None: idle)."""
    values = tuple(float(x) for x in latencies_ms)
    at = tuple(started_at + duration_s * i / max(len(values) - 1, 1) for i in range(len(values)))
    taken = Timings("postgresql://db.test", "SELECT 1", values, started_at, duration_s, ORIGIN, at)
    return LoadedTimings(taken, load, needed_rps, idle_because)


def around(center_ms: float, n: int = 200, spread: float = 2.0) -> list[float]:
    return list(np.linspace(center_ms - spread, center_ms + spread, n))


def vantage(
    ttfb_ms: float,
    n: int = 40,
    connect_ms: float = 10.0,
    status: int = 200,
    provenance: Provenance = Provenance.INDEPENDENT,
) -> VantageLatency:
    """Requests from a Buenos Aires network namespace: ttfb around `ttfb_ms`, connect `connect_ms`."""
    ttfb = tuple(ttfb_ms + (i % 5) * 0.1 for i in range(n))
    origin = Origin("test-target", provenance, "ba", "netns")
    return VantageLatency(
        "ba",
        "Buenos Aires",
        "https://gw.test/app.js",
        (connect_ms,) * n,
        (5.0,) * n,
        ttfb,
        tuple(t + connect_ms + 5.0 for t in ttfb),
        (status,) * n,
        (),
        origin,
    )
