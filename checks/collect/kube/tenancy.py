"""Namespaces and NetworkPolicies: what a namespace-per-tenant claim rests on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from checks.collect.kube._call import endpoint_of, list_all, plain
from checks.evidence.kubernetes import NamespaceInfo as NamespaceInfo
from checks.evidence.kubernetes import NamespaceInventory as NamespaceInventory
from checks.evidence.kubernetes import NetworkPolicyRecord as NetworkPolicyRecord
from checks.evidence.kubernetes import NetworkPolicySnapshot as NetworkPolicySnapshot
from checks.evidence.origin import UNKNOWN, Origin

if TYPE_CHECKING:
    from kubernetes.client import CoreV1Api, NetworkingV1Api


def collect_namespaces(
    api: CoreV1Api, label_selector: str, *, origin: Origin = UNKNOWN
) -> NamespaceInventory:
    """List the namespaces matching `label_selector` (all pages) with their labels."""
    endpoint = endpoint_of(api, "GET", f"/api/v1/namespaces?labelSelector={label_selector}")
    items = list_all(endpoint, api.list_namespace, label_selector=label_selector)
    found = tuple(NamespaceInfo(i.metadata.name, dict(i.metadata.labels or {})) for i in items)
    return NamespaceInventory(label_selector, found, origin)


def collect_network_policies(
    api: NetworkingV1Api, namespaces: Sequence[str], *, origin: Origin = UNKNOWN
) -> NetworkPolicySnapshot:
    """List the NetworkPolicies of each namespace (all pages); 403 on any namespace raises AccessDenied."""
    records: list[NetworkPolicyRecord] = []
    for ns in namespaces:
        endpoint = endpoint_of(api, "GET", f"/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies")
        for item in list_all(endpoint, api.list_namespaced_network_policy, ns):
            records.append(NetworkPolicyRecord(ns, item.metadata.name, plain(api, item.spec)))
    return NetworkPolicySnapshot(tuple(namespaces), tuple(records), origin)
