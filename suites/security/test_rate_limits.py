"""Per-client rate limits: found at the boundary with a test identity, or read from the limiter's policy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from checks.bindings import RateLimitBinding
from checks.collect.ratelimit import collect_limit_policy, collect_rate_limit
from checks.evaluate.ratelimit import burst_as_claimed, burst_plan, policy_as_claimed, reads_advertised_policy
from checks.evidence.origin import Origin
from checks.evidence.security import LimitPolicy, RateLimitProbe
from checks.ledger import Claim
from checks.registry import binding_as
from checks.sufficiency import SufficiencyPolicy
from checks.targets import HttpEndpoint, Target, Tenant
from fixtures.claims import claim_params
from fixtures.endpoints import route_for, tenant_headers
from fixtures.judging import Judge
from fixtures.once import CollectOnce

STEADY_SECONDS = 12.0


@pytest.fixture(scope="session")
def rate_limit_bursts() -> CollectOnce[str, RateLimitProbe]:
    """One saturating burst + steady phase per route, shared by the claims (the budget is spent once)."""
    return CollectOnce("rate-limit burst")


def _tenant(target: Target, slug: str | None) -> Tenant | None:
    return next((t for t in target.tenants if t.slug == slug), None)


def _source(target: Target, claim: Claim) -> str:
    bound = binding_as(target, claim, RateLimitBinding)
    return (bound.evidence_source if bound else None) or "http.rate_limit"


def _policy(
    judge: Judge, target: Target, http: HttpEndpoint, route: str, claim: Claim, origin: Origin
) -> LimitPolicy:
    bound = binding_as(target, claim, RateLimitBinding)
    tenant = judge.need(
        _tenant(target, bound.tenant if bound else None) or _tenant(target, target.probe_tenant),
        "a test identity for this client class (bindings.<id>.tenant)",
    )
    return collect_limit_policy(http, route, (tenant.slug, tenant_headers(tenant)), origin=origin)


def _burst(
    target: Target, http: HttpEndpoint, route: str, prober: Tenant, claim: Claim, origin: Origin
) -> RateLimitProbe:
    other = next((t for t in target.tenants if t.slug != prober.slug), None)
    count, rate = burst_plan(claim)
    return collect_rate_limit(
        http,
        route,
        (prober.slug, tenant_headers(prober)),
        count,
        (other.slug, tenant_headers(other)) if other else None,
        max_rps=target.max_rps,
        paced=(rate, STEADY_SECONDS),
        origin=origin,
    )


@pytest.mark.load
@pytest.mark.parametrize("claim", claim_params("http.rate_limit"))
def test_rate_limit_as_claimed(
    claim: Claim,
    judge: Judge,
    target: Target,
    load_gate: str | None,
    policy: SufficiencyPolicy,
    evidence_origin: Callable[[str], Origin],
    rate_limit_bursts: CollectOnce[str, RateLimitProbe],
) -> None:
    http = judge.need(target.http, "an HTTP endpoint")
    route = judge.need(route_for(target, claim, "api"), "a rate-limited API route")
    origin = evidence_origin(_source(target, claim))
    if reads_advertised_policy(claim):
        judge(policy_as_claimed(_policy(judge, target, http, route, claim, origin), claim))
    judge.gate(load_gate)
    prober = judge.need(_tenant(target, target.probe_tenant), "a probe tenant whose budget may be spent")
    probe = rate_limit_bursts.get(route, lambda: _burst(target, http, route, prober, claim, origin))
    # one burst serves every claim of the route; what it stands for (its source) is each claim's own
    judge(burst_as_claimed(replace(probe, origin=origin), claim, policy))
