"""The default replayed cluster: three tenant namespaces (tenant-a, tenant-b, tenant-c) and their policies.

tenant-a is the well-configured tenant (restricted pod security, default-deny both ways, quota + LimitRange,
an HPA named web); tenant-b and tenant-c each miss something, so evaluators see both sides of every bound.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.kube_replay.server import RecordedRequest, Route

PAYLOADS = Path(__file__).parent / "payloads"
TENANTS = ("tenant-a", "tenant-b", "tenant-c")
NAMESPACES_CONTINUE = json.loads((PAYLOADS / "namespaces_page1.json").read_text())["metadata"]["continue"]
Allow = Callable[[str, str], bool]  # (service-account namespace, target namespace) -> allowed


def load(name: str) -> Any:
    """A recorded payload, parsed."""
    return json.loads((PAYLOADS / name).read_text())


def own_namespace_only(sa_namespace: str, target_namespace: str) -> bool:
    """The isolated cluster's RBAC: a tenant's service accounts may act only in their own namespace."""
    return sa_namespace == target_namespace


def access_review_responder(allow: Allow) -> Callable[[RecordedRequest], tuple[int, Any]]:
    """Answer SubjectAccessReview POSTs as the authorizer would, deciding with `allow`."""

    def respond(request: RecordedRequest) -> tuple[int, Any]:
        review = dict(request.body)
        spec = review["spec"]
        user = spec.get("user", "")
        sa_namespace = user.split(":")[2] if user.startswith("system:serviceaccount:") else ""
        target = spec.get("resourceAttributes", {}).get("namespace", "")
        allowed = allow(sa_namespace, target)
        review["metadata"] = {"creationTimestamp": None}
        review["status"] = {"allowed": allowed}
        review["status"]["reason"] = (
            f'RBAC: allowed by RoleBinding "tenant-edit/{target}" of ClusterRole "edit" to ServiceAccount'
            if allowed
            else ""
        )
        return 201, review

    return respond


def dry_run_accepted(request: RecordedRequest) -> tuple[int, Any]:
    """A dry-run create the server admits: it echoes the object with server-filled metadata."""
    created = dict(request.body)
    created["metadata"] = {
        **created.get("metadata", {}),
        "uid": "5f0e3a1c-dry-run",
        "creationTimestamp": "2025-09-13T14:20:00Z",
    }
    created["status"] = {"phase": "Pending", "qosClass": "Burstable"}
    return 201, created


def _per_tenant_lists() -> list[Route]:
    routes = []
    for ns in TENANTS:
        routes += [
            Route(
                "GET",
                f"/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies",
                [load(f"networkpolicies_{ns}.json")],
            ),
            Route("GET", f"/api/v1/namespaces/{ns}/resourcequotas", [load(f"resourcequotas_{ns}.json")]),
            Route("GET", f"/api/v1/namespaces/{ns}/limitranges", [load(f"limitranges_{ns}.json")]),
        ]
    return routes


def default_routes(allow: Allow = own_namespace_only) -> list[Route]:
    """Every route of the default cluster; timelines for the HPA/Deployment named web in tenant-a."""
    hpa_base = "/apis/autoscaling/v2/namespaces/tenant-a/horizontalpodautoscalers"
    dep_base = "/apis/apps/v1/namespaces/tenant-a/deployments"
    return [
        Route("GET", "/api/v1/namespaces", [load("namespaces_page1.json")]),
        Route(
            "GET",
            "/api/v1/namespaces",
            [load("namespaces_page2.json")],
            query={"continue": NAMESPACES_CONTINUE},
        ),
        *_per_tenant_lists(),
        Route(
            "POST",
            "/api/v1/namespaces/tenant-a/pods",
            [load("dryrun_pod_quota_exceeded_tenant-a.json")],
            status=403,
        ),
        Route("POST", "/api/v1/namespaces/tenant-b/pods", responder=dry_run_accepted),
        Route(
            "POST",
            "/api/v1/namespaces/tenant-c/pods",
            [load("forbidden_create_pods_tenant-c.json")],
            status=403,
        ),
        Route(
            "POST",
            "/apis/authorization.k8s.io/v1/subjectaccessreviews",
            responder=access_review_responder(allow),
        ),
        Route("GET", hpa_base, [load("hpa_list_tenant-a.json")]),
        Route("GET", f"{hpa_base}/web", load("hpa_web_timeline.json")),
        Route("GET", dep_base, [load("deployment_list_tenant-a.json")]),
        Route("GET", f"{dep_base}/web", load("deployment_web_timeline.json")),
        Route("GET", "/api/v1/namespaces/tenant-a/events", [load("events_hpa_web.json")]),
    ]


def forbidden_network_policies_route() -> Route:
    """The credentials may not list NetworkPolicies in tenant-c: a 403 Forbidden Status."""
    return Route(
        "GET",
        "/apis/networking.k8s.io/v1/namespaces/tenant-c/networkpolicies",
        [load("forbidden_networkpolicies_tenant-c.json")],
        status=403,
    )
