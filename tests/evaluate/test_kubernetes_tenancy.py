"""Kubernetes tenancy evaluators on the core: one comparison, typed params, provenance, claim routing."""

from __future__ import annotations

from checks.evaluate.kubernetes import (
    default_deny_present,
    namespaces_per_tenant,
    quota_and_limitrange_present_and_enforced,
    tenancy_aspect,
)
from checks.evidence.kubernetes import (
    LimitRangeRecord,
    NamespaceInfo,
    NamespaceInventory,
    NetworkPolicyRecord,
    NetworkPolicySnapshot,
    QuotaSnapshot,
    ResourceQuotaRecord,
)
from checks.ledger import Claim
from checks.verdicts import Outcome, Provenance
from tests.evaluate.evidence_factories import CONSTRUCTED, INDEPENDENT, make_claim

THREE = NamespaceInventory("claimcheck.io/tenant", tuple(NamespaceInfo(n) for n in "abc"), INDEPENDENT)


def tenancy(**kw: object) -> Claim:
    return make_claim("isolation.kubernetes", category="isolation", **kw)


def test_a_count_bound_goes_through_the_one_comparison() -> None:
    assert (
        namespaces_per_tenant(THREE, tenancy(comparator=">=", bound=3, unit="count")).outcome
        is Outcome.PROVEN
    )
    assert (
        namespaces_per_tenant(THREE, tenancy(comparator=">", bound=3, unit="count")).outcome
        is Outcome.DISPROVEN
    )


def test_a_presence_claim_is_proven_by_any_tenant_namespace() -> None:
    verdict = namespaces_per_tenant(THREE, tenancy(bound="namespace per tenant"))
    assert verdict.outcome is Outcome.PROVEN and verdict.provenance is Provenance.INDEPENDENT


def test_no_tenant_namespace_is_inconclusive() -> None:
    empty = NamespaceInventory("claimcheck.io/tenant", (), INDEPENDENT)
    assert namespaces_per_tenant(empty, tenancy()).outcome is Outcome.INCONCLUSIVE


def test_a_constructed_cluster_marks_the_verdict_for_the_judgement() -> None:
    verdict = namespaces_per_tenant(NamespaceInventory("sel", THREE.namespaces, CONSTRUCTED), tenancy())
    assert verdict.provenance is Provenance.CONSTRUCTED and verdict.evidence["constructed"]


def test_default_deny_directions_come_from_typed_params() -> None:
    ingress_only = NetworkPolicyRecord("a", "deny", {"podSelector": {}, "policyTypes": ["Ingress"]})
    snapshot = NetworkPolicySnapshot(("a",), (ingress_only,), INDEPENDENT)
    assert default_deny_present(snapshot, tenancy()).outcome is Outcome.DISPROVEN
    assert (
        default_deny_present(snapshot, tenancy(params={"directions": ["Ingress"]})).outcome is Outcome.PROVEN
    )


def test_quota_resources_come_from_typed_params() -> None:
    quota = ResourceQuotaRecord("a", "q", {"requests.cpu": "2"}, {})
    snapshot = QuotaSnapshot(("a",), (quota,), (LimitRangeRecord("a", "lr", ()),), INDEPENDENT)
    assert quota_and_limitrange_present_and_enforced(snapshot, [], tenancy()).outcome is Outcome.DISPROVEN
    cpu_only = tenancy(params={"resources": ["cpu"]})
    assert quota_and_limitrange_present_and_enforced(snapshot, [], cpu_only).outcome is Outcome.INCONCLUSIVE


def test_each_claim_is_routed_to_the_evidence_it_needs() -> None:
    assert tenancy_aspect(tenancy(metric="tenant_cpu_quota")) == "quota"
    assert tenancy_aspect(tenancy(metric="rbac_least_privilege")) == "rbac"
    assert tenancy_aspect(tenancy(metric="tenant_isolation")) == "namespaces"
