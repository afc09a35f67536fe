"""Tenant isolation at the API: other tenants' resources by id, a spoofed tenant header, tampered JWTs."""

from __future__ import annotations

import pytest

from checks.collect.isolation.api import collect_api_isolation
from checks.collect.isolation.bindings import isolation_binding
from checks.evaluate.isolation import tenants_isolated_at_api
from checks.ledger import Claim
from checks.targets import Target
from fixtures.claims import claim_params
from fixtures.judging import Judge


@pytest.fixture(scope="module")
def shared() -> dict[str, object]:
    """Evidence collected once and judged for every claim of this module (the probes are the same)."""
    return {}


@pytest.mark.parametrize("claim", claim_params("isolation.api"))
def test_tenant_api_isolated(claim: Claim, judge: Judge, target: Target, shared: dict[str, object]) -> None:
    http = judge.need(target.http, "an HTTP endpoint")
    tenants = [t for t in target.tenants if t.api_key_env]
    judge.need(tenants if len(tenants) >= 2 else None, "two tenants with API keys (tenants[].api_key_env)")
    binding = isolation_binding(target)
    judge.need(binding.resources or None, "tenant resources to ask for by id (bindings.isolation.resources)")
    if "api" not in shared:
        shared["api"] = collect_api_isolation(http, tenants, binding)
    judge(tenants_isolated_at_api(shared["api"], claim))  # type: ignore[arg-type]
