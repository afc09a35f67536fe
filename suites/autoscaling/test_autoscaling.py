"""Autoscaler bounds and time to scale: declared feasibility, live HPA config, a measured scale-up."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.collect.kube import collect_scaling_config
from checks.collect.kube.client import kube_apis
from checks.collect.kube.timeline import ScalingApis, sample_scaling_timeline
from checks.evaluate.kubernetes import hpa_bounds, time_to_scale
from checks.ledger import Claim
from checks.targets import Kubernetes, Target
from fixtures.claims import claim_params
from fixtures.endpoints import binding
from fixtures.judging import Judge

HPA_METRICS = {"hpa_min_replicas", "hpa_max_replicas", "hpa_cpu_target"}


@pytest.mark.parametrize("claim", claim_params("autoscaling.bounds"))
def test_autoscaler_configured_as_claimed(
    claim: Claim, judge: Judge, target: Target, target_kubernetes: Kubernetes | None
) -> None:
    k8s = judge.need(target_kubernetes, "a Kubernetes cluster with the autoscaler")
    bound = binding(target, claim)
    namespace = judge.need(bound.get("namespace") or k8s.app_namespace, "the namespace of the autoscaler")
    if claim.metric not in HPA_METRICS:
        judge.not_applicable(f"no live reading for {claim.metric!r}: claimcheck reads HPA min/max/CPU target")
    config = collect_scaling_config(kube_apis(k8s).autoscaling, kube_apis(k8s).apps, str(namespace))
    judge(hpa_bounds(config, claim, str(bound.get("hpa") or claim.scope.component or "")))


@pytest.mark.disruptive
@pytest.mark.load
@pytest.mark.parametrize("claim", claim_params("autoscaling.time_to_scale"))
def test_time_to_scale_within_bound(
    claim: Claim,
    judge: Judge,
    target: Target,
    target_kubernetes: Kubernetes | None,
    drill_gate: str | None,
    load_step: Callable[[Claim], Callable[[], object]],
) -> None:
    k8s = judge.need(target_kubernetes, "a Kubernetes cluster with the autoscaler")
    judge.gate(drill_gate)
    bound = binding(target, claim)
    apis = kube_apis(k8s)
    namespace = str(judge.need(bound.get("namespace") or k8s.app_namespace, "the autoscaler's namespace"))
    hpa = str(judge.need(bound.get("hpa"), f"bindings.{claim.id}.hpa"))
    deployment = str(judge.need(bound.get("deployment"), f"bindings.{claim.id}.deployment"))
    timeline = sample_scaling_timeline(
        ScalingApis(apis.core, apis.autoscaling, apis.apps),
        namespace,
        hpa,
        deployment,
        duration_s=float(bound.get("observe_s", 300)),
        trigger=load_step(claim),
    )
    judge(time_to_scale(timeline, claim))
