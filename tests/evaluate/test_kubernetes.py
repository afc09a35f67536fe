"""Kubernetes evaluators on hand-built evidence: both sides of every bound."""

from __future__ import annotations

from typing import Any

import pytest

from checks.collect.kube import (
    AccessEntry,
    AccessMatrix,
    HpaConfig,
    LimitRangeRecord,
    MetricTarget,
    NamespaceInfo,
    NamespaceInventory,
    NetworkPolicyRecord,
    NetworkPolicySnapshot,
    QuotaEnforcement,
    QuotaSnapshot,
    ResourceAction,
    ResourceQuotaRecord,
    ScalingConfig,
    ScalingSample,
    ScalingTimeline,
    ServiceAccountRef,
)
from checks.evaluate.kubernetes import (
    cross_namespace_access_denied,
    default_deny_present,
    hpa_bounds,
    namespaces_per_tenant,
    pod_security_enforced,
    quota_and_limitrange_present_and_enforced,
    time_to_scale,
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


# time_to_scale
def timeline(
    desired: list[int], ready: list[int], interval: float = 1.0, trigger_t: float = 0.0
) -> ScalingTimeline:
    samples = tuple(
        ScalingSample(i * interval, i * interval + 0.01, d, d, r, d)
        for i, (d, r) in enumerate(zip(desired, ready, strict=True))
    )
    return ScalingTimeline("a", "web", "web", interval, len(desired) * interval, trigger_t, samples, ())


SCALE_UP = timeline([2, 2, 2, 4, 4, 4, 4, 4], [2, 2, 2, 2, 2, 3, 4, 4])


def scale_claim(bound: float, unit: str = "s", **params: Any) -> Claim:
    return claim(
        category="autoscaling",
        metric="scale_up_time",
        check="autoscaling.time_to_scale",
        comparator="<",
        bound=bound,
        unit=unit,
        params=params,
    )


@pytest.mark.parametrize(
    ("bound", "outcome"), [(7, Outcome.PROVEN), (5, Outcome.DISPROVEN), (6, Outcome.INCONCLUSIVE)]
)
def test_time_to_ready_against_the_bound(bound: float, outcome: Outcome) -> None:
    verdict = time_to_scale(SCALE_UP, scale_claim(bound))  # ready between 5.0 and 6.01 s
    assert verdict.outcome is outcome and verdict.level is EvidenceLevel.OBSERVED


@pytest.mark.parametrize(("bound", "outcome"), [(4, Outcome.PROVEN), (2, Outcome.DISPROVEN)])
def test_time_to_decision_against_the_bound(bound: float, outcome: Outcome) -> None:
    assert time_to_scale(SCALE_UP, scale_claim(bound, phase="decision")).outcome is outcome


def test_time_is_measured_from_the_trigger() -> None:
    late_trigger = timeline([2, 2, 2, 4, 4], [2, 2, 2, 4, 4], trigger_t=2.0)
    verdict = time_to_scale(late_trigger, scale_claim(1.1, phase="decision"))
    assert verdict.outcome is Outcome.PROVEN and verdict.measured == pytest.approx((0.0, 1.01))


def test_to_replicas_raises_the_ready_target() -> None:
    verdict = time_to_scale(SCALE_UP, scale_claim(6.5, to_replicas=5))
    assert verdict.outcome is Outcome.DISPROVEN  # still not 5 ready when read at 7.0 s


def test_no_scaling_decision_at_all_is_inconclusive() -> None:
    verdict = time_to_scale(timeline([2] * 10, [2] * 10), scale_claim(3))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "never changed" in verdict.reason


def test_scaled_but_watched_too_briefly_is_inconclusive() -> None:
    verdict = time_to_scale(timeline([2, 4, 4], [2, 2, 2]), scale_claim(1, unit="min"))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "watch for more than 60 s" in verdict.reason


def test_minutes_are_converted() -> None:
    assert time_to_scale(SCALE_UP, scale_claim(0.05, unit="min")).outcome is Outcome.DISPROVEN  # 3 s bound


def test_a_non_time_bound_is_an_error() -> None:
    assert time_to_scale(SCALE_UP, scale_claim(3, unit="replicas")).outcome is Outcome.ERROR


# hpa_bounds
CONFIG = ScalingConfig(
    "a",
    (
        HpaConfig(
            "a",
            "web",
            "Deployment/web",
            3,
            20,
            (MetricTarget("Resource", "cpu", "Utilization", "70"),),
            None,
            None,
            3,
            3,
        ),
    ),
    (),
)


@pytest.mark.parametrize(
    ("metric", "bound", "outcome"),
    [
        ("hpa_max_replicas", 20, Outcome.PROVEN),
        ("hpa_max_replicas", 50, Outcome.DISPROVEN),
        ("hpa_min_replicas", 3, Outcome.PROVEN),
        ("hpa_cpu_target", 70, Outcome.PROVEN),
        ("hpa_cpu_target", 60, Outcome.DISPROVEN),
    ],
)
def test_hpa_bounds_against_the_claim(metric: str, bound: int, outcome: Outcome) -> None:
    bound_claim = claim(
        category="autoscaling", check="autoscaling.bounds", metric=metric, comparator="==", bound=bound
    )
    assert hpa_bounds(CONFIG, bound_claim, "web").outcome is outcome


def test_missing_hpa_is_inconclusive() -> None:
    bound_claim = claim(
        category="autoscaling",
        check="autoscaling.bounds",
        metric="hpa_max_replicas",
        comparator="==",
        bound=20,
    )
    assert hpa_bounds(CONFIG, bound_claim, "api").outcome is Outcome.INCONCLUSIVE
