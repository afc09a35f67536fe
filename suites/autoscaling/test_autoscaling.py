"""Autoscaler bounds and time to scale: declared feasibility, live HPA config, a measured scale-up."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.bindings import AutoscalingBinding
from checks.collect.kube import collect_scaling_config
from checks.collect.kube.client import kube_apis
from checks.collect.kube.timeline import ScalingApis, sample_scaling_timeline
from checks.evaluate.autoscaling import hpa_bounds, time_to_scale
from checks.ledger import Claim
from checks.registry import binding_as
from checks.sufficiency import SufficiencyPolicy
from checks.targets import Kubernetes, Target
from fixtures.claims import claim_params
from fixtures.judging import Judge

HPA_METRICS = {"hpa_min_replicas", "hpa_max_replicas", "hpa_cpu_target"}


def _binding(target: Target, claim: Claim) -> AutoscalingBinding:
    return binding_as(target, claim, AutoscalingBinding) or AutoscalingBinding()


@pytest.mark.parametrize("claim", claim_params("autoscaling.bounds"))
def test_autoscaler_configured_as_claimed(
    claim: Claim, judge: Judge, target: Target, target_name: str, target_kubernetes: Kubernetes | None
) -> None:
    k8s = judge.need(target_kubernetes, "a Kubernetes cluster with the autoscaler")
    bound = _binding(target, claim)
    namespace = judge.need(bound.namespace or k8s.app_namespace, "the namespace of the autoscaler")
    if claim.metric not in HPA_METRICS:
        judge.not_applicable(f"no live reading for {claim.metric!r}: claimcheck reads HPA min/max/CPU target")
    apis = kube_apis(k8s)
    config = collect_scaling_config(apis.autoscaling, apis.apps, namespace, target=target_name)
    judge(hpa_bounds(config, claim, bound.hpa or claim.scope.component or ""))


@pytest.mark.disruptive
@pytest.mark.load
@pytest.mark.parametrize("claim", claim_params("autoscaling.time_to_scale"))
def test_time_to_scale_within_bound(
    claim: Claim,
    judge: Judge,
    target: Target,
    target_name: str,
    target_kubernetes: Kubernetes | None,
    drill_gate: str | None,
    load_step: Callable[[Claim], Callable[[], object]],
    policy: SufficiencyPolicy,
) -> None:
    k8s = judge.need(target_kubernetes, "a Kubernetes cluster with the autoscaler")
    judge.gate(drill_gate)
    bound = _binding(target, claim)
    apis = kube_apis(k8s)
    namespace = judge.need(bound.namespace or k8s.app_namespace, "the autoscaler's namespace")
    hpa = judge.need(bound.hpa, f"bindings.{claim.id}.hpa")
    deployment = judge.need(bound.deployment, f"bindings.{claim.id}.deployment")
    timeline = sample_scaling_timeline(
        ScalingApis(apis.core, apis.autoscaling, apis.apps),
        namespace,
        hpa,
        deployment,
        duration_s=bound.observe_s,
        trigger=load_step(claim),
        target=target_name,
    )
    judge(time_to_scale(timeline, claim, policy))
