"""Network isolation between tenants, probed from inside each tenant's network namespace."""

from __future__ import annotations

import pytest

from checks.collect.isolation.bindings import isolation_binding
from checks.collect.isolation.network import collect_network_reachability, vantage_of, why_no_namespaces
from checks.evaluate.isolation import network_claim_unmeasurable, tenant_networks_isolated
from checks.ledger import Claim
from checks.targets import Target
from fixtures.claims import claim_params
from fixtures.judging import Judge


@pytest.fixture(scope="module")
def shared() -> dict[str, object]:
    """Evidence collected once and judged for every claim of this module (the probes are the same)."""
    return {}


@pytest.mark.parametrize("claim", claim_params("isolation.network"))
def test_tenant_networks_isolated(
    claim: Claim, judge: Judge, target: Target, shared: dict[str, object]
) -> None:
    cloud = target.aws is not None and target.aws.endpoint_url is None
    k8s = target.kubernetes is not None
    live = network_claim_unmeasurable(claim, has_kubernetes=k8s, has_cloud_network=cloud)
    if live is not None:
        judge(live)
    pairs = [(t, v.netns) for t in target.tenants if (v := vantage_of(target, t)) is not None and v.netns]
    judge.need(pairs if len(pairs) >= 2 else None, "two tenants with network-namespace vantage points")
    binding = isolation_binding(target)
    port = judge.need(binding.tenant_service_port, "a tenant service port (bindings.isolation)")
    judge.gate(why_no_namespaces([ns for _, ns in pairs]))
    if "reach" not in shared:
        shared["reach"] = collect_network_reachability(target, pairs, port, binding.probe_timeout_s)
    judge(tenant_networks_isolated(shared["reach"], claim))  # type: ignore[arg-type]
