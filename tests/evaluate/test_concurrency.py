"""Concurrent users: Little's law turns users into a rate, judged by the throughput rules."""

from __future__ import annotations

from typing import Any

import pytest

from checks.evaluate.concurrency import concurrency_offer, users_claimed, users_served, users_to_rate
from checks.ledger import Claim
from checks.verdicts import Outcome
from tests.evaluate.factories import claim as make_claim
from tests.evaluate.factories import load_run, samples


def claim(bound: float = 1000, unit: str = "users", **fields: Any) -> Claim:
    return make_claim("http.concurrency", "capacity", comparator=">=", bound=bound, unit=unit, **fields)


def at(rate: float, seconds: float = 20, elapsed: float | None = None) -> Any:
    return samples([1.0] * int(rate * seconds), rate=rate, duration_s=seconds, elapsed_s=elapsed)


def test_the_users_arrival_rate_sustained_is_proven() -> None:
    offer = concurrency_offer(claim(), 5.0)
    assert offer is not None
    verdict = users_served(load_run(at(offer)), claim(), 5.0)
    assert verdict.outcome is Outcome.PROVEN and "Little's law" in verdict.reason


def test_the_users_arrival_rate_not_sustained_is_disproven() -> None:
    offer = concurrency_offer(claim(), 5.0) or 0.0
    verdict = users_served(load_run(at(offer, elapsed=40)), claim(), 5.0)
    assert verdict.outcome is Outcome.DISPROVEN


def test_users_at_the_rate_just_barely_are_inconclusive() -> None:
    rate = users_to_rate(1000, 5.0)
    verdict = users_served(load_run(at(rate * 1.05, elapsed=20 * 1.05)), claim(), 5.0)
    assert verdict.outcome is Outcome.INCONCLUSIVE


def test_a_growth_multiple_without_users_is_not_applicable() -> None:
    verdict = users_served(None, claim(bound=10, unit="x", params={"baseline": "current load"}), 5.0)
    assert verdict.outcome is Outcome.NOT_APPLICABLE


def test_a_multiple_names_its_equivalent_users() -> None:
    assert users_claimed(claim(bound=10, unit="x", params={"equivalent_users": 10000})) == 10000


def test_the_scope_load_is_preferred_to_the_bound() -> None:
    assert users_claimed(claim(bound=5, scope={"load_users": 1000})) == 1000


def test_littles_law() -> None:
    assert users_to_rate(1000, 5.0, 0.1) == pytest.approx(1000 / 5.1)
