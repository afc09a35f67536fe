"""Sampling an HPA and its Deployment over time: when the autoscaler decided, when the pods were Ready."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from checks.collect.kube._call import call, endpoint_of, list_all
from checks.collect.kube.scaling import deployment_state, hpa_config
from checks.evidence.scaling import KubeEvent, ScalingSample, ScalingTimeline

if TYPE_CHECKING:
    from kubernetes.client import AppsV1Api, AutoscalingV2Api, CoreV1Api

__all__ = ["KubeEvent", "ScalingApis", "ScalingSample", "ScalingTimeline", "sample_scaling_timeline"]


@dataclass(frozen=True)
class ScalingApis:
    """The three API groups the sampler reads."""

    core: CoreV1Api
    autoscaling: AutoscalingV2Api
    apps: AppsV1Api


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


@dataclass(frozen=True)
class _Watch:
    """One HPA/Deployment pair being sampled, on one clock."""

    apis: ScalingApis
    namespace: str
    hpa: str
    deployment: str
    clock: Callable[[], float]
    start: float

    def elapsed(self) -> float:
        return self.clock() - self.start

    def sample(self) -> ScalingSample:
        return _sample(self.apis, self.namespace, self.hpa, self.deployment, self.elapsed(), self.elapsed)


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
    target: str = "",
) -> ScalingTimeline:
    """Read the HPA and Deployment every `interval_s` for at most `duration_s` seconds (the required timeout).

    A baseline sample is taken first; then `trigger` (e.g. start the load) is called and its moment recorded.
    Sampling ends at `duration_s` or as soon as `stop_when(sample)` is true. The HPA's Events are read last.
    """
    watch = _Watch(apis, namespace, hpa_name, deployment_name, clock, clock())
    samples = [watch.sample()]
    trigger_t = 0.0
    if trigger is not None:
        trigger_t = watch.elapsed()
        trigger()
    while not (stop_when and stop_when(samples[-1])) and watch.elapsed() < duration_s:
        sleep(max(0.0, min(len(samples) * interval_s, duration_s) - watch.elapsed()))
        samples.append(watch.sample())
    events = _events(apis.core, namespace, hpa_name)
    return ScalingTimeline(
        namespace,
        hpa_name,
        deployment_name,
        interval_s,
        duration_s,
        trigger_t,
        tuple(samples),
        events,
        target=target,
    )
