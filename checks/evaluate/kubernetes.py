"""Kubernetes tenancy claims judged from collected evidence. Pure: no I/O, no clock.

Autoscaling claims are judged in checks/evaluate/autoscaling.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from checks.collect.kube import (
    AccessMatrix,
    NamespaceInventory,
    NetworkPolicySnapshot,
    QuotaEnforcement,
    QuotaSnapshot,
)
from checks.evaluate.compare import holds
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Verdict, disproven, inconclusive, proven

CONFIGURED, OBSERVED = EvidenceLevel.CONFIGURED, EvidenceLevel.OBSERVED
POD_SECURITY_LEVELS = ("privileged", "baseline", "restricted")
DIRECTIONS = ("Ingress", "Egress")


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
        return inconclusive(claim.id, CONFIGURED, why, **kw)
    if holds(count, claim.comparator, claim.bound):
        return proven(claim.id, CONFIGURED, f"{count} tenant namespaces exist ({bound} claimed)", **kw)
    return disproven(
        claim.id, CONFIGURED, f"only {count} tenant namespaces exist; the claim says {bound}", **kw
    )


def _is_empty_selector(selector: Any) -> bool:
    return not (selector or {}).get("matchLabels") and not (selector or {}).get("matchExpressions")


def deny_gaps(snapshot: NetworkPolicySnapshot, namespace: str, direction: str) -> str | None:
    """Why `namespace` lacks a default deny for `direction` ("Ingress"/"Egress"), or None if it has one.

    A default deny is a policy selecting every pod (podSelector {}) with the direction in policyTypes and no
    rules for it. An allow-all rule ({}) in any policy of the namespace voids it, since policies are additive.
    """
    policies, key = snapshot.in_namespace(namespace), direction.lower()
    allow_all = [p.name for p in policies if direction in p.policy_types and {} in (p.spec.get(key) or [])]
    if allow_all:
        return f"{direction.lower()} allow-all rule in {', '.join(allow_all)}"
    for p in policies:
        if (
            _is_empty_selector(p.spec.get("podSelector"))
            and direction in p.policy_types
            and not p.spec.get(key)
        ):
            return None
    return f"no default-deny {direction.lower()} policy"


def default_deny_present(snapshot: NetworkPolicySnapshot, claim: Claim) -> Verdict:
    """Every tenant namespace denies by default, ingress and egress (params.directions narrows that)."""
    directions = tuple(claim.params.get("directions", DIRECTIONS))
    gaps = {
        f"{ns}: {why}"
        for ns in snapshot.namespaces
        for d in directions
        if (why := deny_gaps(snapshot, ns, d))
    }
    kw: dict[str, Any] = {
        "measured": sorted(gaps),
        "bound": f"default deny {'+'.join(directions)} in every namespace",
    }
    if not snapshot.namespaces:
        return inconclusive(claim.id, CONFIGURED, "no namespace was inspected", **kw)
    if gaps:
        return disproven(claim.id, CONFIGURED, f"{len(gaps)} gap(s): {'; '.join(sorted(gaps))}", **kw)
    why = (
        f"all {len(snapshot.namespaces)} namespaces carry a default deny for {' and '.join(directions)} "
        "(configured: enforcement also needs a CNI that implements NetworkPolicy)"
    )
    return proven(claim.id, CONFIGURED, why, **kw)


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
    resources = tuple(claim.params.get("resources", ("cpu", "memory")))
    gaps = [g for ns in snapshot.namespaces for g in quota_gaps(snapshot, ns, resources)]
    admitted, unshown = _probe_findings(snapshot, probes)
    level = OBSERVED if probes else CONFIGURED
    kw: dict[str, Any] = {
        "measured": gaps + admitted + unshown,
        "bound": f"quota on {'+'.join(resources)} + LimitRange, enforced",
    }
    if not snapshot.namespaces:
        return inconclusive(claim.id, level, "no namespace was inspected", **kw)
    if gaps or admitted:
        return disproven(claim.id, level, "; ".join(gaps + admitted), **kw)
    if unshown:
        return inconclusive(claim.id, level, f"configured, enforcement not shown: {'; '.join(unshown)}", **kw)
    n = len(snapshot.namespaces)
    return proven(
        claim.id,
        level,
        f"all {n} namespaces have quota + LimitRange and refused a dry-run beyond quota",
        **kw,
    )


def cross_namespace_access_denied(matrix: AccessMatrix, claim: Claim) -> Verdict:
    """Every tenant service account is denied in other tenants' namespaces, and allowed in its own.

    The own-namespace half is the control: an authorizer that denies everything (or a misspelt service
    account, which is denied everything too) could not have shown a leak.
    """
    leaks = [e for e in matrix.entries if not e.own_namespace and e.allowed]
    cross = [e for e in matrix.entries if not e.own_namespace]
    failed = [e for e in matrix.entries if e.own_namespace and not e.allowed]

    def name(e: Any) -> str:
        return f"{e.service_account.user} {e.action.verb} {e.action.resource} in {e.namespace}"

    kw: dict[str, Any] = {
        "measured": [name(e) for e in leaks],
        "bound": "denied across namespaces, allowed in own",
        "evidence": {"reviews": len(matrix.entries)},
    }
    if leaks:
        return disproven(
            claim.id, CONFIGURED, f"{len(leaks)} cross-namespace grant(s): {name(leaks[0])}", **kw
        )
    if not cross:
        return inconclusive(
            claim.id, CONFIGURED, "no cross-namespace review: needs two or more tenants", **kw
        )
    if failed:
        why = f"control failed: {name(failed[0])} is denied; fix the service accounts/actions reviewed"
        return inconclusive(claim.id, CONFIGURED, why, **kw)
    return proven(
        claim.id, CONFIGURED, f"{len(cross)} cross-namespace reviews denied, own-namespace allowed", **kw
    )


def _level_rank(level: str) -> int:
    # An unknown level ranks below privileged: it enforces nothing we can name.
    return POD_SECURITY_LEVELS.index(level) if level in POD_SECURITY_LEVELS else -1


def pod_security_enforced(inventory: NamespaceInventory, claim: Claim) -> Verdict:
    """Every namespace enforces at least the claimed Pod Security level (bound, params.level, or baseline).

    An explicit weaker label disproves; a missing label is inconclusive, since a cluster-wide
    AdmissionConfiguration default is not visible through the API.
    """
    wanted = claim.bound if claim.bound in POD_SECURITY_LEVELS else claim.params.get("level", "baseline")
    rank = _level_rank(str(wanted))
    levels = {n.name: n.pod_security.get("enforce") for n in inventory.namespaces}
    weak = [f"{ns}: enforce={lv}" for ns, lv in levels.items() if lv and _level_rank(lv) < rank]
    unlabelled = [ns for ns, lv in levels.items() if not lv]
    kw: dict[str, Any] = {"measured": levels, "bound": f"enforce >= {wanted}"}
    if weak:
        return disproven(claim.id, CONFIGURED, f"weaker than {wanted}: {', '.join(weak)}", **kw)
    if not levels or unlabelled:
        why = f"no enforce label on {', '.join(unlabelled) or 'any namespace'}; cluster default unknown"
        return inconclusive(claim.id, CONFIGURED, why, **kw)
    return proven(claim.id, CONFIGURED, f"all {len(levels)} namespaces enforce {wanted} or stricter", **kw)
