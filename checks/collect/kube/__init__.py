"""Kubernetes collectors (official `kubernetes` client): tenancy, policies, quotas, RBAC, autoscaling."""

from __future__ import annotations

from checks.collect.kube.access import (
    AccessEntry,
    AccessMatrix,
    ResourceAction,
    ServiceAccountRef,
    access_reviews,
)
from checks.collect.kube.quota import (
    LimitRangeRecord,
    QuotaEnforcement,
    QuotaSnapshot,
    ResourceQuotaRecord,
    check_quota_enforced,
    collect_limit_ranges,
    collect_quota_snapshot,
    collect_resource_quotas,
    requests_beyond,
)
from checks.collect.kube.scaling import (
    DeploymentState,
    HpaConfig,
    MetricTarget,
    ScalingConfig,
    ScalingPolicy,
    ScalingRules,
    collect_deployments,
    collect_hpas,
    collect_scaling_config,
)
from checks.collect.kube.tenancy import (
    NamespaceInfo,
    NamespaceInventory,
    NetworkPolicyRecord,
    NetworkPolicySnapshot,
    collect_namespaces,
    collect_network_policies,
)
from checks.collect.kube.timeline import (
    KubeEvent,
    ScalingApis,
    ScalingSample,
    ScalingTimeline,
    sample_scaling_timeline,
)

__all__ = [
    "AccessEntry",
    "AccessMatrix",
    "DeploymentState",
    "HpaConfig",
    "KubeEvent",
    "LimitRangeRecord",
    "MetricTarget",
    "NamespaceInfo",
    "NamespaceInventory",
    "NetworkPolicyRecord",
    "NetworkPolicySnapshot",
    "QuotaEnforcement",
    "QuotaSnapshot",
    "ResourceAction",
    "ResourceQuotaRecord",
    "ScalingApis",
    "ScalingConfig",
    "ScalingPolicy",
    "ScalingRules",
    "ScalingSample",
    "ScalingTimeline",
    "ServiceAccountRef",
    "access_reviews",
    "check_quota_enforced",
    "collect_deployments",
    "collect_hpas",
    "collect_limit_ranges",
    "collect_namespaces",
    "collect_network_policies",
    "collect_quota_snapshot",
    "collect_resource_quotas",
    "collect_scaling_config",
    "requests_beyond",
    "sample_scaling_timeline",
]
