from __future__ import annotations

from checks.blocks import kubernetes
from tests.blocks.conftest import block

HPA = (
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec: {maxReplicas: 5}"
)


def test_kubernetes_objects_are_understood() -> None:
    parsed = kubernetes.read(block(HPA))
    assert parsed is not None and parsed.note == "HorizontalPodAutoscaler"
    assert kubernetes.read(block("a: 1")) is None
