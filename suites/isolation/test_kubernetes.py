"""Kubernetes tenancy: a namespace per tenant, quotas enforced, RBAC denying other tenants' namespaces."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.collect.kube import (
    ResourceAction,
    ServiceAccountRef,
    access_reviews,
    check_quota_enforced,
    collect_namespaces,
    collect_quota_snapshot,
    requests_beyond,
)
from checks.collect.kube.client import KubeApis, kube_apis
from checks.evaluate.kubernetes import (
    cross_namespace_access_denied,
    namespaces_per_tenant,
    quota_and_limitrange_present_and_enforced,
    tenancy_aspect,
)
from checks.evidence.kubernetes import NamespaceInventory
from checks.evidence.origin import Origin
from checks.ledger import Claim
from checks.targets import Kubernetes
from checks.verdicts import Verdict
from fixtures.claims import claim_params
from fixtures.judging import Judge
from fixtures.once import CollectOnce

RBAC_ACTIONS = (
    ResourceAction("get", "secrets"),
    ResourceAction("list", "pods"),
    ResourceAction("create", "pods"),
)


@pytest.fixture(scope="session")
def tenant_namespaces() -> CollectOnce[str, NamespaceInventory]:
    """The tenant namespaces, listed once per session (by label selector)."""
    return CollectOnce("tenant namespaces")


def _quota(
    apis: KubeApis, names: tuple[str, ...], claim: Claim, run_id: str, k8s: Kubernetes, origin: Origin
) -> Verdict:
    snapshot = collect_quota_snapshot(apis.core, names, origin=origin)
    enforce = k8s.probes_allowed
    probes = [
        check_quota_enforced(apis.core, q.namespace, requested=requests_beyond(q), run_id=run_id)
        for q in snapshot.quotas
        if enforce
    ]
    return quota_and_limitrange_present_and_enforced(snapshot, probes, claim)


def _rbac(apis: KubeApis, names: tuple[str, ...], claim: Claim, origin: Origin) -> Verdict:
    accounts = [ServiceAccountRef(ns, "default") for ns in names]
    matrix = access_reviews(apis.authorization, accounts, names, RBAC_ACTIONS, origin=origin)
    return cross_namespace_access_denied(matrix, claim)


@pytest.mark.parametrize("claim", claim_params("isolation.kubernetes"))
def test_kubernetes_tenancy_as_claimed(
    claim: Claim,
    judge: Judge,
    target_kubernetes: Kubernetes | None,
    run_id: str,
    evidence_origin: Callable[[str], Origin],
    tenant_namespaces: CollectOnce[str, NamespaceInventory],
) -> None:
    k8s = judge.need(target_kubernetes, "a Kubernetes cluster")
    apis, origin = kube_apis(k8s), evidence_origin("kubernetes")
    selector = k8s.tenant_namespace_selector
    inventory = tenant_namespaces.get(
        selector, lambda: collect_namespaces(apis.core, selector, origin=origin)
    )
    aspect = tenancy_aspect(claim)
    if aspect == "quota":
        judge(_quota(apis, inventory.names, claim, run_id, k8s, origin))
    elif aspect == "rbac":
        judge(_rbac(apis, inventory.names, claim, origin))
    else:
        judge(namespaces_per_tenant(inventory, claim))
