"""Kubernetes evaluators on hand-built evidence: both sides of every bound."""

from __future__ import annotations

from typing import Any

import pytest

from checks.collect.kube import (
    AccessEntry,
    AccessMatrix,
    LimitRangeRecord,
    NamespaceInfo,
    NamespaceInventory,
    NetworkPolicyRecord,
    NetworkPolicySnapshot,
    QuotaEnforcement,
    QuotaSnapshot,
    ResourceAction,
    ResourceQuotaRecord,
    ServiceAccountRef,
)
from checks.evaluate.kubernetes import (
    cross_namespace_access_denied,
    default_deny_present,
    namespaces_per_tenant,
    pod_security_enforced,
    quota_and_limitrange_present_and_enforced,
)
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome


def claim(**kw: Any) -> Claim:
    base: dict[str, Any] = {
        "id": "BP-D10-ISO-01",
        "system": "BarberPro",
        "category": "isolation",
        "statement": "a test claim",
        "sources": [{"file": "000_2661fe4704ef9792.txt", "line": 14, "quote": "100+ isolated"}],
        "metric": "tenant_count",
        "check": "isolation.kubernetes",
        "method": "hand-built evidence",
    }
    return Claim.model_validate(base | kw)


def inventory(n: int, **labels: str) -> NamespaceInventory:
    return NamespaceInventory(
        "claimcheck.io/tenant", tuple(NamespaceInfo(f"tenant-{i}", dict(labels)) for i in range(n))
    )


# namespaces_per_tenant
@pytest.mark.parametrize(
    ("count", "outcome"), [(100, Outcome.PROVEN), (99, Outcome.DISPROVEN), (0, Outcome.INCONCLUSIVE)]
)
def test_namespace_count_against_at_least_100(count: int, outcome: Outcome) -> None:
    verdict = namespaces_per_tenant(inventory(count), claim(comparator=">=", bound=100, unit="count"))
    assert verdict.outcome is outcome and verdict.measured == count
    assert verdict.level is EvidenceLevel.CONFIGURED


# default_deny_present
DENY_ALL = {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}


def snapshot(**specs: list[dict[str, Any]]) -> NetworkPolicySnapshot:
    records = [
        NetworkPolicyRecord(ns, f"p{i}", spec) for ns, lst in specs.items() for i, spec in enumerate(lst)
    ]
    return NetworkPolicySnapshot(tuple(specs), tuple(records))


def test_default_deny_both_ways_with_extra_allows_is_proven() -> None:
    allow_dns = {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"ports": [{"port": 53}]}]}
    verdict = default_deny_present(snapshot(a=[DENY_ALL, allow_dns], b=[DENY_ALL]), claim())
    assert verdict.outcome is Outcome.PROVEN


def test_ingress_only_deny_leaves_egress_open() -> None:
    verdict = default_deny_present(
        snapshot(a=[DENY_ALL], b=[{"podSelector": {}, "policyTypes": ["Ingress"]}]), claim()
    )
    assert verdict.outcome is Outcome.DISPROVEN and verdict.measured == ["b: no default-deny egress policy"]


def test_ingress_only_claim_accepts_ingress_only_deny() -> None:
    ingress_only = claim(params={"directions": ["Ingress"]})
    assert default_deny_present(snapshot(b=[{"podSelector": {}}]), ingress_only).outcome is Outcome.PROVEN


def test_deny_on_a_subset_of_pods_is_not_a_default_deny() -> None:
    subset = {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress", "Egress"]}
    assert default_deny_present(snapshot(a=[subset]), claim()).outcome is Outcome.DISPROVEN


def test_allow_all_rule_voids_the_default_deny() -> None:
    allow_all = {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{}]}
    verdict = default_deny_present(snapshot(a=[DENY_ALL, allow_all]), claim())
    assert verdict.outcome is Outcome.DISPROVEN and "allow-all" in verdict.reason


def test_no_namespace_inspected_is_inconclusive() -> None:
    assert default_deny_present(snapshot(), claim()).outcome is Outcome.INCONCLUSIVE


# quota_and_limitrange_present_and_enforced
def quotas(hard: dict[str, str], limit_range: bool = True) -> QuotaSnapshot:
    lrs = (LimitRangeRecord("a", "lr", ({"type": "Container"},)),) if limit_range else ()
    return QuotaSnapshot(("a",), (ResourceQuotaRecord("a", "q", hard, {}),), lrs)


def probe(refused: bool, by: str = "ResourceQuota") -> QuotaEnforcement:
    return QuotaEnforcement(
        "a", "pod", "probe", {"requests.cpu": "8"}, refused, by if refused else "", 403, ""
    )


FULL = {"requests.cpu": "4", "limits.memory": "8Gi"}


def test_quota_and_limit_range_enforced_is_proven_observed() -> None:
    verdict = quota_and_limitrange_present_and_enforced(quotas(FULL), [probe(True)], claim())
    assert verdict.outcome is Outcome.PROVEN and verdict.level is EvidenceLevel.OBSERVED


def test_dry_run_admitted_beyond_quota_is_disproven() -> None:
    verdict = quota_and_limitrange_present_and_enforced(quotas(FULL), [probe(False)], claim())
    assert verdict.outcome is Outcome.DISPROVEN and "admitted" in verdict.reason


@pytest.mark.parametrize("snap", [quotas({"pods": "50"}), quotas(FULL, limit_range=False)])
def test_missing_resource_or_limit_range_is_disproven(snap: QuotaSnapshot) -> None:
    assert (
        quota_and_limitrange_present_and_enforced(snap, [probe(True)], claim()).outcome is Outcome.DISPROVEN
    )


@pytest.mark.parametrize("probes", [[], [probe(True, by="LimitRange")]])
def test_configured_but_enforcement_not_shown_is_inconclusive(probes: list[QuotaEnforcement]) -> None:
    assert (
        quota_and_limitrange_present_and_enforced(quotas(FULL), probes, claim()).outcome
        is Outcome.INCONCLUSIVE
    )


def test_storage_required_when_the_claim_names_it() -> None:
    with_storage = claim(params={"resources": ["cpu", "memory", "storage"]})
    verdict = quota_and_limitrange_present_and_enforced(quotas(FULL), [probe(True)], with_storage)
    assert verdict.outcome is Outcome.DISPROVEN and "storage" in verdict.reason


# cross_namespace_access_denied
def matrix(
    leak: bool = False, own_allowed: bool = True, namespaces: tuple[str, ...] = ("a", "b")
) -> AccessMatrix:
    entries = []
    for sa_ns in namespaces:
        for ns in namespaces:
            allowed = own_allowed if ns == sa_ns else (leak and sa_ns == "b")
            entries.append(
                AccessEntry(
                    ServiceAccountRef(sa_ns, "app"), ns, ResourceAction("get", "secrets"), allowed, False, ""
                )
            )
    return AccessMatrix(tuple(entries))


def test_denied_across_and_allowed_at_home_is_proven() -> None:
    assert cross_namespace_access_denied(matrix(), claim()).outcome is Outcome.PROVEN


def test_one_cross_namespace_grant_is_disproven() -> None:
    verdict = cross_namespace_access_denied(matrix(leak=True), claim())
    assert verdict.outcome is Outcome.DISPROVEN
    assert verdict.measured == ["system:serviceaccount:b:app get secrets in a"]


def test_all_denied_fails_the_control_and_is_inconclusive() -> None:
    verdict = cross_namespace_access_denied(matrix(own_allowed=False), claim())
    assert verdict.outcome is Outcome.INCONCLUSIVE and "control failed" in verdict.reason


def test_single_tenant_cannot_show_isolation() -> None:
    assert cross_namespace_access_denied(matrix(namespaces=("a",)), claim()).outcome is Outcome.INCONCLUSIVE


# pod_security_enforced
ENFORCE = "pod-security.kubernetes.io/enforce"


@pytest.mark.parametrize(
    ("level", "wanted", "outcome"),
    [
        ("restricted", "baseline", Outcome.PROVEN),
        ("baseline", "baseline", Outcome.PROVEN),
        ("baseline", "restricted", Outcome.DISPROVEN),
        ("privileged", "baseline", Outcome.DISPROVEN),
    ],
)
def test_pod_security_level_against_the_claimed_level(level: str, wanted: str, outcome: Outcome) -> None:
    verdict = pod_security_enforced(inventory(3, **{ENFORCE: level}), claim(comparator="==", bound=wanted))
    assert verdict.outcome is outcome


def test_unlabelled_namespace_is_inconclusive_not_disproven() -> None:
    inv = NamespaceInventory(
        "x", (NamespaceInfo("a", {ENFORCE: "restricted"}), NamespaceInfo("b", {"w": "x"}))
    )
    verdict = pod_security_enforced(inv, claim(params={"level": "baseline"}))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "b" in verdict.reason
