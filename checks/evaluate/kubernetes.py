"""Kubernetes tenancy claims judged from collected evidence. Pure: no I/O, no clock.

A namespace per tenant, default-deny NetworkPolicies, quotas with limit ranges (and a dry-run beyond quota
refused), RBAC denying other tenants' namespaces, Pod Security levels. The evidence types live in
checks/evidence/kubernetes.py; comparisons go through checks/compare.py. Autoscaling claims are judged in
checks/evaluate/autoscaling.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from checks.compare import ComparisonError, holds
from checks.evaluate.sourced import attributed, listed
from checks.evidence.kubernetes import (
    AccessEntry,
    AccessMatrix,
    NamespaceInventory,
    NetworkPolicyRecord,
    NetworkPolicySnapshot,
    QuotaEnforcement,
    QuotaSnapshot,
)
from checks.ledger import Claim
from checks.params import KubernetesParams
from checks.verdicts import EvidenceLevel, Verdict, disproven, error, inconclusive, proven

CONFIGURED, OBSERVED = EvidenceLevel.CONFIGURED, EvidenceLevel.OBSERVED
POD_SECURITY_LEVELS = ("privileged", "baseline", "restricted")
DIRECTIONS = ("Ingress", "Egress")
QUOTA_RESOURCES = ("cpu", "memory")


TenancyAspect = Literal["quota", "rbac", "namespaces"]


def tenancy_aspect(claim: Claim) -> TenancyAspect:
    """Which evidence an isolation.kubernetes claim needs: quotas, RBAC reviews, or the tenant namespaces."""
    if "quota" in claim.metric:
        return "quota"
    return "rbac" if "rbac" in claim.metric else "namespaces"


def _params(claim: Claim) -> KubernetesParams:
    """The claim's Kubernetes params (defaults when its check declares none of these keys)."""
    return claim.params if isinstance(claim.params, KubernetesParams) else KubernetesParams()


def namespaces_per_tenant(inventory: NamespaceInventory, claim: Claim) -> Verdict:
    """Count the tenant namespaces (those the tenant label selector matched) against the claimed bound."""
    count, bound = len(inventory.namespaces), claim.bound_text()
    kw: dict[str, Any] = {
        "measured": count,
        "bound": bound,
        "evidence": {"namespaces": list(inventory.names)},
    }
    if count == 0:
        why = f"no namespace matched selector {inventory.label_selector!r}: check the tenant label"
        return attributed(inconclusive(claim.id, CONFIGURED, why, **kw), inventory.origin)
    try:
        ok = holds(count, claim.comparator, claim.bound)
    except ComparisonError as exc:
        return error(claim.id, f"cannot compare {count} tenant namespaces with {bound!r}: {exc}", **kw)
    if ok:
        verdict = proven(claim.id, CONFIGURED, f"{count} tenant namespaces exist ({bound} claimed)", **kw)
    else:
        verdict = disproven(
            claim.id, CONFIGURED, f"only {count} tenant namespaces exist; the claim says {bound}", **kw
        )
    return attributed(verdict, inventory.origin)


def _is_empty_selector(selector: Any) -> bool:
    return not (selector or {}).get("matchLabels") and not (selector or {}).get("matchExpressions")


def _denies_all(policy: NetworkPolicyRecord, direction: str) -> bool:
    """A policy selecting every pod with `direction` in policyTypes and no rule for it."""
    selects_all = _is_empty_selector(policy.spec.get("podSelector"))
    return selects_all and direction in policy.policy_types and not policy.spec.get(direction.lower())


def deny_gaps(snapshot: NetworkPolicySnapshot, namespace: str, direction: str) -> str | None:
    """Why `namespace` lacks a default deny for `direction` ("Ingress"/"Egress"), or None if it has one.

    A default deny is a policy selecting every pod (podSelector {}) with the direction in policyTypes and no
    rules for it. An allow-all rule ({}) in any policy of the namespace voids it, since policies are additive.
    """
    policies, key = snapshot.in_namespace(namespace), direction.lower()
    allow_all = [p.name for p in policies if direction in p.policy_types and {} in (p.spec.get(key) or [])]
    if allow_all:
        return f"{key} allow-all rule in {', '.join(allow_all)}"
    if any(_denies_all(p, direction) for p in policies):
        return None
    return f"no default-deny {key} policy"


def default_deny_present(snapshot: NetworkPolicySnapshot, claim: Claim) -> Verdict:
    """Every tenant namespace denies by default, ingress and egress (params.directions narrows that)."""
    directions = _params(claim).directions or DIRECTIONS
    gaps = sorted(
        {
            f"{ns}: {why}"
            for ns in snapshot.namespaces
            for d in directions
            if (why := deny_gaps(snapshot, ns, d))
        }
    )
    kw: dict[str, Any] = {
        "measured": gaps,
        "bound": f"default deny {'+'.join(directions)} in every namespace",
    }
    if not snapshot.namespaces:
        verdict = inconclusive(claim.id, CONFIGURED, "no namespace was inspected", **kw)
    elif gaps:
        verdict = disproven(claim.id, CONFIGURED, f"{len(gaps)} gap(s): {'; '.join(gaps)}", **kw)
    else:
        why = (
            f"all {len(snapshot.namespaces)} namespaces carry a default deny for {' and '.join(directions)} "
            "(configured: enforcement also needs a CNI that implements NetworkPolicy)"
        )
        verdict = proven(claim.id, CONFIGURED, why, **kw)
    return attributed(verdict, snapshot.origin)


def _quota_resource(key: str) -> str:
    return key.rpartition(".")[2]


def quota_gaps(snapshot: QuotaSnapshot, namespace: str, resources: Sequence[str]) -> list[str]:
    """What `namespace` lacks: a ResourceQuota bounding each resource, a LimitRange."""
    bounded = {_quota_resource(k) for q in snapshot.quotas if q.namespace == namespace for k in q.hard}
    gaps = [f"{namespace}: no quota on {r}" for r in resources if r not in bounded]
    if not any(lr.namespace == namespace for lr in snapshot.limit_ranges):
        gaps.append(f"{namespace}: no LimitRange")
    return gaps


def _probe_findings(
    snapshot: QuotaSnapshot, probes: Sequence[QuotaEnforcement]
) -> tuple[list[str], list[str]]:
    """(admitted beyond quota, not shown enforced) namespaces from the dry-run probes."""
    by_ns = {p.namespace: p for p in probes}
    admitted = [f"{ns}: dry-run beyond quota admitted" for ns, p in by_ns.items() if not p.refused]
    unshown = [f"{ns}: no dry-run probe" for ns in snapshot.namespaces if ns not in by_ns]
    unshown += [
        f"{ns}: refused by LimitRange before the quota was reached"
        for ns, p in by_ns.items()
        if p.refused and p.refused_by != "ResourceQuota"
    ]
    return admitted, unshown


def quota_and_limitrange_present_and_enforced(
    snapshot: QuotaSnapshot, probes: Sequence[QuotaEnforcement], claim: Claim
) -> Verdict:
    """Each namespace has a quota on the resources (params.resources, default cpu+memory) and a LimitRange,
    and a dry-run create beyond the quota is refused by the ResourceQuota admission."""
    resources = _params(claim).resources or QUOTA_RESOURCES
    gaps = [g for ns in snapshot.namespaces for g in quota_gaps(snapshot, ns, resources)]
    admitted, unshown = _probe_findings(snapshot, probes)
    level = OBSERVED if probes else CONFIGURED
    kw: dict[str, Any] = {
        "measured": gaps + admitted + unshown,
        "bound": f"quota on {'+'.join(resources)} + LimitRange, enforced",
        "n": len(probes) or None,
    }
    if not snapshot.namespaces:
        verdict = inconclusive(claim.id, level, "no namespace was inspected", **kw)
    elif gaps or admitted:
        verdict = disproven(claim.id, level, "; ".join(gaps + admitted), **kw)
    elif unshown:
        verdict = inconclusive(
            claim.id, level, f"configured, enforcement not shown: {'; '.join(unshown)}", **kw
        )
    else:
        n = len(snapshot.namespaces)
        why = f"all {n} namespaces have quota + LimitRange and refused a dry-run beyond quota"
        verdict = proven(claim.id, level, why, **kw)
    return attributed(verdict, snapshot.origin)


def _rbac_verdict(
    claim: Claim, leaks: list[AccessEntry], cross: int, failed: list[AccessEntry], kw: dict[str, Any]
) -> Verdict:
    if leaks:
        why = f"{len(leaks)} cross-namespace grant(s): {listed(e.text for e in leaks)}"
        return disproven(claim.id, CONFIGURED, why, **kw)
    if not cross:
        return inconclusive(
            claim.id, CONFIGURED, "no cross-namespace review: needs two or more tenants", **kw
        )
    if failed:
        why = f"control failed: {failed[0].text} is denied; fix the service accounts/actions reviewed"
        return inconclusive(claim.id, CONFIGURED, why, **kw)
    return proven(
        claim.id, CONFIGURED, f"{cross} cross-namespace reviews denied, own-namespace allowed", **kw
    )


def cross_namespace_access_denied(matrix: AccessMatrix, claim: Claim) -> Verdict:
    """Every tenant service account is denied in other tenants' namespaces, and allowed in its own.

    The own-namespace half is the control: an authorizer that denies everything (or a misspelt service
    account, which is denied everything too) could not have shown a leak.
    """
    leaks = [e for e in matrix.entries if not e.own_namespace and e.allowed]
    cross = sum(not e.own_namespace for e in matrix.entries)
    failed = [e for e in matrix.entries if e.own_namespace and not e.allowed]
    kw: dict[str, Any] = {
        "measured": [e.text for e in leaks],
        "bound": "denied across namespaces, allowed in own",
        "evidence": {"reviews": len(matrix.entries)},
        "n": len(matrix.entries),
    }
    return attributed(_rbac_verdict(claim, leaks, cross, failed, kw), matrix.origin)


def _level_rank(level: str) -> int:
    # An unknown level ranks below privileged: it enforces nothing we can name.
    return POD_SECURITY_LEVELS.index(level) if level in POD_SECURITY_LEVELS else -1


def pod_security_enforced(inventory: NamespaceInventory, claim: Claim) -> Verdict:
    """Every namespace enforces at least the claimed Pod Security level (bound, params.level, or baseline).

    An explicit weaker label disproves; a missing label is inconclusive, since a cluster-wide
    AdmissionConfiguration default is not visible through the API.
    """
    wanted = str(claim.bound) if claim.bound in POD_SECURITY_LEVELS else (_params(claim).level or "baseline")
    levels = {n.name: n.pod_security.get("enforce") for n in inventory.namespaces}
    weak = [
        f"{ns}: enforce={lv}" for ns, lv in levels.items() if lv and _level_rank(lv) < _level_rank(wanted)
    ]
    unlabelled = [ns for ns, lv in levels.items() if not lv]
    kw: dict[str, Any] = {"measured": levels, "bound": f"enforce >= {wanted}"}
    if weak:
        verdict = disproven(claim.id, CONFIGURED, f"weaker than {wanted}: {', '.join(weak)}", **kw)
    elif not levels or unlabelled:
        why = f"no enforce label on {', '.join(unlabelled) or 'any namespace'}; cluster default unknown"
        verdict = inconclusive(claim.id, CONFIGURED, why, **kw)
    else:
        verdict = proven(
            claim.id, CONFIGURED, f"all {len(levels)} namespaces enforce {wanted} or stricter", **kw
        )
    return attributed(verdict, inventory.origin)
