"""Tenant isolation at the API: other tenants' resources by id, a spoofed tenant header, tampered JWTs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.collect.isolation.api import collect_api_isolation
from checks.collect.isolation.bindings import isolation_binding
from checks.evaluate.isolation import tenants_isolated_at_api
from checks.evidence.isolation import ApiIsolation
from checks.evidence.origin import Origin
from checks.ledger import Claim
from checks.sufficiency import SufficiencyPolicy
from checks.targets import Target
from fixtures.claims import claim_params
from fixtures.judging import Judge
from fixtures.once import CollectOnce


@pytest.fixture(scope="session")
def api_isolation() -> CollectOnce[str, ApiIsolation]:
    """The API probes, made once per session and judged for every claim (the probes are the same)."""
    return CollectOnce("API isolation")


@pytest.mark.parametrize("claim", claim_params("isolation.api"))
def test_tenant_api_isolated(
    claim: Claim,
    judge: Judge,
    target: Target,
    policy: SufficiencyPolicy,
    evidence_origin: Callable[[str], Origin],
    api_isolation: CollectOnce[str, ApiIsolation],
) -> None:
    http = judge.need(target.http, "an HTTP endpoint")
    tenants = [t for t in target.tenants if t.api_key_env]
    judge.need(tenants if len(tenants) >= 2 else None, "two tenants with API keys (tenants[].api_key_env)")
    binding = isolation_binding(target)
    judge.need(binding.resources or None, "tenant resources to ask for by id (bindings.isolation.resources)")
    evidence = api_isolation.get(
        http.base_url,
        lambda: collect_api_isolation(http, tenants, binding, origin=evidence_origin("http.api")),
    )
    judge(tenants_isolated_at_api(evidence, claim, policy))
