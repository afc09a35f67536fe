"""Cache-Control against claimed cache lifetimes: parsing, the lifetime a cache may use, and both sides."""

from __future__ import annotations

import pytest

from checks.evaluate.caching import (
    cache_directives,
    cache_policy_matches,
    effective_lifetime,
    hit_ratio_within,
)
from checks.evidence.cache import HitCounters
from checks.evidence.http import ResponseHeaders
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome

BASE = Claim(
    id="BP-T-CACHE-01",
    system="BarberPro",
    category="caching",
    statement="API responses cached 10 minutes.",
    sources=[{"file": "003_05e30b35ee0cdd0e.txt", "line": 64, "quote": "max-age 10 min"}],
    metric="cache_max_age",
    comparator="==",
    bound=10,
    unit="min",
    check="cache.policy",
    method="Cache-Control of one response per route class.",
)
NO_STORE = BASE.model_copy(update={"bound": 0, "unit": "s"})


def response(cache_control: str | None, status: int = 200) -> ResponseHeaders:
    headers = {} if cache_control is None else {"cache-control": cache_control}
    return ResponseHeaders("https://gw.test/api/services", status, headers, 3.0)


def test_directives_are_split_lower_cased_and_unquoted() -> None:
    found = cache_directives('Public, MAX-AGE="600", , no-transform')
    assert found == {"public": None, "max-age": "600", "no-transform": None}


def test_no_store_means_zero_lifetime() -> None:
    assert effective_lifetime(cache_directives("no-store, max-age=600")) == 0.0


def test_shared_s_maxage_wins_over_max_age() -> None:
    assert effective_lifetime(cache_directives("max-age=60, s-maxage=600")) == 600.0


@pytest.mark.parametrize("header", ["public", "max-age=soon", ""])
def test_no_numeric_lifetime_is_unstated(header: str) -> None:
    assert effective_lifetime(cache_directives(header)) is None


def test_exact_lifetime_is_proven() -> None:
    verdict = cache_policy_matches(BASE, response("public, max-age=600"))
    assert verdict.outcome == Outcome.PROVEN and verdict.level == EvidenceLevel.OBSERVED
    assert (verdict.measured, verdict.bound) == (600.0, 600.0)


@pytest.mark.parametrize("seconds", [599, 601, 300])
def test_a_different_lifetime_is_disproven(seconds: int) -> None:
    verdict = cache_policy_matches(BASE, response(f"public, max-age={seconds}"))
    assert verdict.outcome == Outcome.DISPROVEN and verdict.measured == float(seconds)


def test_an_upper_bound_claim_accepts_shorter_and_refuses_longer() -> None:
    at_most = BASE.model_copy(update={"comparator": "<="})
    assert cache_policy_matches(at_most, response("max-age=300")).outcome == Outcome.PROVEN
    assert cache_policy_matches(at_most, response("max-age=601")).outcome == Outcome.DISPROVEN


def test_no_lifetime_at_all_is_disproven() -> None:
    verdict = cache_policy_matches(BASE, response(None))
    assert verdict.outcome == Outcome.DISPROVEN and "no cache lifetime" in verdict.reason


def test_an_error_response_is_an_error_not_a_verdict_on_the_policy() -> None:
    verdict = cache_policy_matches(BASE, response("max-age=600", status=502))
    assert verdict.outcome == Outcome.ERROR and "502" in verdict.reason


def test_a_zero_claim_is_proven_by_no_store() -> None:
    verdict = cache_policy_matches(NO_STORE, response("no-store, private"))
    assert verdict.outcome == Outcome.PROVEN and verdict.bound == "no-store"


@pytest.mark.parametrize("header", ["max-age=0", "no-cache", "private, max-age=0, must-revalidate"])
def test_a_zero_claim_without_no_store_is_disproven(header: str) -> None:
    assert cache_policy_matches(NO_STORE, response(header)).outcome == Outcome.DISPROVEN


HIT_RATIO = BASE.model_copy(
    update={
        "check": "cache.hit_ratio",
        "metric": "cache_hit_ratio",
        "comparator": ">",
        "bound": 90,
        "unit": "%",
    }
)


def counters(hits: int, misses: int) -> HitCounters:
    return HitCounters("redis://cache.test:6379", hits, misses)


def test_a_hit_ratio_clearly_over_the_bound_is_proven() -> None:
    verdict = hit_ratio_within(counters(9_500, 500), HIT_RATIO)
    assert verdict.outcome is Outcome.PROVEN and verdict.n == 10_000
    assert verdict.interval is not None and verdict.interval[0] > 0.9 and "policy:" in verdict.reason


def test_a_hit_ratio_clearly_under_the_bound_is_disproven() -> None:
    assert hit_ratio_within(counters(8_000, 2_000), HIT_RATIO).outcome is Outcome.DISPROVEN


def test_a_hit_ratio_near_the_bound_is_inconclusive() -> None:
    verdict = hit_ratio_within(counters(91, 9), HIT_RATIO)
    assert verdict.outcome is Outcome.INCONCLUSIVE and "would decide" in verdict.reason


def test_too_few_lookups_for_the_policy_are_inconclusive() -> None:
    verdict = hit_ratio_within(counters(10, 0), HIT_RATIO)
    assert verdict.outcome is Outcome.INCONCLUSIVE and "needs at least 30" in verdict.reason


def test_no_lookups_at_all_are_inconclusive() -> None:
    verdict = hit_ratio_within(counters(0, 0), HIT_RATIO)
    assert verdict.outcome is Outcome.INCONCLUSIVE and "no lookups yet" in verdict.reason
