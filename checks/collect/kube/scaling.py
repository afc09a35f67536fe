"""HorizontalPodAutoscalers (autoscaling/v2) and Deployments: the configured scaling behaviour."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from checks.collect.kube._call import endpoint_of, list_all, plain
from checks.evidence.scaling import (
    DeploymentState,
    HpaConfig,
    MetricTarget,
    ScalingConfig,
    ScalingPolicy,
    ScalingRules,
)

if TYPE_CHECKING:
    from kubernetes.client import AppsV1Api, AutoscalingV2Api

__all__ = [
    "DeploymentState",
    "HpaConfig",
    "MetricTarget",
    "ScalingConfig",
    "ScalingPolicy",
    "ScalingRules",
    "collect_deployments",
    "collect_hpas",
    "collect_scaling_config",
]

# The metric source key in an autoscaling/v2 MetricSpec, by its type.
_SOURCE = {
    "Resource": "resource",
    "ContainerResource": "containerResource",
    "Pods": "pods",
    "Object": "object",
    "External": "external",
}


def metric_target(metric: dict[str, Any]) -> MetricTarget:
    """A MetricTarget from one plain autoscaling/v2 MetricSpec dict."""
    mtype = metric.get("type", "")
    source = metric.get(_SOURCE.get(mtype, ""), {})
    name = source.get("name") or source.get("metric", {}).get("name", "")
    target = source.get("target", {})
    ttype = target.get("type", "")
    value = {"Utilization": "averageUtilization", "AverageValue": "averageValue", "Value": "value"}.get(
        ttype, ""
    )
    return MetricTarget(mtype, name, ttype, str(target.get(value, "")))


def scaling_rules(rules: dict[str, Any] | None) -> ScalingRules | None:
    """ScalingRules from a plain scaleUp/scaleDown dict (None when the HPA leaves it to the defaults)."""
    if not rules:
        return None
    policies = tuple(
        ScalingPolicy(p["type"], int(p["value"]), int(p["periodSeconds"])) for p in rules.get("policies", [])
    )
    return ScalingRules(rules.get("stabilizationWindowSeconds"), rules.get("selectPolicy"), policies)


def hpa_config(api: Any, hpa: Any) -> HpaConfig:
    """An HpaConfig from a V2HorizontalPodAutoscaler model."""
    spec, status = plain(api, hpa.spec), plain(api, hpa.status)
    ref = spec.get("scaleTargetRef", {})
    behavior = spec.get("behavior", {})
    return HpaConfig(
        hpa.metadata.namespace,
        hpa.metadata.name,
        f"{ref.get('kind')}/{ref.get('name')}",
        int(spec.get("minReplicas", 1)),
        int(spec["maxReplicas"]),
        tuple(metric_target(m) for m in spec.get("metrics", [])),
        scaling_rules(behavior.get("scaleUp")),
        scaling_rules(behavior.get("scaleDown")),
        int(status.get("currentReplicas", 0)),
        int(status.get("desiredReplicas", 0)),
    )


def deployment_state(deployment: Any) -> DeploymentState:
    """A DeploymentState from a V1Deployment model."""
    spec, status, meta = deployment.spec, deployment.status, deployment.metadata
    return DeploymentState(
        meta.namespace,
        meta.name,
        int(spec.replicas if spec.replicas is not None else 1),
        int(status.ready_replicas or 0),
        int(status.available_replicas or 0),
        int(status.updated_replicas or 0),
    )


def collect_hpas(api: AutoscalingV2Api, namespace: str) -> tuple[HpaConfig, ...]:
    """List the autoscaling/v2 HPAs of a namespace (all pages)."""
    endpoint = endpoint_of(
        api, "GET", f"/apis/autoscaling/v2/namespaces/{namespace}/horizontalpodautoscalers"
    )
    return tuple(
        hpa_config(api, h)
        for h in list_all(endpoint, api.list_namespaced_horizontal_pod_autoscaler, namespace)
    )


def collect_deployments(api: AppsV1Api, namespace: str) -> tuple[DeploymentState, ...]:
    """List the Deployments of a namespace (all pages)."""
    endpoint = endpoint_of(api, "GET", f"/apis/apps/v1/namespaces/{namespace}/deployments")
    return tuple(deployment_state(d) for d in list_all(endpoint, api.list_namespaced_deployment, namespace))


def collect_scaling_config(
    autoscaling: AutoscalingV2Api, apps: AppsV1Api, namespace: str, *, target: str = ""
) -> ScalingConfig:
    """The HPAs and Deployments of a namespace together (`target`: the name of the target read)."""
    return ScalingConfig(
        namespace, collect_hpas(autoscaling, namespace), collect_deployments(apps, namespace), target=target
    )
