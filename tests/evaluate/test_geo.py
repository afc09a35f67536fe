"""Geo latency from a vantage point: the median by default, the round trip and server share as evidence."""

from __future__ import annotations

import pytest

from checks.collect.geo import VantageLatency
from checks.evaluate.geo import geo_latency_within
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome

BASE = Claim(
    id="BP-T-GEO-01",
    system="BarberPro",
    category="geo-latency",
    statement="Buenos Aires sees under 80 ms.",
    sources=[{"file": "003_05e30b35ee0cdd0e.txt", "line": 1, "quote": "Buenos Aires < 80ms"}],
    metric="geo_latency",
    comparator="<",
    bound=80,
    unit="ms",
    check="geo.latency",
    method="Probe from a vantage point in the city.",
)


def latency(ttfb_ms: float, n: int = 40, connect_ms: float = 10.0, status: int = 200) -> VantageLatency:
    ttfb = tuple(ttfb_ms + (i % 5) * 0.1 for i in range(n))
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
    )


def test_median_under_the_bound_is_proven_by_default() -> None:
    verdict = geo_latency_within(latency(30), BASE)
    assert verdict.outcome == Outcome.PROVEN and verdict.level == EvidenceLevel.OBSERVED
    assert verdict.evidence["statistic"] == "p50" and "Buenos Aires" in verdict.reason


def test_median_over_the_bound_is_disproven() -> None:
    assert geo_latency_within(latency(100), BASE).outcome == Outcome.DISPROVEN


def test_too_few_requests_for_a_median_interval_are_inconclusive() -> None:
    assert geo_latency_within(latency(30, n=3), BASE).outcome == Outcome.INCONCLUSIVE


def test_a_stated_percentile_is_kept() -> None:
    p95 = BASE.model_copy(update={"scope": BASE.scope.model_copy(update={"statistic": "p95"})})
    verdict = geo_latency_within(latency(30, n=200), p95)
    assert verdict.outcome == Outcome.PROVEN and verdict.evidence["statistic"] == "p95"


def test_round_trip_and_server_share_are_reported_apart() -> None:
    verdict = geo_latency_within(latency(30, connect_ms=12), BASE)
    assert verdict.evidence["connect_p50_ms"] == 12.0
    assert verdict.evidence["server_share_p50_ms"] == pytest.approx(18.2)
    assert "network round trip (TCP connect) p50 12.00 ms" in verdict.reason


def test_failed_requests_make_it_an_error() -> None:
    verdict = geo_latency_within(latency(30, status=503), BASE)
    assert (
        verdict.outcome == Outcome.ERROR and verdict.evidence["non_2xx"] == 40 and "[503]" in verdict.reason
    )


def test_the_claim_itself_is_not_mutated() -> None:
    geo_latency_within(latency(30), BASE)
    assert BASE.scope.statistic is None
