"""Throughput evaluator on hand-built runs: both sides of the claimed rate, the governor, unfit runs."""

from __future__ import annotations

from typing import Any

import pytest

from checks.evaluate.throughput import rate_needed, throughput_offer, throughput_within
from checks.ledger import Claim
from checks.verdicts import Outcome
from tests.evaluate.factories import POLICY, load_run, samples
from tests.evaluate.factories import claim as make_claim


def claim(bound: float = 500, comparator: str = ">=", unit: str = "rps", **scope: Any) -> Claim:
    return make_claim(
        "http.throughput", "throughput", comparator=comparator, bound=bound, unit=unit, scope=scope
    )


def run(rate: float = 525, seconds: float = 60, elapsed: float | None = None, **kw: Any) -> Any:
    """A run offered at `rate` for `seconds`: every request answered, the last one at `elapsed`."""
    return samples([1.0] * int(rate * seconds), rate=rate, duration_s=seconds, elapsed_s=elapsed, **kw)


def test_sustaining_more_than_claimed_is_proven() -> None:
    verdict = throughput_within(load_run(run()), claim())
    assert verdict.outcome is Outcome.PROVEN and verdict.interval[0] > 500 and verdict.n == 31_500
    assert ">= 100 events over >= 10 s" in verdict.reason


def test_falling_well_behind_the_claim_is_disproven() -> None:
    verdict = throughput_within(load_run(run(elapsed=90)), claim())  # 31,500 answers over 90 s: 350/s
    assert verdict.outcome is Outcome.DISPROVEN and verdict.interval[1] < 500


def test_just_at_the_claim_is_inconclusive() -> None:
    verdict = throughput_within(load_run(run(elapsed=63)), claim())  # exactly 500/s
    assert verdict.outcome is Outcome.INCONCLUSIVE


def test_a_claim_above_the_governor_is_inconclusive_without_a_run() -> None:
    verdict = throughput_within(load_run(None, offered=1050, max_rps=600), claim(bound=1000))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "governor allows 600 req/s" in verdict.reason


def test_offering_less_than_the_claim_cannot_prove() -> None:
    verdict = throughput_within(load_run(run(rate=400)), claim())
    assert verdict.outcome is Outcome.INCONCLUSIVE and "less than the claimed" in verdict.reason


def test_a_generator_short_of_its_rate_cannot_judge() -> None:
    verdict = throughput_within(load_run(run(achieved=450)), claim())
    assert verdict.outcome is Outcome.INCONCLUSIVE and "generator achieved" in verdict.reason


def test_server_errors_over_the_threshold_disprove() -> None:
    verdict = throughput_within(load_run(run(errors=1000, status=503)), claim())
    assert verdict.outcome is Outcome.DISPROVEN and "failed" in verdict.reason


def test_client_errors_are_inconclusive_not_disproof() -> None:
    verdict = throughput_within(load_run(run(errors=1000, status=429)), claim())
    assert verdict.outcome is Outcome.INCONCLUSIVE and "client errors" in verdict.reason


def test_a_run_shorter_than_the_claimed_window_cannot_judge() -> None:
    verdict = throughput_within(load_run(run(seconds=20)), claim(window="5m"))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "300 s window" in verdict.reason


def test_a_handful_of_requests_decides_nothing() -> None:
    # 1000 requests/hour offered for 20 s: 6 requests (BP-D10-ML-12 before the policy)
    six = run(rate=0.3, seconds=20)
    verdict = throughput_within(load_run(six), claim(bound=1000, unit="requests/hour"))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "needs at least 100 events" in verdict.reason


def test_a_small_claimed_rate_is_offered_enough_requests_to_decide() -> None:
    offer = throughput_offer(claim(bound=1000, unit="requests/hour"), 20.0, POLICY)
    assert offer is not None and offer * 20 >= POLICY.min_rate_events


def test_a_run_offered_above_the_claim_proves_it() -> None:
    verdict = throughput_within(load_run(run(rate=5.25, seconds=20)), claim(bound=1000, unit="requests/hour"))
    assert verdict.outcome is Outcome.PROVEN


def test_a_run_offered_above_the_claim_cannot_disprove_it() -> None:
    slow = run(rate=5.25, seconds=20, elapsed=20 * 5.25 * 3600 / 500)  # 105 answers at 500/hour
    verdict = throughput_within(load_run(slow), claim(bound=1000, unit="requests/hour"))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "offered more than the claimed" in verdict.reason


def test_a_per_client_volume_is_not_applicable() -> None:
    verdict = throughput_within(None, claim(per="client"))
    assert verdict.outcome is Outcome.NOT_APPLICABLE and "rate-limit policy" in verdict.reason


def test_a_non_rate_is_not_applicable() -> None:
    assert throughput_within(None, claim(unit="%")).outcome is Outcome.NOT_APPLICABLE


def test_an_upper_bound_is_not_a_sustained_rate_claim() -> None:
    assert throughput_within(load_run(run()), claim(comparator="<")).outcome is Outcome.ERROR


@pytest.mark.parametrize(
    ("bound", "unit", "per_second"),
    [(600, "requests/min", 10.0), (3600, "requests/hour", 1.0), (5, "rps", 5.0)],
)
def test_units_are_converted_to_per_second(bound: float, unit: str, per_second: float) -> None:
    assert rate_needed(claim(bound=bound, unit=unit)) == pytest.approx(per_second)
