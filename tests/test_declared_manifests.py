"""A target's own manifests (targets.yaml `manifests`) are judged by the declared analyzers (configured)."""

from __future__ import annotations

from pathlib import Path

from checks.collect.manifests import collect_manifests
from checks.declared import contradictions_in_manifests, declared_verdicts_for_ledger
from checks.ledger import default_ledger
from checks.verdicts import EvidenceLevel, Outcome

HPA = """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: barberpro-backend-hpa
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: barberpro-backend}
  minReplicas: 5
  maxReplicas: MAX
  behavior:
    scaleUp:
      stabilizationWindowSeconds: 0
      policies: [{type: Percent, value: 900, periodSeconds: 15}]
"""


def manifests(tmp_path: Path, max_replicas: int) -> Path:
    (tmp_path / "hpa.yaml").write_text(HPA.replace("MAX", str(max_replicas)), encoding="utf-8")
    return tmp_path


def test_a_manifest_that_caps_replicas_below_the_claim_disproves_it_as_configured(tmp_path: Path) -> None:
    blocks = collect_manifests(manifests(tmp_path, 20), "BarberPro")
    found = contradictions_in_manifests(list(default_ledger()), blocks)
    verdict = found["BP-D14-SCALE-09"]
    assert verdict.outcome == Outcome.DISPROVEN and verdict.level == EvidenceLevel.CONFIGURED
    assert "maxReplicas 20" in verdict.reason and any(c.startswith("hpa.yaml") for c in verdict.cites)


def test_a_manifest_that_allows_the_claim_contradicts_nothing_about_it(tmp_path: Path) -> None:
    blocks = collect_manifests(manifests(tmp_path, 60), "BarberPro")
    assert "BP-D14-SCALE-09" not in contradictions_in_manifests(list(default_ledger()), blocks)


def test_document_contradictions_stay_declared_when_manifests_are_given(tmp_path: Path) -> None:
    blocks = collect_manifests(manifests(tmp_path, 20), "BarberPro")
    verdicts = declared_verdicts_for_ledger(default_ledger(), blocks)
    assert (
        verdicts["BP-D14-SCALE-09"].level == EvidenceLevel.DECLARED
    )  # the document's own HPA already forbids it
