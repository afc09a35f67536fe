"""mTLS for all inter-service traffic: a mesh-wide STRICT PeerAuthentication and nothing weakening it."""

from __future__ import annotations

from typing import Any

from checks.evaluate.sourced import attributed
from checks.evidence.transport import MeshPolicies
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Verdict, disproven, proven

WEAK = {"PERMISSIVE", "DISABLE"}
CONFIGURED = EvidenceLevel.CONFIGURED


def weakened_by(mesh: MeshPolicies) -> list[str]:
    """Policies (and port-level settings) that accept plaintext: PERMISSIVE or DISABLE anywhere."""
    weak = [f"{p.namespace}/{p.name} ({p.mode})" for p in mesh.policies if p.mode in WEAK]
    return weak + [
        f"{p.namespace}/{p.name} port {port} ({m})"
        for p in mesh.policies
        for port, m in p.port_modes.items()
        if m in WEAK
    ]


def _strict_mesh_wide(mesh: MeshPolicies) -> bool:
    return any(
        p.mode == "STRICT" for p in mesh.policies if p.namespace == mesh.root_namespace and not p.has_selector
    )


def _judged(mesh: MeshPolicies, claim: Claim, kw: dict[str, Any]) -> Verdict:
    if not mesh.installed:
        why = "the cluster has no Istio PeerAuthentication API: no mesh enforces mTLS"
        return disproven(claim.id, CONFIGURED, why, **kw)
    if not _strict_mesh_wide(mesh):
        why = (
            f"no mesh-wide STRICT PeerAuthentication in {mesh.root_namespace} (Istio defaults to PERMISSIVE, "
            "which accepts plaintext)"
        )
        return disproven(claim.id, CONFIGURED, why, **kw)
    if weakened := weakened_by(mesh):
        return disproven(
            claim.id,
            CONFIGURED,
            f"mesh-wide STRICT is weakened by {', '.join(weakened)}",
            **{**kw, "measured": weakened},
        )
    why = f"mesh-wide STRICT in {mesh.root_namespace} and none of {len(mesh.policies)} policies weakens it"
    return proven(claim.id, CONFIGURED, why, **{**kw, "measured": "STRICT"})


def mtls_strict(mesh: MeshPolicies, claim: Claim) -> Verdict:
    """PROVEN with a root-namespace STRICT policy and no PERMISSIVE/DISABLE override at any level."""
    kw: dict[str, Any] = {"bound": "STRICT", "evidence": {"policies": [p.__dict__ for p in mesh.policies]}}
    return attributed(_judged(mesh, claim, kw), mesh.origin)
