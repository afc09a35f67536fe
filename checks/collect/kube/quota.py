"""ResourceQuotas, LimitRanges, and a server-side dry-run that shows whether a quota is enforced."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from checks.collect.kube._call import (
    api_error,
    api_exception,
    call,
    endpoint_of,
    list_all,
    plain,
    status_message,
)
from checks.errors import CollectionError
from checks.evidence.kubernetes import LimitRangeRecord as LimitRangeRecord
from checks.evidence.kubernetes import QuotaEnforcement as QuotaEnforcement
from checks.evidence.kubernetes import QuotaSnapshot as QuotaSnapshot
from checks.evidence.kubernetes import ResourceQuotaRecord as ResourceQuotaRecord
from checks.evidence.origin import UNKNOWN, Origin

if TYPE_CHECKING:
    from kubernetes.client import CoreV1Api
    from kubernetes.client.exceptions import ApiException

QUOTA_REFUSAL = "exceeded quota"
# LimitRanger refusals read "maximum cpu usage per Container is 2, but limit is 16".
LIMIT_RANGE_REFUSAL = "usage per"


def collect_resource_quotas(api: CoreV1Api, namespaces: Sequence[str]) -> tuple[ResourceQuotaRecord, ...]:
    """List the ResourceQuotas of each namespace (all pages)."""
    records = []
    for ns in namespaces:
        endpoint = endpoint_of(api, "GET", f"/api/v1/namespaces/{ns}/resourcequotas")
        for q in list_all(endpoint, api.list_namespaced_resource_quota, ns):
            status = q.status
            hard = dict((status.hard if status and status.hard else q.spec.hard) or {})
            used = dict((status.used if status else None) or {})
            records.append(ResourceQuotaRecord(ns, q.metadata.name, hard, used))
    return tuple(records)


def collect_limit_ranges(api: CoreV1Api, namespaces: Sequence[str]) -> tuple[LimitRangeRecord, ...]:
    """List the LimitRanges of each namespace (all pages)."""
    records = []
    for ns in namespaces:
        endpoint = endpoint_of(api, "GET", f"/api/v1/namespaces/{ns}/limitranges")
        for lr in list_all(endpoint, api.list_namespaced_limit_range, ns):
            limits = tuple(plain(api, item) for item in (lr.spec.limits or []))
            records.append(LimitRangeRecord(ns, lr.metadata.name, limits))
    return tuple(records)


def collect_quota_snapshot(
    api: CoreV1Api, namespaces: Sequence[str], *, origin: Origin = UNKNOWN
) -> QuotaSnapshot:
    """ResourceQuotas and LimitRanges of the namespaces, in one snapshot."""
    names = tuple(namespaces)
    return QuotaSnapshot(names, collect_resource_quotas(api, names), collect_limit_ranges(api, names), origin)


def requests_beyond(quota: ResourceQuotaRecord) -> dict[str, str]:
    """Container requests/limits of twice each hard cpu/memory bound: beyond quota whatever is in use."""
    from kubernetes.utils import parse_quantity

    wanted: dict[str, str] = {}
    for key, value in quota.hard.items():
        kind, _, resource = key.rpartition(".")
        if resource in ("cpu", "memory") and kind in ("", "requests", "limits"):
            wanted[f"{kind or 'requests'}.{resource}"] = str(parse_quantity(value) * 2)
    return wanted


def _probe_body(kind: str, name: str, requested: Mapping[str, str], run_id: str) -> dict[str, Any]:
    meta = {"name": name, "labels": {"claimcheck.io/run-id": run_id}}
    if kind == "configmap":
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {"probe": run_id}}
    resources: dict[str, dict[str, str]] = {"requests": {}, "limits": {}}
    for key, value in requested.items():
        section, _, resource = key.partition(".")
        resources[section][resource] = value
    for resource, value in resources["requests"].items():
        # A request above a LimitRange default limit would be invalid (422), not over quota.
        resources["limits"].setdefault(resource, value)
    container = {"name": "probe", "image": "registry.k8s.io/pause:3.9", "resources": resources}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": {"containers": [container]}}


def _refusal(
    namespace: str, kind: str, name: str, requested: dict[str, str], exc: ApiException, endpoint: str
) -> QuotaEnforcement:
    message = status_message(exc)
    if exc.status == 403 and QUOTA_REFUSAL in message:
        return QuotaEnforcement(namespace, kind, name, requested, True, "ResourceQuota", 403, message)
    if exc.status == 403 and LIMIT_RANGE_REFUSAL in message:
        return QuotaEnforcement(namespace, kind, name, requested, True, "LimitRange", 403, message)
    raise api_error(endpoint, exc) from exc


def check_quota_enforced(
    api: CoreV1Api,
    namespace: str,
    *,
    requested: Mapping[str, str],
    run_id: str,
    kind: Literal["pod", "configmap"] = "pod",
) -> QuotaEnforcement:
    """Server-side dry-run (dryRun=All, nothing is persisted) create of a pod or configmap beyond quota.

    `requested` maps "requests.cpu"/"limits.memory"... to quantities (see `requests_beyond`). A 403 naming a
    quota or a LimitRange is a refusal; any other 403 (RBAC) raises AccessDenied, since it proves nothing.
    """
    name = f"claimcheck-quota-probe-{run_id}"
    plural = "pods" if kind == "pod" else "configmaps"
    endpoint = endpoint_of(api, "POST", f"/api/v1/namespaces/{namespace}/{plural}?dryRun=All")
    create = api.create_namespaced_pod if kind == "pod" else api.create_namespaced_config_map
    body = _probe_body(kind, name, requested, run_id)
    try:
        call(endpoint, create, namespace, body, dry_run="All")
    except CollectionError as err:
        if isinstance(err.__cause__, api_exception()):
            return _refusal(namespace, kind, name, dict(requested), err.__cause__, endpoint)
        raise
    return QuotaEnforcement(
        namespace, kind, name, dict(requested), False, "", 201, "admitted by the server (dry run)"
    )
