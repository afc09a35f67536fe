"""The cache store itself: command latency, key lifetimes per class, and hit ratio."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.bindings import CacheKeyBinding
from checks.collect.cache import (
    collect_command_timings,
    collect_hit_counters,
    collect_key_names,
    collect_key_ttls,
)
from checks.collect.http import post
from checks.evaluate.cache_ttl import ttl_as_claimed
from checks.evaluate.caching import hit_ratio_within
from checks.evaluate.timings import not_timed, timings_within
from checks.evidence.cache_keys import KeyTtls
from checks.evidence.origin import Origin
from checks.ledger import Claim
from checks.registry import binding_as
from checks.sufficiency import SufficiencyPolicy
from checks.targets import RedisNode, Target
from fixtures.claims import claim_params
from fixtures.endpoints import first_tenant, tenant_headers
from fixtures.judging import Judge
from fixtures.load import TimingsUnderLoad

TIMINGS = 10000  # PINGs take ~0.05 ms; a skewed mean needs thousands of them
CACHE_NEEDS = "a benchmark load against the cache, which claimcheck does not send to a target's Redis"


@pytest.mark.parametrize("claim", claim_params("cache.latency"))
def test_cache_latency_within_bound(
    claim: Claim, judge: Judge, target: Target, loaded_timings: TimingsUnderLoad, policy: SufficiencyPolicy
) -> None:
    redis = judge.need(target.redis, "a Redis section")
    if (skipped := not_timed(claim, CACHE_NEEDS)) is not None:
        judge(skipped)
    evidence = loaded_timings(
        claim,
        "PING",
        TIMINGS,
        lambda interval_s, origin: collect_command_timings(
            redis.primary, TIMINGS, interval_s=interval_s, origin=origin
        ),
    )
    judge(timings_within(evidence, claim, policy))


def _created_ttls(
    judge: Judge, target: Target, node: RedisNode, bound: CacheKeyBinding, pattern: str, origin: Origin
) -> KeyTtls:
    """One ordinary request as the test identity creates a fresh key of the class (e.g. a login session);
    its TTL, read at once, is the lifetime configured today (an older key's remaining TTL is not)."""
    http = judge.need(target.http, "an HTTP endpoint to create a fresh key")
    tenant = judge.need(first_tenant(target), "a test tenant identity")
    before = collect_key_names(node, pattern)
    post(http, str(bound.prime_path), tenant_headers(tenant))
    return collect_key_ttls(node, pattern, besides=before, origin=origin)


@pytest.mark.parametrize("claim", claim_params("cache.ttl"))
def test_cache_key_lifetime_as_claimed(
    claim: Claim, judge: Judge, target: Target, evidence_origin: Callable[[str], Origin]
) -> None:
    redis = judge.need(target.redis, "a Redis section")
    bound = binding_as(target, claim, CacheKeyBinding)
    if bound is None or not bound.key_pattern:
        judge.not_applicable(
            f"no binding names the key pattern of '{claim.scope.component}' on this target "
            f"(bindings.{claim.id}.key_pattern)"
        )
    origin = evidence_origin(bound.evidence_source or "redis.ttl")
    if bound.prime_path:
        ttls = _created_ttls(judge, target, redis.primary, bound, bound.key_pattern, origin)
    else:
        ttls = collect_key_ttls(redis.primary, bound.key_pattern, origin=origin)
    judge(ttl_as_claimed(ttls, claim))


@pytest.mark.parametrize("claim", claim_params("cache.hit_ratio"))
def test_cache_hit_ratio_within_bound(
    claim: Claim,
    judge: Judge,
    target: Target,
    evidence_origin: Callable[[str], Origin],
    policy: SufficiencyPolicy,
) -> None:
    redis = judge.need(target.redis, "a Redis section")
    counters = collect_hit_counters(redis.primary, origin=evidence_origin("redis"))
    judge(hit_ratio_within(counters, claim, policy))
