"""Kubernetes tenancy: a namespace per tenant, quotas enforced, RBAC denying other tenants' namespaces."""

from __future__ import annotations

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
)
from checks.ledger import Claim
from checks.targets import Kubernetes
from checks.verdicts import Verdict
from fixtures.claims import claim_params
from fixtures.judging import Judge

RBAC_ACTIONS = (
    ResourceAction("get", "secrets"),
    ResourceAction("list", "pods"),
    ResourceAction("create", "pods"),
)


def _quota(apis: KubeApis, names: tuple[str, ...], claim: Claim, run_id: str, probe: bool) -> Verdict:
    snapshot = collect_quota_snapshot(apis.core, names)
    probes = (
        [
            check_quota_enforced(apis.core, q.namespace, requested=requests_beyond(q), run_id=run_id)
            for q in snapshot.quotas
        ]
        if probe
        else []
    )
    return quota_and_limitrange_present_and_enforced(snapshot, probes, claim)


def _rbac(apis: KubeApis, names: tuple[str, ...], claim: Claim) -> Verdict:
    accounts = [ServiceAccountRef(ns, "default") for ns in names]
    return cross_namespace_access_denied(
        access_reviews(apis.authorization, accounts, names, RBAC_ACTIONS), claim
    )


@pytest.mark.parametrize("claim", claim_params("isolation.kubernetes"))
def test_kubernetes_tenancy_as_claimed(
    claim: Claim, judge: Judge, target_kubernetes: Kubernetes | None, run_id: str
) -> None:
    k8s = judge.need(target_kubernetes, "a Kubernetes cluster")
    apis = kube_apis(k8s)
    inventory = collect_namespaces(apis.core, k8s.tenant_namespace_selector)
    names = tuple(inventory.names)
    if "quota" in claim.metric:
        judge(_quota(apis, names, claim, run_id, probe=k8s.probes_allowed))
    elif "rbac" in claim.metric:
        judge(_rbac(apis, names, claim))
    else:
        judge(namespaces_per_tenant(inventory, claim))
