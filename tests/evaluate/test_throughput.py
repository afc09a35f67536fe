"""Throughput evaluator on hand-built samples: both sides of the claimed rate, the governor, unfit runs."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from checks.collect.load.samples import LatencySamples
from checks.evaluate.throughput import rate_needed, throughput_within, window_s
from checks.ledger import Claim
from checks.verdicts import Outcome


def claim(bound: float = 500, comparator: str = ">=", unit: str = "rps", **scope: Any) -> Claim:
    return Claim.model_validate(
        {
            "id": "BP-THR-01",
            "system": "BarberPro",
            "category": "throughput",
            "statement": "a test claim",
            "sources": [{"file": "001_ca4cc006242b71e0.txt", "line": 1, "quote": "500 requests per second"}],
            "metric": "http_throughput",
            "comparator": comparator,
            "bound": bound,
            "unit": unit,
            "scope": scope,
            "check": "http.throughput",
            "method": "hand-built evidence",
        }
    )


def run(
    rate: float = 525,
    sustained: float = 520,
    errors: int = 0,
    status: int = 0,
    duration_s: float = 60,
    achieved: float | None = None,
) -> LatencySamples:
    n = int(rate * duration_s)
    return LatencySamples(
        url="http://127.0.0.1:1/x",
        requested_rate=rate,
        achieved_rate=achieved or rate,
        completion_rate=sustained,
        duration_s=duration_s,
        elapsed_s=duration_s,
        scheduled=n,
        sent=n,
        completed=n - (errors if status == 0 else 0),
        errors=errors,
        status_counts={200: n - errors, **({status: errors} if errors else {})},
        lateness_us={"p99": 200.0},
        latencies_us=(1000.0,) * (n - errors),
        histogram="",
        log_path="/tmp/r.log",
    )


MAX_RPS = 600


def test_sustaining_more_than_claimed_is_proven() -> None:
    verdict = throughput_within(run(sustained=520), claim(), max_rps=MAX_RPS)
    assert verdict.outcome is Outcome.PROVEN and verdict.measured["value"] == 520
    assert "520.0 req/s sustained" in verdict.reason


def test_falling_well_behind_the_claim_is_disproven() -> None:
    verdict = throughput_within(run(sustained=400), claim(), max_rps=MAX_RPS)
    assert verdict.outcome is Outcome.DISPROVEN and "under >= 500 req/s" in verdict.reason


def test_just_under_the_claim_is_inconclusive() -> None:
    verdict = throughput_within(run(sustained=490), claim(), max_rps=MAX_RPS)
    assert verdict.outcome is Outcome.INCONCLUSIVE and "drain allowance" in verdict.reason


def test_a_claim_above_the_governor_is_inconclusive_without_a_run() -> None:
    verdict = throughput_within(None, claim(bound=1000), max_rps=MAX_RPS)
    assert verdict.outcome is Outcome.INCONCLUSIVE
    assert "needs 1000 req/s" in verdict.reason and "allows 600 req/s" in verdict.reason


def test_a_claim_at_the_governor_is_judged() -> None:
    assert (
        throughput_within(run(rate=600, sustained=601), claim(bound=600), max_rps=600).outcome
        is Outcome.PROVEN
    )


def test_offering_less_than_the_claim_cannot_prove() -> None:
    verdict = throughput_within(run(rate=450, sustained=450), claim(), max_rps=MAX_RPS)
    assert verdict.outcome is Outcome.INCONCLUSIVE and "offered 450 req/s" in verdict.reason


def test_a_generator_short_of_its_rate_cannot_judge() -> None:
    verdict = throughput_within(run(achieved=400, sustained=400), claim(), max_rps=MAX_RPS)
    assert verdict.outcome is Outcome.INCONCLUSIVE and "generator achieved" in verdict.reason


def test_server_errors_over_the_threshold_disprove() -> None:
    verdict = throughput_within(run(errors=3000, status=503), claim(), max_rps=MAX_RPS)
    assert verdict.outcome is Outcome.DISPROVEN and "failed" in verdict.reason


def test_client_errors_are_inconclusive_not_disproof() -> None:
    verdict = throughput_within(run(errors=3000, status=401), claim(), max_rps=MAX_RPS)
    assert verdict.outcome is Outcome.INCONCLUSIVE and "credentials" in verdict.reason


def test_a_run_shorter_than_the_claimed_window_cannot_judge() -> None:
    verdict = throughput_within(run(duration_s=60), claim(window="5m"), max_rps=MAX_RPS)
    assert verdict.outcome is Outcome.INCONCLUSIVE and "300 s window" in verdict.reason
    assert (
        throughput_within(replace(run(duration_s=300)), claim(window="5m"), max_rps=MAX_RPS).outcome
        is Outcome.PROVEN
    )


def test_units_and_comparators() -> None:
    assert rate_needed(claim(bound=60_000, unit="rpm")) == 1000
    assert throughput_within(run(), claim(unit="ms"), max_rps=MAX_RPS).outcome is Outcome.ERROR
    assert throughput_within(run(), claim(comparator="<"), max_rps=MAX_RPS).outcome is Outcome.ERROR
    assert (
        throughput_within(run(sustained=500), claim(comparator=">"), max_rps=MAX_RPS).outcome
        is Outcome.INCONCLUSIVE
    )


def test_window_parsing() -> None:
    assert (
        window_s("5m") == 300 and window_s("90s") == 90 and window_s("1h") == 3600 and window_s(None) is None
    )
    with pytest.raises(ValueError):
        window_s("five minutes")
