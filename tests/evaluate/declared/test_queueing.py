"""The response-time law over concurrency, throughput and latency of one test."""

from __future__ import annotations

from typing import Any

import pytest

from checks.evaluate.declared import queueing
from checks.evaluate.declared.queueing import rate_per_second
from checks.ledger import Claim
from checks.verdicts import Outcome
from tests.evaluate.declared.factories import claim


def _latency(bound: float, statistic: str = "mean", **params: Any) -> Claim:
    return claim(
        "BP-T-F0",
        metric="cache_response_time",
        comparator="<",
        bound=bound,
        unit="ms",
        scope={"statistic": statistic},
        check="cache.latency",
        category="caching",
        params={"concurrency": 1000, "throughput": 150000, "throughput_unit": "ops/s", **params},
    )


def test_rates_in_any_per_time_unit() -> None:
    assert rate_per_second(150000, "ops/s") == 150000
    assert rate_per_second(10000, "requests/min") == pytest.approx(166.67, abs=0.01)
    assert rate_per_second(5000, "transactions/s") == 5000
    assert rate_per_second(3, "users") is None


def test_a_closed_loop_mean_the_law_contradicts_is_disproven() -> None:
    (verdict,) = queueing.analyze([_latency(1, think_time_s=0)])
    assert verdict.outcome == Outcome.DISPROVEN and "= 6.67 ms" in verdict.reason
    assert verdict.measured == pytest.approx(1000 / 150000)


def test_a_mean_the_law_allows_is_consistent() -> None:
    (verdict,) = queueing.analyze([_latency(50, think_time_s=0, concurrency=100, throughput=5000)])
    assert verdict.outcome == Outcome.INCONCLUSIVE and "consistent with the claim" in verdict.reason


def test_without_the_think_time_the_law_only_bounds_the_mean() -> None:
    (verdict,) = queueing.analyze([_latency(1)])
    assert (
        verdict.outcome == Outcome.INCONCLUSIVE and "think time the document does not state" in verdict.reason
    )


def test_a_percentile_is_not_the_mean() -> None:
    (verdict,) = queueing.analyze([_latency(1, "p95", think_time_s=0)])
    assert verdict.outcome == Outcome.INCONCLUSIVE


def test_a_throughput_claim_with_its_users_reports_the_implied_mean() -> None:
    rate = claim(
        "BP-T-F1",
        metric="sustained_throughput",
        comparator=">=",
        bound=10000,
        unit="requests/min",
        stated_value=10000,
        scope={"load_users": 1000},
        check="http.throughput",
        category="throughput",
    )
    (verdict,) = queueing.analyze([rate])
    assert verdict.outcome == Outcome.INCONCLUSIVE and "6,000 ms per request at most" in verdict.reason
