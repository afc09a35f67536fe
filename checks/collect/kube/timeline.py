"""Sampling an HPA and its Deployment over time: when the autoscaler decided, when the pods were Ready."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kubernetes.client import AppsV1Api, AutoscalingV2Api, CoreV1Api

from checks.collect.kube._call import call, endpoint_of, list_all
from checks.collect.kube.scaling import deployment_state, hpa_config


@dataclass(frozen=True)
class ScalingApis:
    """The three API groups the sampler reads."""

    core: CoreV1Api
    autoscaling: AutoscalingV2Api
    apps: AppsV1Api


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

    @property
    def rescales(self) -> tuple[tuple[float, int, int], ...]:
        """(t, from, to) at each sample whose desiredReplicas differs from the previous sample's."""
        pairs = zip(self.samples, self.samples[1:], strict=False)
        return tuple(
            (b.t_end, a.desired_replicas, b.desired_replicas)
            for a, b in pairs
            if a.desired_replicas != b.desired_replicas
        )


def _sample(
    apis: ScalingApis, namespace: str, hpa: str, deployment: str, t: float, clock: Callable[[], float]
) -> ScalingSample:
    hpa_endpoint = endpoint_of(
        apis.autoscaling, "GET", f"/apis/autoscaling/v2/namespaces/{namespace}/horizontalpodautoscalers/{hpa}"
    )
    dep_endpoint = endpoint_of(
        apis.apps, "GET", f"/apis/apps/v1/namespaces/{namespace}/deployments/{deployment}"
    )
    h = hpa_config(
        apis.autoscaling,
        call(hpa_endpoint, apis.autoscaling.read_namespaced_horizontal_pod_autoscaler, hpa, namespace),
    )
    d = deployment_state(call(dep_endpoint, apis.apps.read_namespaced_deployment, deployment, namespace))
    return ScalingSample(t, clock(), h.desired_replicas, h.current_replicas, d.ready_replicas, d.replicas)


def _events(api: CoreV1Api, namespace: str, hpa: str) -> tuple[KubeEvent, ...]:
    selector = f"involvedObject.kind=HorizontalPodAutoscaler,involvedObject.name={hpa}"
    endpoint = endpoint_of(api, "GET", f"/api/v1/namespaces/{namespace}/events?fieldSelector={selector}")
    items: list[Any] = list_all(endpoint, api.list_namespaced_event, namespace, field_selector=selector)
    return tuple(
        KubeEvent(
            e.reason or "", e.message or "", str(e.last_timestamp or e.event_time or ""), int(e.count or 1)
        )
        for e in items
    )


def sample_scaling_timeline(
    apis: ScalingApis,
    namespace: str,
    hpa_name: str,
    deployment_name: str,
    *,
    duration_s: float,
    interval_s: float = 1.0,
    trigger: Callable[[], object] | None = None,
    stop_when: Callable[[ScalingSample], bool] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> ScalingTimeline:
    """Read the HPA and Deployment every `interval_s` for at most `duration_s` seconds (the required timeout).

    A baseline sample is taken first; then `trigger` (e.g. start the load) is called and its moment recorded.
    Sampling ends at `duration_s` or as soon as `stop_when(sample)` is true. The HPA's Events are read last.
    """
    start = clock()
    samples = [_sample(apis, namespace, hpa_name, deployment_name, 0.0, lambda: clock() - start)]
    trigger_t = 0.0
    if trigger is not None:
        trigger_t = clock() - start
        trigger()
    while not (stop_when and stop_when(samples[-1])):
        elapsed = clock() - start
        if elapsed >= duration_s:
            break
        sleep(max(0.0, min(len(samples) * interval_s, duration_s) - elapsed))
        samples.append(
            _sample(apis, namespace, hpa_name, deployment_name, clock() - start, lambda: clock() - start)
        )
    events = _events(apis.core, namespace, hpa_name)
    return ScalingTimeline(
        namespace, hpa_name, deployment_name, interval_s, duration_s, trigger_t, tuple(samples), events
    )
