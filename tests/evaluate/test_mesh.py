"""mTLS STRICT mesh-wide, and nothing (namespace, workload or port level) weakening it."""

from __future__ import annotations

from checks.evaluate.mesh import mtls_strict
from checks.evidence.transport import MeshPolicies, PeerAuthentication
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome

CLAIM = Claim(
    id="BB-T-SEC-01",
    system="BookedBarber V2",
    category="security",
    statement="mTLS STRICT between services.",
    sources=[{"file": "002_08221f940f310389.txt", "line": 1, "quote": "mTLS STRICT"}],
    metric="mtls",
    comparator="==",
    bound="STRICT",
    check="mesh.mtls",
    method="PeerAuthentication objects.",
)
ROOT = PeerAuthentication("istio-system", "default", "STRICT", False, {})


def policy(
    namespace: str, mode: str, *, selector: bool = False, ports: dict[str, str] | None = None
) -> PeerAuthentication:
    return PeerAuthentication(namespace, f"{namespace}-pa", mode, selector, ports or {})


def mesh(*policies: PeerAuthentication, installed: bool = True) -> MeshPolicies:
    return MeshPolicies(installed, "istio-system", policies)


def test_no_istio_api_is_disproven() -> None:
    verdict = mtls_strict(mesh(installed=False), CLAIM)
    assert verdict.outcome == Outcome.DISPROVEN and "no Istio PeerAuthentication API" in verdict.reason


def test_mesh_wide_strict_alone_is_proven() -> None:
    verdict = mtls_strict(mesh(ROOT), CLAIM)
    assert verdict.outcome == Outcome.PROVEN and verdict.level == EvidenceLevel.CONFIGURED


def test_no_policy_at_all_is_disproven() -> None:
    assert mtls_strict(mesh(), CLAIM).outcome == Outcome.DISPROVEN


def test_strict_only_in_an_application_namespace_is_not_mesh_wide() -> None:
    verdict = mtls_strict(mesh(policy("tenant-a", "STRICT")), CLAIM)
    assert verdict.outcome == Outcome.DISPROVEN and "no mesh-wide STRICT" in verdict.reason


def test_a_root_policy_with_a_selector_is_not_mesh_wide() -> None:
    assert (
        mtls_strict(mesh(policy("istio-system", "STRICT", selector=True)), CLAIM).outcome == Outcome.DISPROVEN
    )


def test_a_permissive_namespace_weakens_it() -> None:
    verdict = mtls_strict(mesh(ROOT, policy("tenant-b", "PERMISSIVE")), CLAIM)
    assert verdict.outcome == Outcome.DISPROVEN and verdict.measured == ["tenant-b/tenant-b-pa (PERMISSIVE)"]


def test_a_disabled_port_weakens_it() -> None:
    verdict = mtls_strict(
        mesh(ROOT, policy("tenant-c", "UNSET", selector=True, ports={"8080": "DISABLE"})), CLAIM
    )
    assert verdict.outcome == Outcome.DISPROVEN and "port 8080 (DISABLE)" in verdict.reason


def test_inheriting_and_strict_overrides_do_not_weaken_it() -> None:
    verdict = mtls_strict(
        mesh(ROOT, policy("tenant-a", "UNSET"), policy("tenant-b", "STRICT", ports={"9090": "STRICT"})), CLAIM
    )
    assert verdict.outcome == Outcome.PROVEN
