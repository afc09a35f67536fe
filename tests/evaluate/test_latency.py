"""Latency evaluator on hand-built runs: PROVEN, DISPROVEN and INCONCLUSIVE on both sides of the bound."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from checks.evaluate.latency import latency_within, offered_rate
from checks.ledger import Claim
from checks.sufficiency import SufficiencyPolicy
from checks.verdicts import EvidenceLevel, Outcome, Provenance
from tests.evaluate.factories import claim as make_claim
from tests.evaluate.factories import exp_ms, load_run, samples


def claim(
    statistic: str | None = "p95", comparator: str = "<", bound: float = 100, unit: str = "ms", **scope: Any
) -> Claim:
    scope = {"statistic": statistic, **scope} if statistic else scope
    return make_claim("http.latency", "latency", comparator=comparator, bound=bound, unit=unit, scope=scope)


def judged(data: Any, c: Claim, **kw: Any) -> Any:
    return latency_within(load_run(data), c, **kw)


# exponential with mean 20 ms: p95 = 20 ln 20 = 59.9 ms
def test_p95_well_under_the_bound_is_proven() -> None:
    verdict = judged(samples(exp_ms(2000, 20)), claim(bound=100))
    assert verdict.outcome is Outcome.PROVEN and verdict.level is EvidenceLevel.OBSERVED
    assert verdict.interval[1] < 100 and verdict.n == 2000
    assert verdict.measured["ci"][1] < 100 and "p95 = " in verdict.reason


def test_a_verdict_states_the_policy_it_was_decided_by() -> None:
    verdict = judged(samples(exp_ms(2000, 20)), claim(bound=100))
    assert "policy: 95% confidence, n >= 30" in verdict.reason


def test_p95_well_over_the_bound_is_disproven() -> None:
    verdict = judged(samples(exp_ms(2000, 20)), claim(bound=40))
    assert verdict.outcome is Outcome.DISPROVEN and verdict.interval[0] > 40


def test_p95_near_the_bound_is_inconclusive_and_names_a_sample_size() -> None:
    verdict = judged(samples(exp_ms(400, 20)), claim(bound=62))
    assert verdict.outcome is Outcome.INCONCLUSIVE
    assert "samples" in verdict.reason and "would decide" in verdict.reason


def test_greater_than_claims_use_the_lower_end() -> None:
    data = samples(exp_ms(2000, 20))
    assert judged(data, claim(comparator=">", bound=40)).outcome is Outcome.PROVEN
    assert judged(data, claim(comparator=">=", bound=100)).outcome is Outcome.DISPROVEN


def test_too_few_samples_for_p99_is_inconclusive_even_if_all_are_fast() -> None:
    verdict = judged(samples([1.0] * 200), claim(statistic="p99", bound=100))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "needs at least 368" in verdict.reason


def test_the_policys_minimum_n_applies_to_every_percentile() -> None:
    strict = SufficiencyPolicy(min_samples=500)
    verdict = judged(samples(exp_ms(400, 20)), claim(statistic="p50", bound=100), policy=strict)
    assert verdict.outcome is Outcome.INCONCLUSIVE and "needs at least 500" in verdict.reason


def test_no_statistic_is_judged_at_p95_and_says_so() -> None:
    verdict = judged(samples(exp_ms(2000, 20)), claim(statistic=None, bound=100))
    assert verdict.outcome is Outcome.PROVEN and verdict.reason.startswith(
        "no statistic stated, judged at p95"
    )


def test_a_generator_that_fell_short_of_the_rate_cannot_prove() -> None:
    verdict = judged(samples(exp_ms(2000, 20), rate=200, achieved=180), claim(bound=100))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "180.0 of 200 req/s" in verdict.reason


def test_a_rate_short_within_tolerance_still_judges() -> None:
    verdict = judged(samples(exp_ms(2000, 20), rate=200, achieved=195), claim(bound=100))
    assert verdict.outcome is Outcome.PROVEN


def test_too_many_errors_cannot_prove() -> None:
    verdict = judged(samples(exp_ms(2000, 20), errors=100), claim(bound=100))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "100 of 2100 requests failed" in verdict.reason


def test_a_run_below_the_claimed_load_cannot_prove() -> None:
    verdict = judged(samples(exp_ms(2000, 20), rate=200), claim(bound=100, load_rps=1000))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "1000 req/s" in verdict.reason


def test_a_late_generator_blocks_a_disproof_its_lateness_could_account_for() -> None:
    # p95 = 59.9 ms over 40 ms, but with 20 ms of lateness off, p94 (56.3 ms) is under 40 + 20 ms
    verdict = judged(samples(exp_ms(2000, 20), lateness_p99_us=20_000), claim(bound=40))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "generator itself was late" in verdict.reason


def test_a_disproof_far_beyond_the_generators_lateness_stands() -> None:
    # every request 300 ms or more (a slowed server) against 100 ms, the generator 13 ms late at p99
    slowed = 300 + exp_ms(600, 5)
    verdict = judged(samples(slowed, rate=100, lateness_p99_us=13_000), claim(bound=100))
    assert verdict.outcome is Outcome.DISPROVEN
    assert "late by 13 ms at p99, but p94 stays over 100 ms + 13 ms" in verdict.reason


def test_lateness_just_short_of_the_excess_still_blocks() -> None:
    # p94 of 300 ms + exp(5) is about 314 ms: 220 ms of lateness could account for most of the excess
    verdict = judged(samples(300 + exp_ms(600, 5), rate=100, lateness_p99_us=220_000), claim(bound=100))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "generator itself was late" in verdict.reason


def test_a_mean_disproof_stands_only_beyond_the_largest_lateness() -> None:
    slowed = samples(300 + exp_ms(600, 5), rate=100, lateness_p99_us=13_000)
    assert judged(slowed, claim(statistic="mean", bound=100)).outcome is Outcome.DISPROVEN
    late = samples(300 + exp_ms(600, 5), rate=100, lateness_p99_us=250_000)
    assert judged(late, claim(statistic="mean", bound=100)).outcome is Outcome.INCONCLUSIVE
    assert judged(slowed, claim(statistic="max", bound=100)).outcome is Outcome.DISPROVEN
    assert judged(late, claim(statistic="max", bound=100)).outcome is Outcome.INCONCLUSIVE


def test_lateness_never_blocks_a_lower_bound_disproof() -> None:
    # latency is timed from the scheduled send, so lateness only adds: under 500 ms measured is under it
    verdict = judged(samples(exp_ms(2000, 20), lateness_p99_us=60_000), claim(comparator=">", bound=500))
    assert verdict.outcome is Outcome.DISPROVEN and "only adds time" in verdict.reason


def test_bound_in_seconds_is_converted() -> None:
    data = samples(exp_ms(2000, 20))
    assert judged(data, claim(bound=0.1, unit="s")).outcome is Outcome.PROVEN
    assert judged(data, claim(bound=0.04, unit="s")).outcome is Outcome.DISPROVEN


def test_a_non_time_unit_is_an_error() -> None:
    assert judged(samples(exp_ms(2000, 20)), claim(unit="rps")).outcome is Outcome.ERROR


def test_mean_under_and_over_the_bound() -> None:
    data = samples(np.random.default_rng(5).uniform(10, 30, 1000))  # mean 20 ms
    assert judged(data, claim(statistic="mean", bound=21)).outcome is Outcome.PROVEN
    assert judged(data, claim(statistic="mean", bound=19)).outcome is Outcome.DISPROVEN
    near = judged(data, claim(statistic="mean", bound=20.05))
    assert near.outcome is Outcome.INCONCLUSIVE and "would decide" in near.reason


def test_a_heavy_tailed_mean_with_few_samples_is_inconclusive() -> None:
    data = samples(np.random.default_rng(8).lognormal(2.0, 2.0, 300))
    verdict = judged(data, claim(statistic="mean", bound=10_000))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "too skewed" in verdict.reason


def test_max_is_disproven_by_one_slow_request() -> None:
    verdict = judged(samples([5.0] * 99 + [150.0]), claim(statistic="max", bound=100))
    assert verdict.outcome is Outcome.DISPROVEN


def test_max_is_never_proven_by_sampling() -> None:
    verdict = judged(samples([5.0] * 100), claim(statistic="max", bound=100))
    assert verdict.outcome is Outcome.INCONCLUSIVE


def test_a_claim_above_the_governor_is_inconclusive_without_a_run() -> None:
    verdict = latency_within(load_run(None, offered=900, max_rps=600), claim(bound=100))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "governor allows 600 req/s" in verdict.reason


def test_a_refused_identity_is_an_error_naming_it_and_the_endpoint() -> None:
    verdict = judged(samples(exp_ms(2000, 20), errors=50, status=401), claim(bound=100))
    assert verdict.outcome is Outcome.ERROR
    assert "load-tester" in verdict.reason and "https://gw.test/api" in verdict.reason


def test_provenance_of_the_run_is_kept() -> None:
    verdict = judged(samples(exp_ms(2000, 20)), claim(bound=100))
    assert verdict.provenance is Provenance.INDEPENDENT


def test_offered_rate_follows_the_claimed_users_through_littles_law() -> None:
    users = claim(bound=150, load_users=2800)
    assert offered_rate(users, 5.0, 150) == pytest.approx(2800 / 5.15)
    assert offered_rate(claim(bound=150, load_rps=300), 5.0, 150) == 300
    assert offered_rate(claim(bound=150), 5.0, 150) == 150


def test_a_think_time_the_claim_states_replaces_the_profiles_assumption() -> None:
    """pgbench and redis-benchmark clients do not think (BP-D14-DB-02: 100 clients, think 0): their
    load is far above what 100 users of an API offer with the profile's 5 s."""
    bench = make_claim(
        "http.latency", "latency", comparator="<", bound=50, unit="ms",
        scope={"statistic": "p95", "load_users": 100}, params={"think_time_s": 0},
    )  # fmt: skip
    assert offered_rate(bench, 5.0, 150) == pytest.approx(100 / 0.05)
    assert offered_rate(claim(bound=50, load_users=100), 5.0, 150) == pytest.approx(100 / 5.05)
