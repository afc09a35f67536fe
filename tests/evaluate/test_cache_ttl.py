"""Redis key TTLs (never longer than claimed, fresh enough to show it) and hit ratios with exact bounds."""

from __future__ import annotations

from checks.evaluate.cache_ttl import ttl_as_claimed
from checks.evaluate.caching import hit_ratio_within
from checks.evidence.cache import HitCounters
from checks.evidence.cache_keys import KeyTtls
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome

TTL = Claim(
    id="BB-T-CACHE-02",
    system="BookedBarber V2",
    category="caching",
    statement="Sessions expire after 1 hour.",
    sources=[{"file": "002_08221f940f310389.txt", "line": 1, "quote": "TTL 1h"}],
    metric="cache_ttl",
    comparator="==",
    bound=1,
    unit="h",
    check="cache.ttl",
    method="TTL of matching keys.",
)
HIT = TTL.model_copy(
    update={
        "metric": "cache_hit_ratio",
        "comparator": ">",
        "bound": 90,
        "unit": "%",
        "check": "cache.hit_ratio",
    }
)
ADDRESS = "redis://127.0.0.1:6390"


def ttls(*values: int) -> KeyTtls:
    return KeyTtls(ADDRESS, "session:*", values)


def created(*values: int) -> KeyTtls:
    """TTLs of the keys the probe's own request just created."""
    return KeyTtls(ADDRESS, "session:*", values, created=True)


def test_a_key_just_created_with_a_shorter_lifetime_disproves_an_exact_claim() -> None:
    verdict = ttl_as_claimed(created(3600), TTL.model_copy(update={"bound": 24}))
    assert verdict.outcome == Outcome.DISPROVEN and "expire in 3600 s" in verdict.reason


def test_a_key_just_created_at_the_claimed_lifetime_is_proven() -> None:
    verdict = ttl_as_claimed(created(86399), TTL.model_copy(update={"bound": 24}))
    assert verdict.outcome == Outcome.PROVEN and "just created" in verdict.reason


def test_a_key_just_created_that_never_expires_disproves() -> None:
    assert ttl_as_claimed(created(-1), TTL).outcome == Outcome.DISPROVEN


def test_a_shorter_key_is_fine_for_an_at_most_claim() -> None:
    at_most = TTL.model_copy(update={"comparator": "<=", "bound": 24})
    assert ttl_as_claimed(created(3600), at_most).outcome == Outcome.PROVEN


def test_no_key_created_by_the_probe_is_inconclusive() -> None:
    verdict = ttl_as_claimed(created(), TTL)
    assert verdict.outcome == Outcome.INCONCLUSIVE and "created no key" in verdict.reason


def counters(hits: int, misses: int) -> HitCounters:
    return HitCounters(ADDRESS, hits, misses)


def test_no_matching_key_is_inconclusive() -> None:
    verdict = ttl_as_claimed(ttls(), TTL)
    assert verdict.outcome == Outcome.INCONCLUSIVE and "no keys match" in verdict.reason


def test_a_key_without_expiry_is_disproven() -> None:
    verdict = ttl_as_claimed(ttls(3500, -1), TTL)
    assert verdict.outcome == Outcome.DISPROVEN and "1 key(s) never expire" in verdict.reason


def test_a_key_living_longer_than_claimed_is_disproven() -> None:
    verdict = ttl_as_claimed(ttls(3601), TTL)
    assert verdict.outcome == Outcome.DISPROVEN and verdict.measured == 3601


def test_a_fresh_key_at_the_claimed_ttl_is_proven() -> None:
    verdict = ttl_as_claimed(ttls(3600, 120), TTL)
    assert verdict.outcome == Outcome.PROVEN and verdict.level == EvidenceLevel.CONFIGURED


def test_freshness_boundary_is_ninety_percent_of_the_claim() -> None:
    assert ttl_as_claimed(ttls(3240), TTL).outcome == Outcome.PROVEN
    assert ttl_as_claimed(ttls(3239), TTL).outcome == Outcome.INCONCLUSIVE


def test_keys_that_vanished_during_the_scan_prove_nothing() -> None:
    assert ttl_as_claimed(ttls(-2, -2), TTL).outcome == Outcome.INCONCLUSIVE


def test_no_lookups_is_inconclusive() -> None:
    assert hit_ratio_within(counters(0, 0), HIT).outcome == Outcome.INCONCLUSIVE


def test_hit_ratio_clearly_above_is_proven() -> None:
    verdict = hit_ratio_within(counters(990, 10), HIT)
    assert verdict.outcome == Outcome.PROVEN and verdict.bound == 0.9 and verdict.measured == 0.99


def test_hit_ratio_clearly_below_is_disproven() -> None:
    assert hit_ratio_within(counters(800, 200), HIT).outcome == Outcome.DISPROVEN


def test_hit_ratio_from_few_lookups_is_inconclusive() -> None:
    assert hit_ratio_within(counters(19, 1), HIT).outcome == Outcome.INCONCLUSIVE
