"""mTLS for all inter-service traffic: a mesh-wide STRICT PeerAuthentication and nothing weakening it."""

from __future__ import annotations

from checks.collect.mesh import MeshPolicies
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome, Verdict

WEAK = {"PERMISSIVE", "DISABLE"}


def mtls_strict(mesh: MeshPolicies, claim: Claim) -> Verdict:
    """PROVEN with a root-namespace STRICT policy and no PERMISSIVE/DISABLE override at any level."""
    if not mesh.installed:
        return Verdict(
            claim.id,
            Outcome.DISPROVEN,
            EvidenceLevel.CONFIGURED,
            "the cluster has no Istio PeerAuthentication API: no mesh enforces mTLS",
        )
    mesh_wide = [p for p in mesh.policies if p.namespace == mesh.root_namespace and not p.has_selector]
    weakened = [f"{p.namespace}/{p.name} ({p.mode})" for p in mesh.policies if p.mode in WEAK]
    weakened += [
        f"{p.namespace}/{p.name} port {port} ({m})"
        for p in mesh.policies
        for port, m in p.port_modes.items()
        if m in WEAK
    ]
    evidence = {"policies": [p.__dict__ for p in mesh.policies]}
    if not any(p.mode == "STRICT" for p in mesh_wide):
        return Verdict(
            claim.id,
            Outcome.DISPROVEN,
            EvidenceLevel.CONFIGURED,
            f"no mesh-wide STRICT PeerAuthentication in {mesh.root_namespace} (Istio defaults to "
            "PERMISSIVE, which accepts plaintext)",
            None,
            "STRICT",
            evidence,
        )
    if weakened:
        return Verdict(
            claim.id,
            Outcome.DISPROVEN,
            EvidenceLevel.CONFIGURED,
            f"mesh-wide STRICT is weakened by {', '.join(weakened)}",
            weakened,
            "STRICT",
            evidence,
        )
    return Verdict(
        claim.id,
        Outcome.PROVEN,
        EvidenceLevel.CONFIGURED,
        f"mesh-wide STRICT in {mesh.root_namespace} and none of {len(mesh.policies)} policies weakens it",
        "STRICT",
        "STRICT",
        evidence,
    )
