"""Per-client rate limits: found at the boundary with a test identity, or read from the limiter's policy."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.collect.ratelimit import RateLimitProbe, collect_limit_policy, collect_rate_limit
from checks.evaluate.ratelimit import WINDOW_S, burst_as_claimed, policy_as_claimed
from checks.ledger import Claim
from checks.targets import Target, Tenant
from fixtures.claims import claim_params
from fixtures.endpoints import binding, route_for, tenant_headers
from fixtures.judging import Judge

PRESENT_BURST = 150
STEADY_SECONDS = 12.0


@pytest.fixture(scope="session")
def rate_limit_probe(target: Target) -> Callable[..., RateLimitProbe]:
    """One saturating burst + steady phase per route, shared by the claims (the budget is spent once)."""
    cache: dict[str, RateLimitProbe] = {}

    def get(route: str, prober: Tenant, other: Tenant | None, count: int, claim: Claim) -> RateLimitProbe:
        if route not in cache:
            assert target.http is not None
            window = WINDOW_S.get(claim.unit or "", 60.0)
            rate = 2 * float(claim.bound) / window if isinstance(claim.bound, int | float) else 5.0
            cache[route] = collect_rate_limit(
                target.http,
                route,
                (prober.slug, tenant_headers(prober)),
                count,
                (other.slug, tenant_headers(other)) if other else None,
                max_rps=target.max_rps,
                paced=(rate, STEADY_SECONDS),
            )
        return cache[route]

    return get


def _tenant(target: Target, slug: str | None) -> Tenant | None:
    return next((t for t in target.tenants if t.slug == slug), None)


@pytest.mark.load
@pytest.mark.parametrize("claim", claim_params("http.rate_limit"))
def test_rate_limit_as_claimed(
    claim: Claim,
    judge: Judge,
    target: Target,
    load_gate: str | None,
    rate_limit_probe: Callable[..., RateLimitProbe],
) -> None:
    http = judge.need(target.http, "an HTTP endpoint")
    route = judge.need(route_for(target, claim, "api"), "a rate-limited API route")
    bound = binding(target, claim)
    window = WINDOW_S.get(claim.unit or "", 60.0)
    if window > 60:
        tenant = judge.need(
            _tenant(target, bound.get("tenant")) or _tenant(target, target.probe_tenant),
            "a test identity for this client class (bindings.<id>.tenant)",
        )
        judge(
            policy_as_claimed(
                collect_limit_policy(http, route, tenant_headers(tenant), tenant.slug), claim, tenant.slug
            )
        )
        return
    judge.gate(load_gate)
    prober = judge.need(_tenant(target, target.probe_tenant), "a probe tenant whose budget may be spent")
    other = next((t for t in target.tenants if t.slug != prober.slug), None)
    count = int(float(claim.bound) * 1.3) + 5 if isinstance(claim.bound, int | float) else PRESENT_BURST
    judge(burst_as_claimed(rate_limit_probe(route, prober, other, count, claim), claim))
