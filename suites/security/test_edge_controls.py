"""Security controls at the edge: credentials demanded and checked on every route, claimed auth methods,
security headers; WAF rules by declared evidence (live only where the target has a WAF)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.collect.isolation.bindings import EdgeBinding, isolation_binding, parse_binding
from checks.collect.isolation.edge import collect_edge_controls
from checks.collect.isolation.tokens import TokenClaims
from checks.evaluate.edge import edge_controls_hold, is_waf_claim, waf_live_part
from checks.evidence.origin import Origin
from checks.evidence.security import EdgeObservation
from checks.ledger import Claim
from checks.targets import HttpEndpoint, Target, Tenant, secret
from fixtures.claims import claim_params
from fixtures.endpoints import first_tenant
from fixtures.judging import Judge
from fixtures.once import CollectOnce


@pytest.fixture(scope="session")
def edge_observations() -> CollectOnce[str, EdgeObservation]:
    """The edge probed once per session: every credential kind on every bound route."""
    return CollectOnce("edge controls")


def _observe(
    target: Target, http: HttpEndpoint, tenant: Tenant, edge: EdgeBinding, origin: Origin
) -> EdgeObservation:
    iso = isolation_binding(target)
    key = secret(iso.jwt_secret_env, key="bindings.isolation.jwt_secret_env") if iso.jwt_secret_env else None
    names = TokenClaims(iso.jwt_tenant_claim, iso.jwt_subject_claim)
    return collect_edge_controls(
        http, tenant, edge.auth_routes, key, names, edge.oauth2_discovery, origin=origin
    )


@pytest.mark.parametrize("claim", claim_params("security.headers"))
def test_edge_controls(
    claim: Claim,
    judge: Judge,
    target: Target,
    evidence_origin: Callable[[str], Origin],
    edge_observations: CollectOnce[str, EdgeObservation],
) -> None:
    edge = parse_binding(target, "edge", EdgeBinding) or EdgeBinding()
    if is_waf_claim(claim):
        judge(waf_live_part(claim, edge.waf))
    http = judge.need(target.http, "an HTTP endpoint")
    tenant = judge.need(first_tenant(target), "a test tenant identity")
    judge.need(edge.auth_routes or None, "routes that must demand credentials (bindings.edge)")
    observed = edge_observations.get(
        http.base_url, lambda: _observe(target, http, tenant, edge, evidence_origin("http.edge"))
    )
    judge(edge_controls_hold(observed, claim))
