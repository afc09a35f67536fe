"""Network isolation between tenants, from connection attempts out of each tenant's network namespace; and
what a network claim needs when the target cannot show it (a VPC, a Kubernetes NetworkPolicy)."""

from __future__ import annotations

from typing import Any, Literal

from checks.evaluate.sourced import attributed, listed
from checks.evidence.isolation import NetworkReachability
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Verdict, disproven, error, inconclusive, not_applicable, proven

OBSERVED = EvidenceLevel.OBSERVED
NetworkClaimKind = Literal["vpc", "kubernetes", "vantage"]


def network_claim_kind(claim: Claim) -> NetworkClaimKind:
    """What a network-isolation claim is about: cloud VPCs/security groups, Kubernetes NetworkPolicies of
    named workloads, or isolation that tenant vantage points can probe directly."""
    if claim.metric == "network_isolation":
        return "vpc"
    if "kubernetes" in claim.statement.lower() or claim.scope.component:
        return "kubernetes"
    return "vantage"


def _judged(ev: NetworkReachability, claim: Claim, kw: dict[str, Any]) -> Verdict:
    forbidden = [r for r in ev.attempts if r.kind in ("foreign", "internal")]
    if crossed := [r.text for r in forbidden if r.connected]:
        why = f"{len(crossed)} of {len(forbidden)} forbidden connections succeeded: {listed(crossed)}"
        return disproven(claim.id, OBSERVED, why, measured=len(crossed), **kw)
    allowed = [r for r in ev.attempts if r.kind in ("own", "gateway")]
    broken = [
        r.text for r in allowed if not r.connected or (r.kind == "own" and r.answered_as != r.from_tenant)
    ]
    if not allowed or broken:
        return error(
            claim.id, f"allowed side failed, unreachable targets prove nothing: {listed(broken)}", **kw
        )
    why = (
        f"from {len(ev.tenants)} tenant namespaces, all {len(forbidden)} connections to other tenants' "
        "services and to data stores failed, while each own service answered as its tenant and the gateway "
        "accepted"
    )
    return proven(claim.id, OBSERVED, why, measured=0, **kw)


def tenant_networks_isolated(ev: NetworkReachability, claim: Claim) -> Verdict:
    """PROVEN when from every tenant namespace its own service answers as itself and the gateway accepts,
    while no other tenant's service and no data store accepts a connection. A connection into another
    tenant's network disproves the claim whatever else failed."""
    kw: dict[str, Any] = {
        "bound": claim.bound_text(),
        "evidence": {"attempts": [r.text for r in ev.attempts]},
        "n": len(ev.attempts),
    }
    return attributed(_judged(ev, claim, kw), ev.origin)


UNMEASURABLE: dict[tuple[NetworkClaimKind, bool], tuple[bool, str]] = {
    ("vpc", False): (
        False,
        "the target has no cloud network (VPC, subnets, security groups) to read; the tenant namespace "
        "probes do not stand in for a VPC",
    ),
    ("vpc", True): (
        True,
        "reading VPCs and security groups is not implemented; a VPC/security-group collector would settle it",
    ),
    ("kubernetes", False): (
        False,
        "the target runs no Kubernetes, so no NetworkPolicy can be in force here; the document's policy was "
        "judged as declared evidence",
    ),
    ("kubernetes", True): (
        True,
        "probing pod-to-pod connections needs a probe pod (kubernetes.probes_allowed); not implemented by "
        "this check",
    ),
}


def network_claim_unmeasurable(
    claim: Claim, *, has_kubernetes: bool, has_cloud_network: bool
) -> Verdict | None:
    """The verdict of a network claim whose live part this target cannot show; None when namespaces can."""
    kind = network_claim_kind(claim)
    if kind == "vantage":
        return None
    present, why = UNMEASURABLE[(kind, has_cloud_network if kind == "vpc" else has_kubernetes)]
    if not present:
        return not_applicable(claim.id, why, bound=claim.bound_text())
    return inconclusive(claim.id, EvidenceLevel.NONE, why, bound=claim.bound_text())
