"""Back-end timings: mean or percentile decisions, share-under-threshold claims, idle vs loaded evidence."""

from __future__ import annotations

from typing import Any

import pytest

from checks.evaluate.timings import not_timed, query_latency_within, timings_load, timings_within
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome
from tests.evaluate.factories import around, samples, timings
from tests.evaluate.factories import claim as make_claim


def claim(**fields: Any) -> Claim:
    return make_claim("db.query_latency", "latency", **({"bound": 50} | fields))


RATIO = claim(comparator=">=", bound=99.2, unit="%", params={"threshold": 50.0, "threshold_unit": "ms"})
UNDER_LOAD = claim(scope={"statistic": "mean", "load_users": 100})


def loaded(rate: float = 20.0, **kw: Any) -> Any:
    """A load run from t=1000 s for 20 s at `rate` (the timings factory measures from 1005 to 1010 s)."""
    return samples([1.0] * int(rate * 20), rate=rate, duration_s=20, started_at=1000.0, **kw)


def test_mean_well_under_the_bound_is_proven() -> None:
    verdict = timings_within(timings(around(10)), claim())
    assert verdict.outcome is Outcome.PROVEN and verdict.level is EvidenceLevel.OBSERVED
    assert verdict.n == 200 and verdict.interval is not None and verdict.interval[1] < 50
    assert "policy: 95% confidence, n >= 30" in verdict.reason


def test_mean_well_over_the_bound_is_disproven() -> None:
    assert timings_within(timings(around(80)), claim()).outcome is Outcome.DISPROVEN


def test_mean_straddling_the_bound_is_inconclusive() -> None:
    verdict = timings_within(timings(around(50, n=40, spread=20)), claim())
    assert verdict.outcome is Outcome.INCONCLUSIVE and "straddles" in verdict.reason


def test_fewer_timings_than_the_policy_needs_are_inconclusive() -> None:
    verdict = timings_within(timings([1.0] * 10), claim())
    assert verdict.outcome is Outcome.INCONCLUSIVE and "needs at least 30" in verdict.reason


def test_percentile_claim_uses_the_quantile_interval() -> None:
    verdict = timings_within(timings(around(10, n=400)), claim(scope={"statistic": "p99"}))
    assert verdict.outcome is Outcome.PROVEN and verdict.evidence["statistic"] == "p99"


def test_bound_in_seconds_is_converted_to_milliseconds() -> None:
    assert timings_within(timings(around(10)), claim(bound=0.05, unit="s")).outcome is Outcome.PROVEN
    assert timings_within(timings(around(80)), claim(bound=0.05, unit="s")).outcome is Outcome.DISPROVEN


def test_share_under_threshold_above_target_is_proven() -> None:
    assert query_latency_within(timings([10.0] * 2000), RATIO).outcome is Outcome.PROVEN


def test_share_under_threshold_below_target_is_disproven() -> None:
    verdict = query_latency_within(timings([10.0] * 900 + [60.0] * 100), RATIO)
    assert verdict.outcome is Outcome.DISPROVEN


def test_share_under_threshold_from_too_few_timings_is_inconclusive() -> None:
    verdict = query_latency_within(timings([10.0] * 200), RATIO)
    assert verdict.outcome is Outcome.INCONCLUSIVE and "trials at this ratio would decide" in verdict.reason


def test_threshold_is_strict() -> None:
    verdict = query_latency_within(timings([50.0] * 2000), RATIO)
    assert verdict.outcome is Outcome.DISPROVEN and verdict.evidence["k"] == 0


def test_an_under_load_claim_is_not_proven_by_idle_timings() -> None:
    why = "the claim's load needs 19.6 req/s but this target's governor allows 0 req/s"
    verdict = timings_within(timings(around(10), needed_rps=19.6, idle_because=why), UNDER_LOAD)
    assert verdict.outcome is Outcome.INCONCLUSIVE
    assert "holds under load (needs 19.6 req/s)" in verdict.reason and why in verdict.reason


def test_an_under_load_claim_is_disproven_by_idle_timings_over_the_bound() -> None:
    verdict = timings_within(timings(around(80), needed_rps=19.6, idle_because="no load"), UNDER_LOAD)
    assert verdict.outcome is Outcome.DISPROVEN


def test_an_under_load_claim_is_proven_by_timings_taken_under_its_load() -> None:
    verdict = timings_within(timings(around(10), load=loaded(), needed_rps=19.6), UNDER_LOAD)
    assert verdict.outcome is Outcome.PROVEN and "measured under 20 req/s of load" in verdict.reason
    assert verdict.evidence["under_load"] is True


def test_timings_outside_the_load_run_count_as_idle() -> None:
    late = timings(around(10), load=loaded(), needed_rps=19.6, started_at=1030.0)
    verdict = timings_within(late, UNDER_LOAD)
    assert verdict.outcome is Outcome.INCONCLUSIVE
    assert "only 0 of 200 timings were taken while the load ran" in verdict.reason


def test_only_the_timings_taken_while_the_load_ran_are_judged() -> None:
    # half the timings (1015..1025 s) fall after the load (1000..1020 s); those alone are slow
    spread = timings(
        [10.0] * 100 + [80.0] * 100, load=loaded(), needed_rps=19.6, started_at=1015.0, duration_s=10
    )
    verdict = timings_within(spread, UNDER_LOAD)
    assert verdict.outcome is Outcome.PROVEN and verdict.n == 100


def test_a_load_below_the_claims_needs_counts_as_idle() -> None:
    verdict = timings_within(timings(around(10), load=loaded(rate=5.0), needed_rps=19.6), UNDER_LOAD)
    assert verdict.outcome is Outcome.INCONCLUSIVE and "less than the 19.6 req/s needed" in verdict.reason


def test_a_claim_without_load_is_proven_idle() -> None:
    verdict = timings_within(timings(around(10), idle_because="the claim names no load"), claim())
    assert verdict.outcome is Outcome.PROVEN


def test_the_load_a_claim_needs() -> None:
    assert timings_load(UNDER_LOAD, 5.0, 150) == pytest.approx(100 / 5.05)
    assert timings_load(claim(scope={"condition": "under production load"}), 5.0, 150) == 150
    assert timings_load(claim(), 5.0, 150) == 0.0


def test_an_operations_rate_is_not_timed() -> None:
    verdict = not_timed(claim(comparator=">=", bound=5000, unit="transactions/s"), "a pgbench load")
    assert verdict is not None and verdict.outcome is Outcome.NOT_APPLICABLE
    assert not_timed(claim(), "a pgbench load") is None


def test_an_idle_under_load_claim_names_the_load_even_when_undecided_for_another_reason() -> None:
    skewed = timings([0.1] * 390 + [40.0] * 10, needed_rps=19_608, idle_because="over the governor")
    verdict = timings_within(skewed, claim(scope={"statistic": "mean", "load_users": 100_000}))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "too skewed" in verdict.reason
    assert "needs 19,608 req/s), but over the governor" in verdict.reason
