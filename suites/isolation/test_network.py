"""Network isolation between tenants, probed from inside each tenant's network namespace."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.collect.isolation.bindings import isolation_binding
from checks.collect.isolation.network import collect_network_reachability, vantage_of, why_no_namespaces
from checks.evaluate.isolation import network_claim_unmeasurable, tenant_networks_isolated
from checks.evidence.isolation import NetworkReachability
from checks.evidence.origin import Origin
from checks.ledger import Claim
from checks.targets import Target
from fixtures.claims import claim_params
from fixtures.judging import Judge
from fixtures.once import CollectOnce


@pytest.fixture(scope="session")
def network_reachability() -> CollectOnce[str, NetworkReachability]:
    """The connection attempts from every tenant namespace, made once per session."""
    return CollectOnce("network reachability")


@pytest.mark.parametrize("claim", claim_params("isolation.network"))
def test_tenant_networks_isolated(
    claim: Claim,
    judge: Judge,
    target: Target,
    evidence_origin: Callable[[str], Origin],
    network_reachability: CollectOnce[str, NetworkReachability],
) -> None:
    cloud = target.aws is not None and target.aws.endpoint_url is None
    live = network_claim_unmeasurable(
        claim, has_kubernetes=target.kubernetes is not None, has_cloud_network=cloud
    )
    if live is not None:
        judge(live)
    pairs = [(t, v.netns) for t in target.tenants if (v := vantage_of(target, t)) is not None and v.netns]
    judge.need(pairs if len(pairs) >= 2 else None, "two tenants with network-namespace vantage points")
    binding = isolation_binding(target)
    port = judge.need(binding.tenant_service_port, "a tenant service port (bindings.isolation)")
    judge.gate(why_no_namespaces([ns for _, ns in pairs]))
    evidence = network_reachability.get(
        "tenants",
        lambda: collect_network_reachability(
            target, pairs, port, binding.probe_timeout_s, origin=evidence_origin("network")
        ),
    )
    judge(tenant_networks_isolated(evidence, claim))
