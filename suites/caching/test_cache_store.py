"""The cache store itself: command latency, key lifetimes per class, and hit ratio."""

from __future__ import annotations

import pytest

from checks.collect.cache import collect_command_timings, collect_hit_counters, collect_key_ttls
from checks.collect.http import post
from checks.evaluate.cache_ttl import hit_ratio_within, ttl_as_claimed
from checks.evaluate.timings import timings_within
from checks.ledger import Claim
from checks.targets import Target
from fixtures.claims import claim_params
from fixtures.endpoints import binding, first_tenant, tenant_headers
from fixtures.judging import Judge

TIMINGS = 500


@pytest.mark.parametrize("claim", claim_params("cache.latency"))
def test_cache_latency_within_bound(claim: Claim, judge: Judge, target: Target) -> None:
    redis = judge.need(target.redis, "a Redis section")
    if claim.unit != "ms":
        judge.not_applicable(
            f"a {claim.unit} throughput claim needs a benchmark load against the cache, which "
            "claimcheck does not send to a target's Redis (read-only)"
        )
    judge(timings_within(collect_command_timings(redis.primary, TIMINGS).latencies_ms, claim, "Redis PING"))


@pytest.mark.parametrize("claim", claim_params("cache.ttl"))
def test_cache_key_lifetime_as_claimed(claim: Claim, judge: Judge, target: Target) -> None:
    redis = judge.need(target.redis, "a Redis section")
    bound = binding(target, claim)
    pattern = bound.get("key_pattern")
    if not pattern:
        judge.not_applicable(
            f"no binding names the key pattern of '{claim.scope.component}' on this target "
            f"(bindings.{claim.id}.key_pattern)"
        )
    if bound.get("prime_path"):
        # One ordinary request as the test identity creates a fresh key of the class (e.g. a login session).
        http = judge.need(target.http, "an HTTP endpoint to create a fresh key")
        tenant = judge.need(first_tenant(target), "a test tenant identity")
        post(http, str(bound["prime_path"]), tenant_headers(tenant))
    judge(ttl_as_claimed(collect_key_ttls(redis.primary, str(pattern)), claim))


@pytest.mark.parametrize("claim", claim_params("cache.hit_ratio"))
def test_cache_hit_ratio_within_bound(claim: Claim, judge: Judge, target: Target) -> None:
    redis = judge.need(target.redis, "a Redis section")
    judge(hit_ratio_within(collect_hit_counters(redis.primary), claim))
