"""Sequential stopping (checks/sequential.py): error rates by simulation in both directions, at the bound
where they are largest, and the mistake it replaces (a fixed-n bound re-checked at every look)."""

from __future__ import annotations

import numpy as np
import pytest

from checks.sequential import (
    proportion_outcome,
    quantile_outcome,
    sequential_proportion,
    sequential_quantile,
    simulate,
    until_decided,
)
from checks.sufficiency import SufficiencyPolicy
from checks.verdicts import Outcome

POLICY = SufficiencyPolicy(confidence=0.95, min_samples=30)
RUNS, MAX_N, EVERY = 1000, 1000, 20
SLACK = 0.02  # about three standard errors of a 5% rate over 1,000 runs


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


@pytest.mark.parametrize("comparator", [">=", "<="])
@pytest.mark.parametrize("p0", [0.5, 0.95, 0.999])
def test_at_the_bound_neither_false_verdict_exceeds_alpha(comparator: str, p0: float) -> None:
    """At p = p0 the claim is on its edge: PROVEN and DISPROVEN are each at most α = 5% of runs."""
    done = simulate(p0, comparator, p0, POLICY, runs=RUNS, max_n=MAX_N, look_every=EVERY, rng=rng(7))
    assert done.proven <= 0.05 + SLACK and done.disproven <= 0.05 + SLACK


@pytest.mark.parametrize(("p", "comparator", "p0"), [(0.97, ">=", 0.95), (0.93, "<=", 0.95)])
def test_a_true_claim_is_rarely_disproven_and_mostly_proven_early(
    p: float, comparator: str, p0: float
) -> None:
    done = simulate(p, comparator, p0, POLICY, runs=RUNS, max_n=3000, look_every=EVERY, rng=rng(11))
    assert done.disproven <= 0.05 + SLACK
    assert done.proven >= 0.8 and done.mean_n < 2000


@pytest.mark.parametrize(("p", "comparator", "p0"), [(0.93, ">=", 0.95), (0.97, "<=", 0.95)])
def test_a_false_claim_is_rarely_proven_and_mostly_disproven_early(
    p: float, comparator: str, p0: float
) -> None:
    done = simulate(p, comparator, p0, POLICY, runs=RUNS, max_n=3000, look_every=EVERY, rng=rng(13))
    assert done.proven <= 0.05 + SLACK
    assert done.disproven >= 0.8 and done.mean_n < 2000


def test_rechecking_a_fixed_n_bound_at_every_look_is_the_mistake_it_replaces() -> None:
    naive = simulate(
        0.95, ">=", 0.95, POLICY, runs=RUNS, max_n=MAX_N, look_every=EVERY, rng=rng(7), rule="fixed-n"
    )
    assert naive.proven + naive.disproven > 0.2  # four times the 5% each look promises


def _quantile_runs(
    scale_to_bound: float, comparator: str, seed: int, runs: int = 400
) -> dict[Outcome, float]:
    """Exponential samples (p95 = ln 20 · 30 ms), judged every 20 samples until decided or at 1,000."""
    generator = rng(seed)
    bound = 30.0 * np.log(20.0) * scale_to_bound
    found, runs = dict.fromkeys(Outcome, 0), 400
    for _ in range(runs):
        xs = generator.exponential(30.0, MAX_N)
        outcome = Outcome.INCONCLUSIVE
        for n in range(EVERY, MAX_N + 1, EVERY):
            outcome = quantile_outcome(xs[:n], 0.95, comparator, bound, POLICY)
            if outcome in (Outcome.PROVEN, Outcome.DISPROVEN):
                break
        found[outcome] += 1
    return {o: c / runs for o, c in found.items()}


@pytest.mark.parametrize("comparator", ["<", ">"])
def test_a_quantile_at_its_bound_is_rarely_decided_either_way(comparator: str) -> None:
    found = _quantile_runs(1.0, comparator, seed=3)
    assert found[Outcome.PROVEN] <= 0.05 + 0.03 and found[Outcome.DISPROVEN] <= 0.05 + 0.03  # 400 runs


def test_a_quantile_well_inside_its_bound_is_proven_and_outside_disproven() -> None:
    assert _quantile_runs(1.4, "<", seed=5)[Outcome.PROVEN] >= 0.9
    assert _quantile_runs(0.7, "<", seed=5)[Outcome.DISPROVEN] >= 0.9


def test_nothing_is_decided_before_the_policys_minimum() -> None:
    assert proportion_outcome(29, 29, ">=", 0.5, POLICY) == Outcome.INCONCLUSIVE
    assert proportion_outcome(30, 30, ">=", 0.5, POLICY) == Outcome.PROVEN


def test_bounds_of_zero_and_one_are_decided_exactly() -> None:
    assert proportion_outcome(99, 100, ">=", 1.0, POLICY) == Outcome.DISPROVEN
    assert proportion_outcome(100, 100, ">=", 1.0, POLICY) == Outcome.INCONCLUSIVE
    assert proportion_outcome(1, 100, "<=", 0.0, POLICY) == Outcome.DISPROVEN
    assert proportion_outcome(0, 100, "<=", 0.0, POLICY) == Outcome.INCONCLUSIVE


def test_the_reported_interval_is_the_confidence_sequence_and_holds_the_estimate() -> None:
    decision = sequential_proportion(990, 1000, ">=", 0.95, POLICY)
    assert decision.outcome == Outcome.PROVEN and decision.interval is not None
    lower, upper = decision.interval
    assert 0.95 < lower < 0.99 < upper <= 1.0
    assert "confidence sequence" in decision.why


def test_a_probe_stops_at_the_first_decision_or_at_its_budget() -> None:
    draws: list[int] = []

    def draw(n: int) -> list[float]:
        draws.append(n)
        return [1.0] * n

    decided = until_decided(draw, lambda s: sequential_proportion(int(sum(s)), len(s), ">=", 0.5, POLICY),
                            batch=10, max_n=1000)  # fmt: skip
    assert decided.reason == "decided" and len(decided.samples) < 100
    draws.clear()
    budget = until_decided(draw, lambda s: sequential_proportion(int(sum(s)), len(s), ">=", 0.9999, POLICY),
                           batch=10, max_n=55)  # fmt: skip
    assert budget.reason == "budget" and len(budget.samples) == 55 and draws[-1] == 5


def test_the_quantile_decision_is_the_indicator_proportion_decision() -> None:
    xs = rng(17).exponential(30.0, 600)
    for comparator in ("<", "<=", ">", ">="):
        for bound in (60.0, 90.0, 150.0):
            decision = sequential_quantile(xs, 0.95, comparator, bound, POLICY)
            assert decision.outcome == quantile_outcome(xs, 0.95, comparator, bound, POLICY)
            assert (
                decision.interval is not None
                and decision.interval[0] <= decision.estimate <= decision.interval[1]
            )


def test_an_open_side_of_the_quantile_sequence_is_no_interval() -> None:
    few = sequential_quantile([10.0, 11.0, 12.0], 0.99, "<", 50.0, POLICY)
    assert few.outcome == Outcome.INCONCLUSIVE and few.interval is None and "inf" in few.why
