"""Security controls at the edge: credentials demanded and checked on every route, claimed auth methods,
security headers; WAF rules by declared evidence (live only where the target has a WAF)."""

from __future__ import annotations

import pytest

from checks.collect.isolation.bindings import EdgeBinding, isolation_binding, parse_binding
from checks.collect.isolation.edge import collect_edge_controls
from checks.collect.isolation.tokens import TokenClaims
from checks.evaluate.edge import edge_controls_hold, is_waf_claim, waf_live_part
from checks.ledger import Claim
from checks.targets import Target, secret
from fixtures.claims import claim_params
from fixtures.endpoints import first_tenant
from fixtures.judging import Judge


@pytest.fixture(scope="module")
def shared() -> dict[str, object]:
    """Evidence collected once and judged for every claim of this module (the probes are the same)."""
    return {}


@pytest.mark.parametrize("claim", claim_params("security.headers"))
def test_edge_controls(claim: Claim, judge: Judge, target: Target, shared: dict[str, object]) -> None:
    edge = parse_binding(target, "edge", EdgeBinding) or EdgeBinding()
    if is_waf_claim(claim):
        judge(waf_live_part(claim, edge.waf))
    http = judge.need(target.http, "an HTTP endpoint")
    tenant = judge.need(first_tenant(target), "a test tenant identity")
    routes = judge.need(edge.auth_routes or None, "routes that must demand credentials (bindings.edge)")
    iso = isolation_binding(target)
    key = secret(iso.jwt_secret_env, key="bindings.isolation.jwt_secret_env") if iso.jwt_secret_env else None
    names = TokenClaims(iso.jwt_tenant_claim, iso.jwt_subject_claim)
    if "edge" not in shared:
        shared["edge"] = collect_edge_controls(http, tenant, routes, key, names, edge.oauth2_discovery)
    judge(edge_controls_hold(shared["edge"], claim))  # type: ignore[arg-type]
