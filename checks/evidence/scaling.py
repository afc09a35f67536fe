"""What the autoscaler is configured to do and what it did: HPA and Deployment state, sampled over time.

Collectors (checks/collect/kube/scaling.py, timeline.py) build these from the Kubernetes API; the pure
evaluators (checks/evaluate/autoscaling.py) read them. Each top-level item records the target it was read
from, its provenance, and how it was obtained.
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.verdicts import Provenance


@dataclass(frozen=True)
class MetricTarget:
    """One HPA metric: type (Resource, Pods...), metric name, target type (Utilization...) and value."""

    type: str
    name: str
    target_type: str
    target_value: str


@dataclass(frozen=True)
class ScalingPolicy:
    """One behavior policy: change by `value` Pods or Percent per `period_s` seconds."""

    type: str
    value: int
    period_s: int


@dataclass(frozen=True)
class ScalingRules:
    """spec.behavior.scaleUp or scaleDown; None fields were left to the Kubernetes defaults."""

    stabilization_window_s: int | None
    select_policy: str | None
    policies: tuple[ScalingPolicy, ...]


@dataclass(frozen=True)
class HpaConfig:
    """An autoscaling/v2 HPA: bounds, metric targets, behavior and its last status."""

    namespace: str
    name: str
    target: str
    min_replicas: int
    max_replicas: int
    metrics: tuple[MetricTarget, ...]
    scale_up: ScalingRules | None
    scale_down: ScalingRules | None
    current_replicas: int
    desired_replicas: int


@dataclass(frozen=True)
class DeploymentState:
    """A Deployment's wanted replicas and how many are ready/available/updated (absent counts are 0)."""

    namespace: str
    name: str
    replicas: int
    ready_replicas: int
    available_replicas: int
    updated_replicas: int


@dataclass(frozen=True)
class ScalingConfig:
    """The HPAs and Deployments of one namespace."""

    namespace: str
    hpas: tuple[HpaConfig, ...]
    deployments: tuple[DeploymentState, ...]
    target: str = ""
    provenance: Provenance = Provenance.INDEPENDENT
    obtained: str = "autoscaling/v2 HPAs and apps/v1 Deployments listed through the Kubernetes API"


@dataclass(frozen=True)
class ScalingSample:
    """One observation. The state was read between t and t_end (seconds since sampling started)."""

    t: float
    t_end: float
    desired_replicas: int
    current_replicas: int
    ready_replicas: int
    deployment_replicas: int


@dataclass(frozen=True)
class KubeEvent:
    """An Event about the HPA (reason SuccessfulRescale carries 'New size: N'); times are the server's."""

    reason: str
    message: str
    last_timestamp: str
    count: int


@dataclass(frozen=True)
class ScalingTimeline:
    """Successive samples of one HPA/Deployment pair, the moment load was triggered, and the HPA's Events."""

    namespace: str
    hpa: str
    deployment: str
    interval_s: float
    duration_s: float
    trigger_t: float
    samples: tuple[ScalingSample, ...]
    events: tuple[KubeEvent, ...]
    target: str = ""
    provenance: Provenance = Provenance.INDEPENDENT
    obtained: str = "the HPA and its Deployment read at a fixed interval while load was applied"

    @property
    def rescales(self) -> tuple[tuple[float, int, int], ...]:
        """(t, from, to) at each sample whose desiredReplicas differs from the previous sample's."""
        pairs = zip(self.samples, self.samples[1:], strict=False)
        return tuple(
            (b.t_end, a.desired_replicas, b.desired_replicas)
            for a, b in pairs
            if a.desired_replicas != b.desired_replicas
        )
