"""The sufficiency policy: each rule on both sides of its threshold."""

from __future__ import annotations

import numpy as np
import pytest

from checks.sufficiency import (
    SufficiencyPolicy,
    cap_idle,
    decide_count_in_window,
    decide_mean,
    decide_proportion,
    decide_quantile,
    decide_rate,
    decide_worst_case,
    is_under_load,
)
from checks.verdicts import Outcome

POLICY = SufficiencyPolicy()


def test_67_of_67_refusals_do_not_prove_998_percent() -> None:
    decision = decide_proportion(67, 67, ">=", 0.998, POLICY)
    assert decision.outcome is Outcome.INCONCLUSIVE
    assert decision.interval is not None and decision.interval[0] == pytest.approx(0.956, abs=0.001)
    assert decision.needed_n == 1497


def test_enough_refusals_prove_998_percent() -> None:
    assert decide_proportion(1600, 1600, ">=", 0.998, POLICY).outcome is Outcome.PROVEN


def test_failures_well_above_the_budget_disprove_a_ratio() -> None:
    assert decide_proportion(90, 100, ">=", 0.998, POLICY).outcome is Outcome.DISPROVEN


def test_too_few_trials_decide_nothing_even_when_all_fail() -> None:
    decision = decide_proportion(0, 5, ">=", 0.998, POLICY)
    assert decision.outcome is Outcome.INCONCLUSIVE and "at least 30" in decision.why


def test_an_upper_bound_proportion_is_proven_by_its_upper_confidence_bound() -> None:
    assert decide_proportion(0, 1000, "<", 0.01, POLICY).outcome is Outcome.PROVEN
    assert decide_proportion(5, 1000, "<", 0.01, POLICY).outcome is Outcome.INCONCLUSIVE
    assert decide_proportion(50, 1000, "<", 0.01, POLICY).outcome is Outcome.DISPROVEN


def test_a_percentile_needs_the_order_statistics_it_rests_on() -> None:
    fast = np.full(100, 10.0)
    assert decide_quantile(fast, 0.99, "<", 100, POLICY).outcome is Outcome.INCONCLUSIVE
    assert decide_quantile(np.full(400, 10.0), 0.99, "<", 100, POLICY).outcome is Outcome.PROVEN


def test_a_percentile_over_the_bound_is_disproven() -> None:
    rng = np.random.default_rng(1)
    slow = rng.exponential(200.0, size=2000)
    assert decide_quantile(slow, 0.95, "<", 100, POLICY).outcome is Outcome.DISPROVEN


def test_a_percentile_straddling_the_bound_says_how_many_samples_would_decide() -> None:
    rng = np.random.default_rng(2)
    samples = rng.exponential(30.0, size=400)
    bound = float(np.quantile(samples, 0.95)) * 1.05
    decision = decide_quantile(samples, 0.95, "<", bound, POLICY)
    assert decision.outcome is Outcome.INCONCLUSIVE and decision.needed_n and decision.needed_n > 400


def test_a_mean_below_min_samples_is_inconclusive_and_above_decides() -> None:
    assert decide_mean([10.0] * 10 + [11.0], "<", 100, POLICY).outcome is Outcome.INCONCLUSIVE
    assert decide_mean([10.0, 11.0] * 20, "<", 100, POLICY).outcome is Outcome.PROVEN
    assert decide_mean([150.0, 151.0] * 20, "<", 100, POLICY).outcome is Outcome.DISPROVEN


def test_a_skewed_mean_is_refused_until_the_sample_is_large_enough() -> None:
    samples = [1.0] * 40 + [1000.0]
    decision = decide_mean(samples, "<", 100, POLICY)
    assert decision.outcome is Outcome.INCONCLUSIVE and "skewed" in decision.why


def test_a_rate_needs_the_minimum_duration_and_count() -> None:
    assert decide_rate(500, 2.0, ">=", 100, POLICY).outcome is Outcome.INCONCLUSIVE
    assert decide_rate(5000, 20.0, ">=", 200, POLICY).outcome is Outcome.PROVEN
    assert decide_rate(3000, 20.0, ">=", 200, POLICY).outcome is Outcome.DISPROVEN


def test_one_drill_over_the_rto_disproves_and_min_drills_gate_proof() -> None:
    assert decide_worst_case([12.0, 4000.0], "<", 3600, POLICY).outcome is Outcome.DISPROVEN
    assert decide_worst_case([12.0], "<", 3600, POLICY).outcome is Outcome.PROVEN
    strict = SufficiencyPolicy(min_drills=3)
    assert decide_worst_case([12.0], "<", 3600, strict).outcome is Outcome.INCONCLUSIVE


def test_150_accepted_in_a_third_of_a_second_disproves_100_per_minute() -> None:
    assert decide_count_in_window(150, 0.33, 60, "<=", 100).outcome is Outcome.DISPROVEN
    assert decide_count_in_window(80, 0.33, 60, "<=", 100).outcome is Outcome.INCONCLUSIVE
    assert decide_count_in_window(100, 60.0, 60, "<=", 100).outcome is Outcome.PROVEN


def test_idle_evidence_never_proves_an_under_load_claim() -> None:
    proven = decide_mean([1.0, 1.1] * 20, "<", 10, POLICY)
    assert cap_idle(proven, claim_under_load=True, evidence_loaded=False).outcome is Outcome.INCONCLUSIVE
    assert cap_idle(proven, claim_under_load=True, evidence_loaded=True).outcome is Outcome.PROVEN
    assert cap_idle(proven, claim_under_load=False, evidence_loaded=False).outcome is Outcome.PROVEN
    over = decide_mean([20.0, 21.0] * 20, "<", 10, POLICY)
    assert cap_idle(over, claim_under_load=True, evidence_loaded=False).outcome is Outcome.DISPROVEN


@pytest.mark.parametrize(
    ("condition", "rps", "users", "expected"),
    [
        ("under load", None, None, True),
        (None, 300.0, None, True),
        (None, None, 50, True),
        ("idle", None, None, False),
    ],
)
def test_under_load_claims_are_recognised(
    condition: str | None, rps: float | None, users: int | None, expected: bool
) -> None:
    assert is_under_load(condition, rps, users) is expected


def test_the_policy_is_validated_and_described() -> None:
    with pytest.raises(ValueError):
        SufficiencyPolicy(confidence=1.5)
    assert SufficiencyPolicy(confidence=0.99, min_samples=50).describe() == "99% confidence, n >= 50"
