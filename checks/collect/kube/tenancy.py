"""Namespaces and NetworkPolicies: what a namespace-per-tenant claim rests on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kubernetes.client import CoreV1Api, NetworkingV1Api

from checks.collect.kube._call import endpoint_of, list_all, plain

POD_SECURITY_PREFIX = "pod-security.kubernetes.io/"


@dataclass(frozen=True)
class NamespaceInfo:
    """One namespace: its name and labels."""

    name: str
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def pod_security(self) -> dict[str, str]:
        """Pod Security Admission labels without their prefix: enforce, enforce-version, audit, warn..."""
        return {
            k.removeprefix(POD_SECURITY_PREFIX): v
            for k, v in self.labels.items()
            if k.startswith(POD_SECURITY_PREFIX)
        }


@dataclass(frozen=True)
class NamespaceInventory:
    """The namespaces a label selector matched, with their labels."""

    label_selector: str
    namespaces: tuple[NamespaceInfo, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The namespace names, in the server's order."""
        return tuple(n.name for n in self.namespaces)


@dataclass(frozen=True)
class NetworkPolicyRecord:
    """One NetworkPolicy with its spec kept as the plain dict the API served."""

    namespace: str
    name: str
    spec: dict[str, Any]

    @property
    def policy_types(self) -> tuple[str, ...]:
        """spec.policyTypes, or the API's default when absent (Ingress, plus Egress if egress rules exist)."""
        if "policyTypes" in self.spec:
            return tuple(self.spec["policyTypes"])
        return ("Ingress", "Egress") if self.spec.get("egress") else ("Ingress",)


@dataclass(frozen=True)
class NetworkPolicySnapshot:
    """Every NetworkPolicy in the listed namespaces (a namespace with none is still listed)."""

    namespaces: tuple[str, ...]
    policies: tuple[NetworkPolicyRecord, ...]

    def in_namespace(self, namespace: str) -> tuple[NetworkPolicyRecord, ...]:
        """The policies of one namespace."""
        return tuple(p for p in self.policies if p.namespace == namespace)


def collect_namespaces(api: CoreV1Api, label_selector: str) -> NamespaceInventory:
    """List the namespaces matching `label_selector` (all pages) with their labels."""
    endpoint = endpoint_of(api, "GET", f"/api/v1/namespaces?labelSelector={label_selector}")
    items = list_all(endpoint, api.list_namespace, label_selector=label_selector)
    found = tuple(NamespaceInfo(i.metadata.name, dict(i.metadata.labels or {})) for i in items)
    return NamespaceInventory(label_selector, found)


def collect_network_policies(api: NetworkingV1Api, namespaces: Sequence[str]) -> NetworkPolicySnapshot:
    """List the NetworkPolicies of each namespace (all pages); 403 on any namespace raises AccessDenied."""
    records: list[NetworkPolicyRecord] = []
    for ns in namespaces:
        endpoint = endpoint_of(api, "GET", f"/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies")
        for item in list_all(endpoint, api.list_namespaced_network_policy, ns):
            records.append(NetworkPolicyRecord(ns, item.metadata.name, plain(api, item.spec)))
    return NetworkPolicySnapshot(tuple(namespaces), tuple(records))
