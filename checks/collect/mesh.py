"""Service-mesh policy: Istio PeerAuthentication (security.istio.io), read through the official client."""

from __future__ import annotations

from typing import Any

from urllib3.exceptions import HTTPError

from checks.collect.deadline import endpoint_key, guarded
from checks.collect.kube._call import api_error, api_exception, timeout_of
from checks.errors import TargetUnreachable
from checks.evidence.origin import UNKNOWN, Origin
from checks.evidence.transport import MeshPolicies as MeshPolicies
from checks.evidence.transport import PeerAuthentication as PeerAuthentication

GROUP, PLURAL = "security.istio.io", "peerauthentications"
VERSIONS = ("v1", "v1beta1")  # v1 since Istio 1.22; v1beta1 before (and still served)


def _record(item: dict[str, Any]) -> PeerAuthentication:
    spec = item.get("spec") or {}
    ports = {
        str(p): str((m or {}).get("mode", "UNSET")) for p, m in (spec.get("portLevelMtls") or {}).items()
    }
    return PeerAuthentication(
        item["metadata"]["namespace"],
        item["metadata"]["name"],
        str((spec.get("mtls") or {}).get("mode", "UNSET")),
        bool(spec.get("selector")),
        ports,
    )


def collect_peer_authentications(
    custom: Any, root_namespace: str = "istio-system", *, origin: Origin = UNKNOWN
) -> MeshPolicies:
    """List PeerAuthentications in all namespaces (security.istio.io v1, else v1beta1).

    Only when neither version is served (404 on both) is the mesh reported as not installed.
    """
    for version in VERSIONS:
        endpoint = f"/apis/{GROUP}/{version}/{PLURAL}"
        seconds, host = timeout_of(custom.list_cluster_custom_object)
        try:
            with guarded(endpoint, seconds, key=endpoint_key(host)):
                body = custom.list_cluster_custom_object(
                    GROUP, version, PLURAL, _request_timeout=(seconds, seconds)
                )
        except api_exception() as exc:
            if exc.status == 404:
                continue
            raise api_error(endpoint, exc) from exc
        except (OSError, HTTPError) as exc:
            raise TargetUnreachable(endpoint, str(exc)) from exc
        return MeshPolicies(True, root_namespace, tuple(_record(i) for i in body.get("items", [])), origin)
    return MeshPolicies(False, root_namespace, (), origin)
