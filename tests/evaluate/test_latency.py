"""Latency evaluators on hand-built samples: PROVEN, DISPROVEN and INCONCLUSIVE on both sides of the bound."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from checks.collect.load.samples import LatencySamples
from checks.evaluate.latency import latency_within, max_within, mean_within, percentile_within
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome


def claim(
    statistic: str = "p95", comparator: str = "<", bound: float = 100, unit: str = "ms", **scope: Any
) -> Claim:
    return Claim.model_validate(
        {
            "id": "BP-LAT-01",
            "system": "BarberPro",
            "category": "latency",
            "statement": "a test claim",
            "sources": [{"file": "001_ca4cc006242b71e0.txt", "line": 1, "quote": "p95 under 100 ms"}],
            "metric": "http_latency",
            "comparator": comparator,
            "bound": bound,
            "unit": unit,
            "scope": {"statistic": statistic, **scope},
            "check": "http.latency",
            "method": "hand-built evidence",
        }
    )


def samples(
    latencies_ms: np.ndarray | list[float],
    *,
    rate: float = 200,
    achieved: float | None = None,
    errors: int = 0,
    lateness_p99_us: float = 300.0,
) -> LatencySamples:
    lat = tuple(float(x) * 1000 for x in latencies_ms)
    n = len(lat) + errors
    return LatencySamples(
        url="http://127.0.0.1:1/x",
        requested_rate=rate,
        achieved_rate=rate if achieved is None else achieved,
        completion_rate=rate,
        duration_s=n / rate,
        elapsed_s=n / rate,
        scheduled=n,
        sent=n,
        completed=len(lat),
        errors=errors,
        status_counts={200: len(lat), **({0: errors} if errors else {})},
        lateness_us={"p50": 100.0, "p90": 200.0, "p99": lateness_p99_us, "max": lateness_p99_us},
        latencies_us=lat,
        histogram="",
        log_path="/tmp/requests.log",
    )


def exp_ms(n: int, mean_ms: float, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).exponential(mean_ms, n)


# exponential with mean 20 ms: p95 = 20 ln 20 = 59.9 ms
def test_p95_well_under_the_bound_is_proven() -> None:
    verdict = percentile_within(samples(exp_ms(2000, 20)), claim(bound=100))
    assert verdict.outcome is Outcome.PROVEN and verdict.level is EvidenceLevel.OBSERVED
    assert verdict.measured["ci"][1] < 100 and verdict.evidence["n"] == 2000
    assert "p95 = " in verdict.reason and "ms" in verdict.reason


def test_p95_well_over_the_bound_is_disproven() -> None:
    verdict = percentile_within(samples(exp_ms(2000, 20)), claim(bound=40))
    assert verdict.outcome is Outcome.DISPROVEN
    assert verdict.measured["ci"][0] > 40


def test_p95_near_the_bound_is_inconclusive_and_names_a_sample_size() -> None:
    verdict = percentile_within(samples(exp_ms(400, 20)), claim(bound=62))
    assert verdict.outcome is Outcome.INCONCLUSIVE
    assert "samples" in verdict.reason and "would decide" in verdict.reason


def test_greater_than_claims_use_the_lower_end() -> None:
    data = samples(exp_ms(2000, 20))
    assert percentile_within(data, claim(comparator=">", bound=40)).outcome is Outcome.PROVEN
    assert percentile_within(data, claim(comparator=">=", bound=100)).outcome is Outcome.DISPROVEN


def test_too_few_samples_for_p99_is_inconclusive_even_if_all_are_fast() -> None:
    verdict = percentile_within(samples([1.0] * 200), claim(statistic="p99", bound=100))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "needs at least 368" in verdict.reason


def test_a_generator_that_fell_short_of_the_rate_cannot_prove() -> None:
    verdict = percentile_within(samples(exp_ms(2000, 20), rate=200, achieved=180), claim(bound=100))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "180.0 of 200 req/s" in verdict.reason


def test_a_rate_short_within_tolerance_still_judges() -> None:
    verdict = percentile_within(samples(exp_ms(2000, 20), rate=200, achieved=195), claim(bound=100))
    assert verdict.outcome is Outcome.PROVEN


def test_too_many_errors_cannot_prove() -> None:
    verdict = percentile_within(samples(exp_ms(2000, 20), errors=100), claim(bound=100))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "100 of 2100 requests failed" in verdict.reason


def test_a_run_below_the_claimed_load_cannot_prove() -> None:
    verdict = percentile_within(samples(exp_ms(2000, 20), rate=200), claim(bound=100, load_rps=1000))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "1000 req/s" in verdict.reason


def test_a_late_generator_blocks_a_disproof() -> None:
    verdict = percentile_within(samples(exp_ms(2000, 20), lateness_p99_us=10_000), claim(bound=40))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "generator itself was late" in verdict.reason


def test_bound_in_seconds_is_converted() -> None:
    assert percentile_within(samples(exp_ms(2000, 20)), claim(bound=0.1, unit="s")).outcome is Outcome.PROVEN
    assert (
        percentile_within(samples(exp_ms(2000, 20)), claim(bound=0.04, unit="s")).outcome is Outcome.DISPROVEN
    )


def test_a_non_time_unit_is_an_error() -> None:
    assert percentile_within(samples(exp_ms(2000, 20)), claim(unit="rps")).outcome is Outcome.ERROR


def test_mean_under_and_over_the_bound() -> None:
    data = samples(np.random.default_rng(5).uniform(10, 30, 1000))  # mean 20 ms
    assert mean_within(data, claim(statistic="mean", bound=21)).outcome is Outcome.PROVEN
    assert mean_within(data, claim(statistic="mean", bound=19)).outcome is Outcome.DISPROVEN
    near = mean_within(data, claim(statistic="mean", bound=20.05))
    assert near.outcome is Outcome.INCONCLUSIVE and "would decide" in near.reason


def test_a_heavy_tailed_mean_with_few_samples_is_inconclusive() -> None:
    data = samples(np.random.default_rng(8).lognormal(2.0, 2.0, 300))
    verdict = mean_within(data, claim(statistic="mean", bound=10_000))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "too skewed" in verdict.reason


def test_max_is_disproven_by_one_slow_request_and_never_proven() -> None:
    assert (
        max_within(samples([5.0] * 99 + [150.0]), claim(statistic="max", bound=100)).outcome
        is Outcome.DISPROVEN
    )
    assert max_within(samples([5.0] * 100), claim(statistic="max", bound=100)).outcome is Outcome.INCONCLUSIVE


@pytest.mark.parametrize(
    ("statistic", "expected"),
    [("p95", Outcome.PROVEN), ("mean", Outcome.PROVEN), ("max", Outcome.INCONCLUSIVE)],
)
def test_latency_within_dispatches_on_the_statistic(statistic: str, expected: Outcome) -> None:
    data = samples(np.random.default_rng(5).uniform(10, 30, 1000))
    assert latency_within(data, claim(statistic=statistic, bound=100)).outcome is expected
