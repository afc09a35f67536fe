"""Kubernetes tenancy evidence: namespaces and their labels, NetworkPolicies, quotas and limit ranges, the
authorizer's answers per service account and namespace, and dry-run creates beyond quota."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checks.evidence.origin import UNKNOWN, Origin

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
    origin: Origin = UNKNOWN

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
    origin: Origin = UNKNOWN

    def in_namespace(self, namespace: str) -> tuple[NetworkPolicyRecord, ...]:
        """The policies of one namespace."""
        return tuple(p for p in self.policies if p.namespace == namespace)


@dataclass(frozen=True)
class ServiceAccountRef:
    """A service account, named by its namespace and name."""

    namespace: str
    name: str

    @property
    def user(self) -> str:
        """The user name the authorizer sees for this service account."""
        return f"system:serviceaccount:{self.namespace}:{self.name}"

    @property
    def groups(self) -> list[str]:
        """The groups every token of this service account carries (RBAC may bind any of them)."""
        return ["system:serviceaccounts", f"system:serviceaccounts:{self.namespace}", "system:authenticated"]


@dataclass(frozen=True)
class ResourceAction:
    """A verb on a resource of an API group ("" is the core group)."""

    verb: str
    resource: str
    group: str = ""


@dataclass(frozen=True)
class AccessEntry:
    """One authorizer answer: may this service account do this in that namespace?"""

    service_account: ServiceAccountRef
    namespace: str
    action: ResourceAction
    allowed: bool
    denied: bool
    reason: str

    @property
    def own_namespace(self) -> bool:
        """True when the namespace is the service account's own."""
        return self.namespace == self.service_account.namespace

    @property
    def text(self) -> str:
        """'system:serviceaccount:a:default get secrets in b'."""
        return f"{self.service_account.user} {self.action.verb} {self.action.resource} in {self.namespace}"


@dataclass(frozen=True)
class AccessMatrix:
    """Every (service account, namespace, action) reviewed."""

    entries: tuple[AccessEntry, ...]
    origin: Origin = UNKNOWN


@dataclass(frozen=True)
class ResourceQuotaRecord:
    """One ResourceQuota: status.hard (what is enforced) and status.used."""

    namespace: str
    name: str
    hard: dict[str, str]
    used: dict[str, str]


@dataclass(frozen=True)
class LimitRangeRecord:
    """One LimitRange with its spec.limits as plain dicts (type, default, defaultRequest, max, min)."""

    namespace: str
    name: str
    limits: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class QuotaSnapshot:
    """The quotas and limit ranges of the listed namespaces."""

    namespaces: tuple[str, ...]
    quotas: tuple[ResourceQuotaRecord, ...]
    limit_ranges: tuple[LimitRangeRecord, ...] = ()
    origin: Origin = UNKNOWN


@dataclass(frozen=True)
class QuotaEnforcement:
    """The answer to a dry-run create sized beyond quota: refused (and by what) or admitted."""

    namespace: str
    kind: str
    object_name: str
    requested: dict[str, str]
    refused: bool
    refused_by: str
    http_status: int
    message: str = field(default="")
