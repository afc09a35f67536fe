"""Cache lifetimes per route class (static 30 d, API 10 min, profiles 2 h, psychology sessions never)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from checks.collect.http import get
from checks.evaluate.caching import cache_policy_matches
from checks.evidence.origin import Origin
from checks.ledger import Claim
from checks.targets import Target
from fixtures.claims import claim_params
from fixtures.endpoints import first_tenant, resolve_route, route_for, tenant_headers
from fixtures.judging import Judge


@pytest.mark.parametrize("claim", claim_params("cache.policy"))
def test_cache_lifetime_as_claimed(
    claim: Claim, judge: Judge, target: Target, evidence_origin: Callable[[str], Origin]
) -> None:
    http = judge.need(target.http, "an HTTP endpoint")
    route = judge.need(
        route_for(target, claim, "api"), f"a route for route class {claim.scope.route_class!r}"
    )
    tenant = judge.need(first_tenant(target), "a test tenant identity")
    path = resolve_route(target, claim.scope.route_class or "api", route, tenant)
    origin = replace(evidence_origin("http.cache_control"), identity=tenant.slug)
    judge(cache_policy_matches(claim, get(http, path, tenant_headers(tenant), origin=origin)))
